import { describe, expect, test } from 'vitest';
import { classifyAddress } from './ip-ranges.js';

// For every IPv4 range in ip-ranges.ts: the first and last address inside, and the neighbours just outside.
const IPV4_RANGES: readonly {
  range: string;
  first: string;
  last: string;
  before: string | null;
  after: string;
}[] = [
  {
    range: '0.0.0.0/8 this network',
    first: '0.0.0.0',
    last: '0.255.255.255',
    before: null,
    after: '1.0.0.0',
  },
  {
    range: '10.0.0.0/8 private',
    first: '10.0.0.0',
    last: '10.255.255.255',
    before: '9.255.255.255',
    after: '11.0.0.0',
  },
  {
    range: '100.64.0.0/10 CGNAT',
    first: '100.64.0.0',
    last: '100.127.255.255',
    before: '100.63.255.255',
    after: '100.128.0.0',
  },
  {
    range: '169.254.0.0/16 link-local',
    first: '169.254.0.0',
    last: '169.254.255.255',
    before: '169.253.255.255',
    after: '169.255.0.0',
  },
  {
    range: '172.16.0.0/12 private',
    first: '172.16.0.0',
    last: '172.31.255.255',
    before: '172.15.255.255',
    after: '172.32.0.0',
  },
  {
    range: '192.0.0.0/24 IETF',
    first: '192.0.0.0',
    last: '192.0.0.255',
    before: '191.255.255.255',
    after: '192.0.1.0',
  },
  {
    range: '192.0.2.0/24 TEST-NET-1',
    first: '192.0.2.0',
    last: '192.0.2.255',
    before: '192.0.1.255',
    after: '192.0.3.0',
  },
  {
    range: '192.88.99.0/24 6to4 relay',
    first: '192.88.99.0',
    last: '192.88.99.255',
    before: '192.88.98.255',
    after: '192.88.100.0',
  },
  {
    range: '192.168.0.0/16 private',
    first: '192.168.0.0',
    last: '192.168.255.255',
    before: '192.167.255.255',
    after: '192.169.0.0',
  },
  {
    range: '198.18.0.0/15 benchmarking',
    first: '198.18.0.0',
    last: '198.19.255.255',
    before: '198.17.255.255',
    after: '198.20.0.0',
  },
  {
    range: '198.51.100.0/24 TEST-NET-2',
    first: '198.51.100.0',
    last: '198.51.100.255',
    before: '198.51.99.255',
    after: '198.51.101.0',
  },
  {
    range: '203.0.113.0/24 TEST-NET-3',
    first: '203.0.113.0',
    last: '203.0.113.255',
    before: '203.0.112.255',
    after: '203.0.114.0',
  },
  // 240.0.0.0/4 follows directly, so "after" multicast is itself blocked; it is checked in its own row.
  {
    range: '224.0.0.0/4 multicast',
    first: '224.0.0.0',
    last: '239.255.255.255',
    before: '223.255.255.255',
    after: '240.0.0.0',
  },
  {
    range: '240.0.0.0/4 reserved + broadcast',
    first: '240.0.0.0',
    last: '255.255.255.255',
    before: '239.255.255.255',
    after: '255.255.255.255',
  },
];

describe('classifyAddress: IPv4 special-purpose ranges (RFC 6890 registry)', () => {
  test.each(IPV4_RANGES)('SSRF: blocks $range from first to last address', ({ first, last }) => {
    expect(classifyAddress(first)).toBe('blocked');
    expect(classifyAddress(last)).toBe('blocked');
  });

  test.each(IPV4_RANGES.filter((r) => !r.range.startsWith('224.') && !r.range.startsWith('240.')))(
    'SSRF: the public neighbours of $range stay public',
    ({ before, after }) => {
      if (before !== null) expect(classifyAddress(before)).toBe('public');
      expect(classifyAddress(after)).toBe('public');
    },
  );

  test('SSRF: the address just below multicast (223.255.255.255) is public', () => {
    expect(classifyAddress('223.255.255.255')).toBe('public');
  });

  test('SSRF: blocks link-local metadata address 169.254.169.254', () => {
    expect(classifyAddress('169.254.169.254')).toBe('blocked');
  });

  test('SSRF: 127.0.0.0/8 is loopback (allowed only by the test option), 126.x and 128.x are public', () => {
    expect(classifyAddress('127.0.0.1')).toBe('loopback');
    expect(classifyAddress('127.0.0.0')).toBe('loopback');
    expect(classifyAddress('127.255.255.255')).toBe('loopback');
    expect(classifyAddress('126.255.255.255')).toBe('public');
    expect(classifyAddress('128.0.0.0')).toBe('public');
  });

  test('SSRF: ordinary public IPv4 addresses are public', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '93.184.215.14', '100.63.0.1', '172.32.0.1']) {
      expect(classifyAddress(a), a).toBe('public');
    }
  });
});

