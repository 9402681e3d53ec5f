import { fail } from './errors.js';
import { LIMITS } from './limits.js';

export interface StrictJsonOptions {
  /** Largest input: bytes for a `Uint8Array`, UTF-16 code units for a string. */
  maxBytes?: number;
  /** Deepest nesting of objects and arrays (`{}` is depth 1). */
  maxDepth?: number;
  /** What is being parsed, for the error message (e.g. `JWS header`). Never the content. */
  what?: string;
}

// Keys that can reach Object.prototype through careless merging further down the line.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses JSON for security-relevant data (token headers and payloads, DID documents): UTF-8 must be
 * valid, size and depth are capped before parsing, duplicate member names are rejected (RFC 7515 §5.2,
 * RFC 8259 §4 leaves them undefined, so an attacker could pick which one a peer sees), and `__proto__`,
 * `constructor` and `prototype` keys are rejected at any depth.
 *
 * @example
 * ```ts
 * parseStrictJson('{"a":1}') // { a: 1 }
 * parseStrictJson('{"a":1,"a":2}') // throws JSON_DUPLICATE_KEY
 * ```
 */
export function parseStrictJson(input: string | Uint8Array, options: StrictJsonOptions = {}): unknown {
  const maxBytes = options.maxBytes ?? LIMITS.jsonMaxBytes;
  const maxDepth = options.maxDepth ?? LIMITS.jsonMaxDepth;
  const what = options.what ?? 'JSON';
  // A cap from configuration that is NaN or negative would disable the check: refuse it.
  if (!(Number.isInteger(maxBytes) && maxBytes >= 0 && Number.isInteger(maxDepth) && maxDepth >= 1)) {
    throw new RangeError('JSON limits must be integers (maxBytes >= 0, maxDepth >= 1)');
  }
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > maxBytes) fail('JSON_TOO_LARGE', `${what} exceeds ${maxBytes} bytes`);
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    try {
      text = utf8.decode(input);
    } catch (cause) {
      fail('JSON_INVALID', `${what} is not valid UTF-8`, { cause });
    }
  }
  scanStructure(text, maxDepth, what);
  try {
    return JSON.parse(text);
  } catch {
    // The parser's message quotes the input; drop it (it may hold personal data).
    fail('JSON_INVALID', `${what} is not valid JSON`);
  }
}

/** {@link parseStrictJson}, and the result must be a JSON object (not an array, string or null). */
export function parseStrictJsonObject(
  input: string | Uint8Array,
  options: StrictJsonOptions = {},
): Record<string, unknown> {
  const value = parseStrictJson(input, options);
  if (!isJsonObject(value)) fail('JSON_NOT_OBJECT', `${options.what ?? 'JSON'} is not a JSON object`);
  return value;
}

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Walks the text once, before `JSON.parse`, to enforce depth and to see every member name. It assumes
 * nothing about validity: malformed text is left for `JSON.parse` to reject, and the walk always ends
 * because every branch advances `i`.
 */
function scanStructure(text: string, maxDepth: number, what: string): void {
  // One entry per open container: the member names seen so far, or null for an array.
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const end = findStringEnd(text, i + 1);
      if (end < 0) fail('JSON_INVALID', `${what} is not valid JSON`);
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        const raw = text.slice(i + 1, end);
        let key = raw;
        if (raw.includes('\\')) {
          try {
            key = JSON.parse(text.slice(i, end + 1)) as string;
          } catch {
            fail('JSON_INVALID', `${what} is not valid JSON`);
          }
        }
        if (FORBIDDEN_KEYS.has(key)) fail('JSON_FORBIDDEN_KEY', `${what} contains a forbidden member name`);
        if (top.has(key)) fail('JSON_DUPLICATE_KEY', `${what} contains a duplicate member name`);
        top.add(key);
        expectKey = false;
      }
      i = end + 1;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= maxDepth) fail('JSON_TOO_DEEP', `${what} nests deeper than ${maxDepth}`);
      const isObject = c === 0x7b;
      stack.push(isObject ? new Set() : null);
      expectKey = isObject;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] != null;
    }
    i++;
  }
}

/** Index of the closing quote of a string whose body starts at `from`, or -1. */
function findStringEnd(text: string, from: number): number {
  let j = from;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q < 0) return -1;
    let backslashes = 0;
    for (let k = q - 1; k >= from && text.charCodeAt(k) === 0x5c; k--) backslashes++;
    if (backslashes % 2 === 0) return q;
    j = q + 1;
  }
}
