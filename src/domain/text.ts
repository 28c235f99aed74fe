/**
 * Text as the database can store it and as every client can read it: no NUL (U+0000), which PostgreSQL refuses in TEXT,
 * and no unpaired UTF-16 surrogate (a JSON "\ud800" escape), which has no UTF-8 form and would be stored as U+FFFD
 */

/** A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const UNSTORABLE_TEXT_MESSAGE = 'must not contain NUL (U+0000) or an unpaired surrogate';

/** True when `s` holds no NUL and no unpaired surrogate */
export const isStorableText = (s: string): boolean => !UNSTORABLE.test(s);
