// @backend-independent
import { describe, expect, it } from 'vitest';
import { isStorableText } from './text.ts';

describe('isStorableText', () => {
  it.each([
    ['', true], ['plain', true], ['emoji \ud83d\udcc8 pair', true], ['\ud800\udc00', true], ['é ü 中', true],
    ['\u0000', false], ['a\u0000', false], ['\ud800', false], ['a\ud800b', false], ['\udc00', false], ['x\udfff', false],
    ['\ud83d\ud83d\udcc8', false], // a high surrogate followed by a pair
    ['\udcc8\ud83d', false], // a pair in the wrong order
  ])('%j → %s', (s, expected) => {
    expect(isStorableText(s)).toBe(expected);
  });
});
