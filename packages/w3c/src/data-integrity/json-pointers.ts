import { failW3c, type W3cErrorCode } from '../errors.js';

/** More pointers than any credential has claims is a mistake or an attack (each costs a graph selection). */
const MAX_POINTERS = 256;
const MAX_POINTER_LENGTH = 1024;

function decodeSegment(segment: string, code: W3cErrorCode): string {
  // RFC 6901 §3: "~" only as "~0" or "~1".
  if (/~(?![01])/.test(segment)) failW3c(code, 'a JSON pointer has an invalid "~" escape');
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * Checks JSON pointers (RFC 6901) for ecdsa-sd-2023 mandatory or selective disclosure (vc-di-ecdsa §3.4,
 * §3.5): each is a non-empty pointer (`/credentialSubject/name`) that resolves to a value of `document`,
 * not inside `@context` or `proof`. Anything else is `code` — the library would otherwise select nothing
 * for a typo and disclose less (or, for mandatory pointers, protect less) than the caller meant.
 *
 * @example
 * ```ts
 * checkJsonPointers(credential, ['/issuer', '/credentialSubject/employer_name'], 'W3C_SELECTIVE_DISCLOSURE_INVALID');
 * ```
 */
export function checkJsonPointers(document: unknown, pointers: unknown, code: W3cErrorCode): string[] {
  if (!Array.isArray(pointers) || pointers.length > MAX_POINTERS) {
    failW3c(code, `pointers must be an array of at most ${MAX_POINTERS} JSON pointers`);
  }
  for (const pointer of pointers) {
    if (typeof pointer !== 'string' || !pointer.startsWith('/') || pointer.length > MAX_POINTER_LENGTH) {
      failW3c(code, 'a pointer must be a JSON pointer starting with "/"');
    }
    const segments = pointer
      .slice(1)
      .split('/')
      .map((s) => decodeSegment(s, code));
    if (segments[0] === '@context' || segments[0] === 'proof') {
      failW3c(code, 'a pointer must not select @context or proof');
    }
    let node: unknown = document;
    for (const segment of segments) {
      if (Array.isArray(node)) {
        if (!/^(0|[1-9]\d*)$/.test(segment) || Number(segment) >= node.length) {
          failW3c(code, 'a pointer does not resolve in the credential');
        }
        node = node[Number(segment)];
      } else if (typeof node === 'object' && node !== null && Object.hasOwn(node, segment)) {
        node = (node as Record<string, unknown>)[segment];
      } else {
        failW3c(code, 'a pointer does not resolve in the credential');
      }
    }
  }
  if (new Set(pointers).size !== pointers.length) failW3c(code, 'a pointer is repeated');
  return [...pointers] as string[];
}
