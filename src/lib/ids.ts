/**
 * Time-ordered ids: `prefix_` + 9 base-36 chars of milliseconds + 12 random base-36 chars.
 * Ordering by id is ordering by creation, which makes cursor pagination stable.
 */
export function newId(prefix: string, now: Date = new Date()): string {
  const time = now.getTime().toString(36).padStart(9, "0");
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  let random = "";
  for (const b of bytes) random += (b % 36).toString(36);
  return `${prefix}_${time}${random}`;
}

/** A uniform random number in [0, 1) with 53 bits of precision (the contact's permanent random number). */
export function randomUnit(): number {
  const [hi, lo] = crypto.getRandomValues(new Uint32Array(2)) as unknown as [number, number];
  return ((hi >>> 5) * 67108864 + (lo >>> 6)) / 9007199254740992;
}

/** A url-safe random secret (for API tokens, sessions). */
export function randomSecret(bytes = 32): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
