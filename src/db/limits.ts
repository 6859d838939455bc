/** D1 refuses a statement that binds more than 100 parameters (local D1 does not enforce it; production does). */
export const MAX_BOUND_PARAMETERS = 100;

/** Values per `IN (...)` lookup: under the limit with room for a few other bound parameters. */
export const IN_LIST_CHUNK = 90;

/** Splits rows into statements of at most MAX_BOUND_PARAMETERS bound parameters (rows × columns). */
export function chunkRows<T>(rows: T[], columns: number, maxParams = MAX_BOUND_PARAMETERS): T[][] {
  const size = Math.max(1, Math.floor(maxParams / columns));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

/** Distinct values in IN-list sized chunks. */
export const inListChunks = <T>(values: T[]): T[][] => chunkRows([...new Set(values)], 1, IN_LIST_CHUNK);
