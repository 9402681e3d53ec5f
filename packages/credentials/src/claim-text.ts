import { z } from 'zod';

// C0 and C1 controls never belong in a name or a title, and the bidirectional embedding, override and
// isolate controls (U+202A–U+202E, U+2066–U+2069) can make a displayed name read differently from the
// stored one ("Trojan Source", CVE-2021-42574). LRM/RLM/ALM stay allowed: Arabic text may need them.
function hasForbiddenCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (
      c < 0x20 ||
      (c >= 0x7f && c <= 0x9f) ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2066 && c <= 0x2069)
    ) {
      return true;
    }
  }
  return false;
}

/**
 * Zod schema of a free-text claim: trimmed, Unicode NFC (so one name has one encoding, and one digest),
 * 1 to `max` characters, no control or bidi-override characters.
 *
 * @example
 * ```ts
 * const zJobTitle = zClaimText(200);
 * zJobTitle.parse('  Cook ') // 'Cook'
 * ```
 */
export function zClaimText(max: number) {
  return (
    z
      .string()
      // A cheap cap before trimming and normalising, so a megabyte string is refused without work on it.
      .max(max * 4, { abort: true })
      .trim()
      .normalize('NFC')
      .min(1)
      .max(max)
      .refine((s) => !hasForbiddenCharacter(s), { message: 'contains control or bidi override characters' })
  );
}

/** Longest personal name part we accept (ICAO 9303 allows 39 in the MRZ; registries store more). */
export const NAME_MAX_LENGTH = 150;
/** Longest identifier (document, registration, company number) we accept. */
export const IDENTIFIER_MAX_LENGTH = 64;
/** Longest organisation name or title we accept. */
export const LABEL_MAX_LENGTH = 200;
