/** Small helpers for the feed adapters: bounded parallel work (src/domain/concurrency.ts) and error text */
export { chunk, mapLimit } from '../domain/concurrency.ts';

/** An exception's message, for error records */
export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
