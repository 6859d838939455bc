/** True when D1 refused a write because of a UNIQUE or PRIMARY KEY constraint (e.g. a concurrent insert won the race). */
export function isUniqueViolation(error: unknown): boolean {
  const messages: string[] = [];
  for (let e: unknown = error; e instanceof Error && messages.length < 5; e = e.cause) messages.push(e.message);
  return messages.some((m) => /UNIQUE constraint failed|PRIMARY KEY/i.test(m));
}
