import { describe, expect, test } from 'vitest';
import { bitstringStatusEntry, parseBitstringStatusEntry } from '../bitstring/status-entry.js';
import { parseStatusListReference } from './status-list-reference.js';
import { assertStatusListUri } from './status-list-uri.js';

const code = (c: string) => expect.objectContaining({ code: c });
const loopback = ['http://127.0.0.1:8080/status/a', 'http://localhost/status/a', 'http://[::1]:9/status/a'];

describe('status list URIs: https only, loopback http only when a developer allows it', () => {
  test('status-list §6.2: an https uri passes; http is refused by default, even on loopback', () => {
    expect(() => assertStatusListUri('https://issuer.example/status/1')).not.toThrow();
    for (const uri of loopback) {
      expect(() => assertStatusListUri(uri)).toThrow(code('STATUS_REFERENCE_INVALID'));
    }
  });
  test('allowHttpLoopback admits http on 127.0.0.0/8, ::1 and localhost only', () => {
    for (const uri of loopback) {
      expect(() => assertStatusListUri(uri, { allowHttpLoopback: true })).not.toThrow();
    }
    for (const uri of [
      'http://10.0.0.1/status/a',
      'http://issuer.example/status/a',
      'http://127.0.0.1.nip.io/status/a',
      'http://[::ffff:a00:1]/status/a',
      'ftp://127.0.0.1/status/a',
      'http://user:pw@127.0.0.1/status/a',
    ]) {
      expect(() => assertStatusListUri(uri, { allowHttpLoopback: true })).toThrow(
        code('STATUS_REFERENCE_INVALID'),
      );
    }
  });
  test('the reference parser and the Bitstring entry follow the same rule', () => {
    const status = { status_list: { idx: 3, uri: 'http://127.0.0.1:1/status/x' } };
    expect(() => parseStatusListReference(status)).toThrow(code('STATUS_REFERENCE_INVALID'));
    expect(parseStatusListReference(status, { allowHttpLoopback: true }).idx).toBe(3);
    const listCredential = 'http://127.0.0.1:1/status/y';
    expect(() => bitstringStatusEntry({ listCredential, index: 1, statusPurpose: 'revocation' })).toThrow(
      code('STATUS_REFERENCE_INVALID'),
    );
    const entry = bitstringStatusEntry({
      listCredential,
      index: 1,
      statusPurpose: 'revocation',
      allowHttpLoopback: true,
    });
    expect(() => parseBitstringStatusEntry(entry)).toThrow(code('STATUS_REFERENCE_INVALID'));
    expect(parseBitstringStatusEntry(entry, { allowHttpLoopback: true }).url).toBe(listCredential);
  });
});
