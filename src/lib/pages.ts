/**
 * Cursor pages: a list query fetches `limit + 1` rows; the extra row only says that another page exists. This splits
 * such rows into the page and the cursor of the next one (null on the last page), whatever the cursor is made of.
 */
export function splitPage<T, C>(rows: T[], limit: number, cursorOf: (last: T) => C): { items: T[]; next: C | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
