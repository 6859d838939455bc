/** `{ field: { from, to } }` for an audit entry's detail: what a change did, field by field. */
export function changeDetail<T extends object>(before: T, after: Partial<T>): Record<string, { from: unknown; to: unknown }> {
  return Object.fromEntries(Object.entries(after).map(([key, to]) => [key, { from: before[key as keyof T], to }]));
}
