/**
 * Characters that must never reach a terminal from remote text: C0 and C1 controls and DEL (escape
 * sequences could rewrite what the holder sees on the consent screen), the Unicode line and paragraph
 * separators (they break a line where the text seems to go on), and the bidirectional marks, embeddings,
 * overrides and isolates plus the byte order mark (they reorder or hide what is shown, e.g. an
 * `example.com` that displays as another name).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to replace them.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * Text from a verifier or issuer made safe for a terminal: control, line-separator and bidirectional
 * formatting characters become U+FFFD, and the length is bounded (an ellipsis marks a cut).
 *
 * @example
 * ```ts
 * printable('Clinic\u001b[2J') // 'Clinic\uFFFD[2J'
 * printable('evil\u202Emoc.elpmaxe') // 'evil\uFFFDmoc.elpmaxe'
 * ```
 */
export function printable(text: string, max = 512): string {
  const clean = text.replace(UNSAFE, '\uFFFD');
  if (clean.length <= max) return clean;
  // A cut must not leave half of a surrogate pair behind.
  return `${clean.slice(0, max).replace(/[\ud800-\udbff]$/, '')}…`;
}
