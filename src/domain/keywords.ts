/** Category keyword matching: case-insensitive, on whole words, so "NBA" matches "NBA Finals" but not "snbar" */
const cache = new Map<string, RegExp>();

const escape = (keyword: string): string =>
  keyword.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');

/** `body` between word boundaries (start or end, or a character that is neither a letter nor a digit) */
function bounded(body: string): RegExp {
  let pattern = cache.get(body);
  if (!pattern) {
    // Stateless: no `g` or `y` flag, so `test` keeps no position
    pattern = new RegExp(`(^|[^\\p{L}\\p{N}])${body}($|[^\\p{L}\\p{N}])`, 'iu');
    cache.set(body, pattern);
  }
  return pattern;
}

export function matchesKeyword(text: string, keyword: string): boolean {
  return bounded(escape(keyword)).test(text);
}

/**
 * One pattern that matches a text exactly when some keyword of the list does (matchesKeyword): the keywords are
 * alternatives between the same boundaries, and the regex engine tries every alternative at every position
 */
export function anyKeywordPattern(keywords: readonly string[]): RegExp {
  return bounded(`(?:${keywords.map(escape).join('|')})`);
}
