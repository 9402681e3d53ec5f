import { describe, expect, it } from 'vitest';
import { bitstringStatusEntry, parseBitstringStatusEntry } from './status-entry.js';

const LIST = 'https://status.example/lists/7';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code ?? 'NOT_HAVEN_ERROR';
  }
  return undefined;
}

const entry = (overrides: Record<string, unknown> = {}) => ({
  type: 'BitstringStatusListEntry',
  statusPurpose: 'revocation',
  statusListIndex: '94567',
  statusListCredential: LIST,
  ...overrides,
});

describe('BitstringStatusListEntry (Bitstring Status List §2.1)', () => {
  it('bitstring-status-list §2.1: the entry has type, purpose, a base-10 string index, the list URL, no id', () => {
    const e = bitstringStatusEntry({ listCredential: LIST, index: 94_567, statusPurpose: 'suspension' });
    expect(e).toEqual({
      type: 'BitstringStatusListEntry',
      statusPurpose: 'suspension',
      statusListIndex: '94567',
      statusListCredential: LIST,
    });
    expect('id' in e).toBe(false);
    expect(parseBitstringStatusEntry(e)).toEqual({ statusPurpose: 'suspension', index: 94_567, url: LIST });
  });

  it('bitstring-status-list §2.1: the issuer side refuses bad indexes, purposes and URLs', () => {
    const make = (o: Record<string, unknown>) => () =>
      bitstringStatusEntry({ listCredential: LIST, index: 1, statusPurpose: 'revocation', ...o } as never);
    expect(codeOf(make({ index: -1 }))).toBe('STATUS_INDEX_OUT_OF_RANGE');
    expect(codeOf(make({ index: 1.5 }))).toBe('STATUS_INDEX_OUT_OF_RANGE');
    expect(codeOf(make({ statusPurpose: 'message' }))).toBe('STATUS_REFERENCE_INVALID');
    expect(codeOf(make({ listCredential: 'http://status.example/l' }))).toBe('STATUS_REFERENCE_INVALID');
  });

  it('bitstring-status-list §2.1: statusListIndex must be a canonical base-10 string (hostile inputs)', () => {
    for (const bad of [
      '-1',
      '1.5',
      '01',
      '00',
      ' 5',
      '5 ',
      '+5',
      '1e3',
      '0x10',
      '',
      '4294967297',
      '99999999999',
      5,
      null,
    ]) {
      expect(codeOf(() => parseBitstringStatusEntry(entry({ statusListIndex: bad })))).toBe(
        'STATUS_REFERENCE_INVALID',
      );
    }
    for (const [good, n] of [
      ['0', 0],
      ['7', 7],
      ['4294967296', 2 ** 32],
    ] as const) {
      expect(parseBitstringStatusEntry(entry({ statusListIndex: good })).index).toBe(n);
    }
  });

  it('bitstring-status-list §2.1: type, purpose, statusSize and list URL are checked', () => {
    for (const bad of [
      entry({ type: 'StatusList2021Entry' }),
      entry({ type: 'TokenStatusListEntry' }),
      entry({ statusPurpose: 'refresh' }),
      entry({ statusPurpose: 'message' }),
      entry({ statusPurpose: undefined }),
      entry({ statusSize: 2 }),
      entry({ statusListCredential: 'http://status.example/lists/7' }),
      entry({ statusListCredential: 'https://user:pw@status.example/lists/7' }),
      entry({ statusListCredential: 'not a url' }),
      entry({ statusListCredential: undefined }),
      [entry()],
      'BitstringStatusListEntry',
      null,
    ]) {
      expect(codeOf(() => parseBitstringStatusEntry(bad))).toBe('STATUS_REFERENCE_INVALID');
    }
    expect(parseBitstringStatusEntry(entry({ statusSize: 1 })).index).toBe(94_567);
  });

  it('errors never carry the index or the list URL', () => {
    let error: unknown;
    try {
      parseBitstringStatusEntry(entry({ statusListIndex: '0123', statusListCredential: 'http://x.example' }));
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'STATUS_REFERENCE_INVALID' });
    const text = `${(error as Error).message} ${JSON.stringify(error)}`;
    expect(text).not.toContain('0123');
    expect(text).not.toContain('x.example');
  });
});
