import { describe, expect, test } from 'vitest';
import { printable } from './printable.js';

const UNSAFE = [
  ['C0 escape', '\u001b'],
  ['NUL', '\u0000'],
  ['line feed', '\n'],
  ['DEL', '\u007f'],
  ['C1 CSI', '\u009b'],
  ['line separator', '\u2028'],
  ['paragraph separator', '\u2029'],
  ['left-to-right mark', '\u200e'],
  ['right-to-left mark', '\u200f'],
  ['arabic letter mark', '\u061c'],
  ['LRE', '\u202a'],
  ['RLE', '\u202b'],
  ['PDF', '\u202c'],
  ['LRO', '\u202d'],
  ['RLO', '\u202e'],
  ['LRI', '\u2066'],
  ['RLI', '\u2067'],
  ['FSI', '\u2068'],
  ['PDI', '\u2069'],
  ['byte order mark', '\ufeff'],
  ['zero-width space', '\u200b'],
  ['zero-width joiner', '\u200d'],
  ['word joiner', '\u2060'],
  ['invisible separator', '\u2063'],
  ['Mongolian vowel separator', '\u180e'],
  ['tag letter A', '\u{e0041}'],
] as const;

describe('printable (remote text on a terminal)', () => {
  test.each(UNSAFE)('hostile input: a %s becomes U+FFFD', (_name, char) => {
    expect(printable(`pay${char}.example`)).toBe('pay\uFFFD.example');
  });

  test('ordinary text, accents and other scripts pass unchanged', () => {
    const text = 'Clínica Specimen — 診療所 (fictional) <privacy@clinic.example>';
    expect(printable(text)).toBe(text);
  });

  test('the length is bounded with an ellipsis, never half a surrogate pair', () => {
    expect(printable('a'.repeat(10), 4)).toBe('aaaa…');
    expect(printable('abc😀d', 4)).toBe('abc…');
    expect(printable('abcd', 4)).toBe('abcd');
  });
});
