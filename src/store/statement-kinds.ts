/**
 * Which statements the database adapters keep prepared (pglite-statements.ts, pg-statements.ts): plain reads and
 * writes; and which ones may change a kept statement's columns, so that the kept ones are dropped after them
 */
const CACHEABLE = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i;
const SCHEMA_CHANGE = /^\s*(CREATE|ALTER|DROP|DO|CALL|COMMENT)\b/i;

/** Statements worth keeping prepared: plain reads and writes (SET, LISTEN, DDL … run unnamed) */
export const isCacheable = (text: string): boolean => CACHEABLE.test(text);
/** Statements after which a kept statement's columns may differ (DDL); `exec` (migrations) counts as one too */
export const mayChangeSchema = (text: string): boolean => SCHEMA_CHANGE.test(text);