describe('classifyAddress: IPv6', () => {
  test.each([
    ['::', 'unspecified'],
    ['fe80::1', 'link-local fe80::/10'],
    ['febf:ffff::1', 'link-local, top of fe80::/10'],
    ['fec0::1', 'site-local fec0::/10'],
    ['fc00::1', 'unique-local fc00::/7'],
    ['fd12:3456::1', 'unique-local fd00::/8'],
    ['ff02::1', 'multicast ff00::/8'],
    ['ff0e::1', 'global-scope multicast'],
    ['::a00:1', 'IPv4-compatible ::10.0.0.1'],
    ['::8.8.8.8', 'IPv4-compatible ::8.8.8.8 (deprecated form, never routed)'],
    ['64:ff9b::a00:1', 'NAT64 64:ff9b::/96 carrying 10.0.0.1'],
    ['64:ff9b::808:808', 'NAT64 64:ff9b::/96 even with a public IPv4'],
    ['64:ff9b:1::1', 'local-use NAT64 64:ff9b:1::/48'],
    ['100::1', 'discard-only 100::/64'],
    ['2002:a00:1::', '6to4 2002::/16 carrying 10.0.0.1'],
    ['2002:808:808::1', '6to4 2002::/16 even with a public IPv4'],
    ['2001:db8::1', 'documentation 2001:db8::/32'],
    ['2001::1', 'Teredo 2001::/32'],
    ['2001:1ff:ffff::1', 'IETF special purpose 2001::/23, last /32'],
    ['3fff::1', 'documentation 3fff::/20'],
    ['3fff:fff::1', 'documentation 3fff::/20, top'],
    ['4000::1', 'outside global unicast 2000::/3'],
    ['1fff:ffff::1', 'just below 2000::/3'],
  ])('SSRF: blocks %s (%s)', (address) => {
    expect(classifyAddress(address)).toBe('blocked');
  });

  test('SSRF: ::1 is loopback, and so are IPv4-mapped loopback forms', () => {
    expect(classifyAddress('::1')).toBe('loopback');
    expect(classifyAddress('0:0:0:0:0:0:0:1')).toBe('loopback');
    expect(classifyAddress('::ffff:127.0.0.1')).toBe('loopback');
    expect(classifyAddress('::ffff:7f00:1')).toBe('loopback');
    expect(classifyAddress('::FFFF:7F00:1')).toBe('loopback');
  });

  test('SSRF: IPv4-mapped IPv6 (::ffff:0:0/96) is judged by the IPv4 address it carries', () => {
    expect(classifyAddress('::ffff:10.0.0.1')).toBe('blocked');
    expect(classifyAddress('::ffff:a00:1')).toBe('blocked');
    expect(classifyAddress('::ffff:169.254.169.254')).toBe('blocked');
    expect(classifyAddress('::ffff:a9fe:a9fe')).toBe('blocked');
    expect(classifyAddress('0:0:0:0:0:ffff:c0a8:0101')).toBe('blocked');
    expect(classifyAddress('::ffff:8.8.8.8')).toBe('public');
  });

  test('SSRF: public global unicast IPv6 is public, including neighbours of the blocked 2001/2002 blocks', () => {
    expect(classifyAddress('2606:4700::1111')).toBe('public');
    expect(classifyAddress('2001:4860:4860::8888')).toBe('public');
    expect(classifyAddress('2001:200::1')).toBe('public'); // first /32 after 2001::/23
    expect(classifyAddress('2001:db9::1')).toBe('public');
    expect(classifyAddress('2003::1')).toBe('public');
    expect(classifyAddress('2000::1')).toBe('public');
    expect(classifyAddress('3ffe:ffff::1')).toBe('public');
    expect(classifyAddress('3fff:1000::1')).toBe('public'); // just past 3fff::/20
  });

  test('SSRF: a zone index does not change the verdict', () => {
    expect(classifyAddress('fe80::1%eth0')).toBe('blocked');
  });
});

describe('classifyAddress: anything that is not an address literal', () => {
  test.each([
    '',
    'localhost',
    'example.com',
    '2130706433',
    '0x7f.1',
    '0177.0.0.1',
    '127.1',
    '010.0.0.1',
    '1.2.3.4.5',
    '256.0.0.1',
    ' 8.8.8.8',
    '8.8.8.8 ',
    '[::1]',
    '::ffff:1.2.3',
    '1:2:3:4:5:6:7:8:9',
    '2606:4700::1111::1',
    'gggg::1',
  ])('SSRF: garbage %j is blocked, never public', (input) => {
    expect(classifyAddress(input)).toBe('blocked');
  });
});
