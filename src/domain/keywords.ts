/** Category keyword matching: case-insensitive, on whole words, so "NBA" matches "NBA Finals" but not "snbar" */
const cache = new Map<string, RegExp>();

export function matchesKeyword(text: string, keyword: string): boolean {
  let pattern = cache.get(keyword);
  if (!pattern) {
    const escaped = keyword.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
    pattern = new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'iu');
    cache.set(keyword, pattern);
  }
  return pattern.test(text);
}
