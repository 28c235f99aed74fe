/**
 * Keyset pagination: a page request (how many, and the sort key of the last item already seen) and the rows read
 * with their sort key as text that round-trips exactly (times to the microsecond), so the next page starts after it
 */
export interface PageRequest {
  limit: number;
  /** The sort key of the previous page's last item; null: the first page */
  after: readonly string[] | null;
}
/** A row with its sort key; a page reads limit + 1 rows so the caller knows whether another page follows */
export interface Keyed<T> {
  row: T;
  key: string[];
}

/** A timestamptz as UTC ISO-8601 text with microseconds: the time part of a sort key */
export const isoKey = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The parameters of a page: the after-key's parts (null on the first page) and then limit + 1 */
export const pageParams = (page: PageRequest, parts: number): unknown[] =>
  [...Array.from({ length: parts }, (_, k) => page.after?.[k] ?? null), page.limit + 1];
