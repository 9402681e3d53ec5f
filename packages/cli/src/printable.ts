/**
 * Characters that must never reach a terminal from remote text: C0 and C1 controls and DEL (escape
 * sequences could rewrite what the holder sees on the consent screen), the Unicode line and paragraph
 * separators (they break a line where the text seems to go on), and the bidirectional marks, embeddings,
 * overrides and isolates plus the byte order mark (they reorder or hide what is shown, e.g. an
 * `example.com` that displays as another name), and the invisible ones (zero-width space and joiners,
 * word joiner and invisible operators, the Mongolian vowel separator, tag characters) that can split or
 * hide a word without showing anything.
 */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to replace them.
  /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|\udb40[\udc00-\udc7f]/g;

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
