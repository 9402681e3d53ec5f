import * as core from '@haven/core';
import { describe, expect, test, vi } from 'vitest';
import { PRE_AUTHORIZED_CODE_GRANT_TYPE } from '../constants.js';
import { createTestIssuer, ISSUER, offer, T0, type TestIssuer } from '../fixtures/issuer-fixture.js';
import { handleTokenRequest } from './handle-token-request.js';
import { withdrawOffer } from './withdraw-offer.js';

vi.mock('@haven/core', async (importOriginal) => {
  const original = await importOriginal<typeof import('@haven/core')>();
  return { ...original, timingSafeEqualStrings: vi.fn(original.timingSafeEqualStrings) };
});

const code = (c: string) => expect.objectContaining({ code: c });
const GRANT = PRE_AUTHORIZED_CODE_GRANT_TYPE;

async function failure(promise: Promise<unknown>): Promise<core.HavenError> {
  try {
    await promise;
  } catch (e) {
    if (core.isHavenError(e)) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

function request(t: TestIssuer, params: Record<string, unknown>) {
  return handleTokenRequest(t.config, params);
}

describe('openid4vci §6.1 / §6.2 token request and response', () => {
  test('exchanges code + tx_code for a bearer token; no-store and no-cache headers', async () => {
    const t = createTestIssuer();
    const created = await offer(t);
    const result = await request(t, {
      grant_type: GRANT,
      'pre-authorized_code': created.preAuthorizedCode,
      tx_code: created.txCode,
    });
    expect(result.status).toBe(200);
    expect(result.headers).toEqual({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    expect(result.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 300 });
    expect(result.body.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const record = await t.store.getOffer(created.offerId);
    expect(record?.redeemedAt).toBe(T0);
  });

  test('the access token is stored only as an HMAC, with its offer and expiry', async () => {
    const t = createTestIssuer();
    const created = await offer(t, { txCode: false });
    const { body } = await request(t, {
      grant_type: GRANT,
      'pre-authorized_code': created.preAuthorizedCode,
    });
    const hash = core.hmacSha256Base64Url(t.config.secret, `access_token\u0000\u0000${body.access_token}`);
    const stored = await t.store.findAccessToken(hash);
    expect(stored).toEqual({ tokenHash: hash, offerId: created.offerId, expiresAt: T0 + 300 });
    expect(await t.store.findAccessToken(body.access_token)).toBeUndefined();
  });

  test('client_id is optional (anonymous access) and unknown parameters are ignored', async () => {
    const t = createTestIssuer();
    const created = await offer(t, { txCode: false });
    const result = await request(t, {
      grant_type: GRANT,
      'pre-authorized_code': created.preAuthorizedCode,
      client_id: 'wallet-123',
      scope: ['ignored', 'repeated'],
      whatever: { nested: true },
    });
    expect(result.status).toBe(200);
  });

  test('a token for a deferred offer lives deferredAccessTokenSeconds', async () => {
    const t = createTestIssuer({ limits: { deferredAccessTokenSeconds: 86_400 } });
    const created = await offer(t, { txCode: false, deferred: true });
    const { body } = await request(t, {
      grant_type: GRANT,
      'pre-authorized_code': created.preAuthorizedCode,
    });
    expect(body.expires_in).toBe(86_400);
  });
});

describe('openid4vci §6.3 / rfc6749 §5.2 token error responses', () => {
  test('OID4VCI_INVALID_REQUEST when grant_type is missing', async () => {
    const t = createTestIssuer();
    await expect(request(t, { 'pre-authorized_code': 'x' })).rejects.toEqual(code('OID4VCI_INVALID_REQUEST'));
  });

  test.each([
    'authorization_code',
    'client_credentials',
    'urn:ietf:params:oauth:grant-type:PRE-AUTHORIZED_CODE',
    '',
  ])('OID4VCI_UNSUPPORTED_GRANT_TYPE for grant_type %j', async (grantType) => {
    const t = createTestIssuer();
    await expect(request(t, { grant_type: grantType, 'pre-authorized_code': 'x' })).rejects.toEqual(
      code('OID4VCI_UNSUPPORTED_GRANT_TYPE'),
    );
  });

  test('OID4VCI_INVALID_REQUEST when pre-authorized_code is missing or empty', async () => {
    const t = createTestIssuer();
    await expect(request(t, { grant_type: GRANT })).rejects.toEqual(code('OID4VCI_INVALID_REQUEST'));
    await expect(request(t, { grant_type: GRANT, 'pre-authorized_code': '' })).rejects.toEqual(
      code('OID4VCI_INVALID_REQUEST'),
    );
  });

  test.each(['grant_type', 'pre-authorized_code', 'tx_code', 'client_id', 'authorization_details'])(
    'rfc6749 §3.2: OID4VCI_INVALID_REQUEST when %s is repeated',
    async (name) => {
      const t = createTestIssuer();
      const created = await offer(t);
      const params: Record<string, unknown> = {
        grant_type: GRANT,
        'pre-authorized_code': created.preAuthorizedCode,
        tx_code: created.txCode,
      };
      params[name] = [params[name] ?? 'a', 'b'];
      await expect(request(t, params)).rejects.toEqual(code('OID4VCI_INVALID_REQUEST'));
      // Refused before the code was looked at: it still works.
      const ok = await request(t, {
        grant_type: GRANT,
        'pre-authorized_code': created.preAuthorizedCode,
        tx_code: created.txCode,
      });
      expect(ok.status).toBe(200);
    },
  );

  test('OID4VCI_INVALID_REQUEST for a nested (bracketed) parameter and for a body that is no form', async () => {
    const t = createTestIssuer();
    await expect(request(t, { grant_type: { a: GRANT } })).rejects.toEqual(code('OID4VCI_INVALID_REQUEST'));
    await expect(handleTokenRequest(t.config, null as unknown as Record<string, unknown>)).rejects.toEqual(
      code('OID4VCI_INVALID_REQUEST'),
    );
    await expect(handleTokenRequest(t.config, ['x'] as unknown as Record<string, unknown>)).rejects.toEqual(
      code('OID4VCI_INVALID_REQUEST'),
    );
  });

  test('§6.3 invalid_request: tx_code missing although the offer asks for one (and no failure is counted)', async () => {
    const t = createTestIssuer();
    const created = await offer(t);
    await expect(
      request(t, { grant_type: GRANT, 'pre-authorized_code': created.preAuthorizedCode }),
    ).rejects.toEqual(code('OID4VCI_INVALID_REQUEST'));
    expect((await t.store.getOffer(created.offerId))?.txCodeFailures).toBe(0);
  });

  test('§6.3 invalid_request: tx_code sent although the offer asks for none', async () => {
    const t = createTestIssuer();
    const created = await offer(t, { txCode: false });
    await expect(
      request(t, { grant_type: GRANT, 'pre-authorized_code': created.preAuthorizedCode, tx_code: '123456' }),
    ).rejects.toEqual(code('OID4VCI_INVALID_REQUEST'));
    expect(
      (await request(t, { grant_type: GRANT, 'pre-authorized_code': created.preAuthorizedCode })).status,
    ).toBe(200);
  });
});

describe('hostile: guessing pre-authorized codes (openid4vci §6.3 invalid_grant, §13.6)', () => {
  test('unknown, used, expired, withdrawn, dead and over-long codes all get one identical invalid_grant', async () => {
    const t = createTestIssuer();
    const errors: core.HavenError[] = [];
    errors.push(await failure(request(t, { grant_type: GRANT, 'pre-authorized_code': 'guess' })));
    errors.push(
      await failure(request(t, { grant_type: GRANT, 'pre-authorized_code': core.randomBase64Url(32) })),
    );
    errors.push(await failure(request(t, { grant_type: GRANT, 'pre-authorized_code': 'x'.repeat(100_000) })));

    const used = await offer(t, { txCode: false });
    await request(t, { grant_type: GRANT, 'pre-authorized_code': used.preAuthorizedCode });
    errors.push(
      await failure(request(t, { grant_type: GRANT, 'pre-authorized_code': used.preAuthorizedCode })),
    );

    const withdrawn = await offer(t, { txCode: false });
    await withdrawOffer(t.config, withdrawn.offerId);
    errors.push(
      await failure(request(t, { grant_type: GRANT, 'pre-authorized_code': withdrawn.preAuthorizedCode })),
    );

    const dead = await offer(t);
    for (let i = 0; i < 3; i++) await t.store.recordTxCodeFailure(dead.offerId);
    errors.push(
      await failure(
        request(t, {
          grant_type: GRANT,
          'pre-authorized_code': dead.preAuthorizedCode,
          tx_code: dead.txCode,
        }),
      ),
    );

    const expired = await offer(t, { txCode: false });
    t.clock.now = expired.expiresAt;
    errors.push(
      await failure(request(t, { grant_type: GRANT, 'pre-authorized_code': expired.preAuthorizedCode })),
    );

    for (const e of errors) expect(e.code).toBe('OID4VCI_INVALID_GRANT');
    expect(new Set(errors.map((e) => e.message)).size).toBe(1);
    expect(errors.every((e) => e.details === undefined)).toBe(true);
  });

  test('a code is alive until one second before expiresAt (short-lived: 600 s by default)', async () => {
    const t = createTestIssuer();
    const created = await offer(t, { txCode: false });
    expect(created.expiresAt - T0).toBe(600);
    t.clock.now = created.expiresAt - 1;
    expect(
      (await request(t, { grant_type: GRANT, 'pre-authorized_code': created.preAuthorizedCode })).status,
    ).toBe(200);
  });

  test('the dead-code answer does not say whether a tx_code was expected (no oracle before the code is valid)', async () => {
    const t = createTestIssuer();
    const used = await offer(t);
    await request(t, {
      grant_type: GRANT,
      'pre-authorized_code': used.preAuthorizedCode,
      tx_code: used.txCode,
    });
    // Without tx_code, a live code would get invalid_request; a used one gets invalid_grant either way.
    await expect(
      request(t, { grant_type: GRANT, 'pre-authorized_code': used.preAuthorizedCode }),
    ).rejects.toEqual(code('OID4VCI_INVALID_GRANT'));
  });
});

describe('hostile: guessing tx_code (openid4vci §13.6.3)', () => {
  test('a wrong tx_code is invalid_grant and is counted', async () => {
    const t = createTestIssuer();
    const created = await offer(t);
    const wrong = created.txCode === '000000' ? '000001' : '000000';
    await expect(
      request(t, { grant_type: GRANT, 'pre-authorized_code': created.preAuthorizedCode, tx_code: wrong }),
    ).rejects.toEqual(code('OID4VCI_INVALID_GRANT'));
    expect((await t.store.getOffer(created.offerId))?.txCodeFailures).toBe(1);
  });

  test('two misses leave the code usable; the third kills it, even for the right tx_code', async () => {
    const t = createTestIssuer();
    const first = await offer(t);
    const wrong = (c: string | undefined) => (c === '999999' ? '999998' : '999999');
    for (let i = 0; i < 2; i++) {
      await failure(
        request(t, {
          grant_type: GRANT,
          'pre-authorized_code': first.preAuthorizedCode,
          tx_code: wrong(first.txCode),
        }),
      );
    }
    const ok = await request(t, {
      grant_type: GRANT,
      'pre-authorized_code': first.preAuthorizedCode,
      tx_code: first.txCode,
    });
    expect(ok.status).toBe(200);

    const second = await offer(t);
    for (let i = 0; i < 3; i++) {
      await failure(
        request(t, {
          grant_type: GRANT,
          'pre-authorized_code': second.preAuthorizedCode,
          tx_code: wrong(second.txCode),
        }),
      );
    }
    await expect(
      request(t, {
        grant_type: GRANT,
        'pre-authorized_code': second.preAuthorizedCode,
        tx_code: second.txCode,
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_GRANT'));
  });

  test('the miss that kills the code wipes its sealed claims; earlier misses keep them', async () => {
    const t = createTestIssuer();
    const created = await offer(t);
    const wrong = created.txCode === '999999' ? '999998' : '999999';
    const miss = () =>
      failure(
        request(t, { grant_type: GRANT, 'pre-authorized_code': created.preAuthorizedCode, tx_code: wrong }),
      );
    await miss();
    await miss();
    expect((await t.store.getOffer(created.offerId))?.payload).toBe('sealed-claims');
    expect((await miss()).code).toBe('OID4VCI_INVALID_GRANT');
    const dead = await t.store.getOffer(created.offerId);
    expect(dead?.txCodeFailures).toBe(3);
    expect(dead?.payload).toBeUndefined();
  });

  test('a code redeemed before a racing last miss keeps its claims (wipeDeadOfferPayload: unredeemed only)', async () => {
    const t = createTestIssuer();
    const created = await offer(t);
    for (let i = 0; i < 3; i++) await t.store.recordTxCodeFailure(created.offerId);
    await t.store.wipeDeadOfferPayload?.(created.offerId, 4);
    expect((await t.store.getOffer(created.offerId))?.payload).toBe('sealed-claims');
    const other = await offer(t);
    expect(await t.store.redeemOffer(other.offerId, T0, 3)).toBe(true);
    for (let i = 0; i < 3; i++) await t.store.recordTxCodeFailure(other.offerId);
    await t.store.wipeDeadOfferPayload?.(other.offerId, 3);
    expect((await t.store.getOffer(other.offerId))?.payload).toBe('sealed-claims');
  });

  test('maxTxCodeFailures is configurable', async () => {
    const t = createTestIssuer({ limits: { maxTxCodeFailures: 1 } });
    const created = await offer(t);
    await failure(
      request(t, { grant_type: GRANT, 'pre-authorized_code': created.preAuthorizedCode, tx_code: 'nope' }),
    );
    await expect(
      request(t, {
        grant_type: GRANT,
        'pre-authorized_code': created.preAuthorizedCode,
        tx_code: created.txCode,
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_GRANT'));
  });

  test('20 concurrent wrong guesses are all counted (atomic counter) and the code is dead', async () => {
    const t = createTestIssuer();
    const created = await offer(t);
    const guesses = Array.from({ length: 20 }, (_, i) => `x${i}`);
    const results = await Promise.allSettled(
      guesses.map((g) =>
        request(t, { grant_type: GRANT, 'pre-authorized_code': created.preAuthorizedCode, tx_code: g }),
      ),
    );
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect((await t.store.getOffer(created.offerId))?.txCodeFailures).toBe(20);
    await expect(
      request(t, {
        grant_type: GRANT,
        'pre-authorized_code': created.preAuthorizedCode,
        tx_code: created.txCode,
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_GRANT'));
  });

  test('the right tx_code racing three wrong ones cannot slip past the limit (redeemOffer re-checks atomically)', async () => {
    const t = createTestIssuer();
    const created = await offer(t);
    // The wrong guesses are counted while the right request is between its lookup and its redemption.
    const realRedeem = t.store.redeemOffer.bind(t.store);
    t.store.redeemOffer = async (...args) => {
      for (let i = 0; i < 3; i++) await t.store.recordTxCodeFailure(created.offerId);
      return realRedeem(...args);
    };
    await expect(
      request(t, {
        grant_type: GRANT,
        'pre-authorized_code': created.preAuthorizedCode,
        tx_code: created.txCode,
      }),
    ).rejects.toEqual(code('OID4VCI_INVALID_GRANT'));
  });

  test('tx_code HMACs are compared with the constant-time comparison', async () => {
    const t = createTestIssuer();
    const created = await offer(t);
    const compare = vi.mocked(core.timingSafeEqualStrings);
    compare.mockClear();
    await failure(
      request(t, { grant_type: GRANT, 'pre-authorized_code': created.preAuthorizedCode, tx_code: '1' }),
    );
    expect(compare).toHaveBeenCalledTimes(1);
    const [attempt, stored] = compare.mock.calls[0] as [string, string];
    expect(stored).toBe((await t.store.getOffer(created.offerId))?.txCodeHash);
    expect(attempt).not.toBe('1');
    expect(attempt).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('hostile: one code redeemed twice (openid4vci §4.1.1 single use)', () => {
  test('sequentially: the second exchange is invalid_grant', async () => {
    const t = createTestIssuer();
    const created = await offer(t);
    const params = {
      grant_type: GRANT,
      'pre-authorized_code': created.preAuthorizedCode,
      tx_code: created.txCode,
    };
    expect((await request(t, params)).status).toBe(200);
    await expect(request(t, params)).rejects.toEqual(code('OID4VCI_INVALID_GRANT'));
  });

  test('50 concurrent handleTokenRequest calls yield exactly one token', async () => {
    const t = createTestIssuer();
    const created = await offer(t);
    const params = {
      grant_type: GRANT,
      'pre-authorized_code': created.preAuthorizedCode,
      tx_code: created.txCode,
    };
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => request(t, params)));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toEqual(code('OID4VCI_INVALID_GRANT'));
    }
  });
});

describe('openid4vci §6.1.1 / §6.2 authorization_details in the token request', () => {
  const details = (value: unknown) => JSON.stringify(value);

  test('narrows the grant and answers credential_identifiers (= configuration ids)', async () => {
    const t = createTestIssuer();
    const created = await offer(t, {
      configurationIds: ['labour-contract', 'civil-identity'],
      txCode: false,
    });
    const result = await request(t, {
      grant_type: GRANT,
      'pre-authorized_code': created.preAuthorizedCode,
      authorization_details: details([
        {
          type: 'openid_credential',
          credential_configuration_id: 'civil-identity',
          locations: [ISSUER],
          extra: 1,
        },
      ]),
    });
    expect(result.body.authorization_details).toEqual([
      {
        type: 'openid_credential',
        credential_configuration_id: 'civil-identity',
        credential_identifiers: ['civil-identity'],
      },
    ]);
  });

  test.each([
    ['not JSON', '{nope'],
    ['not an array', details({ type: 'openid_credential', credential_configuration_id: 'labour-contract' })],
    ['an empty array', details([])],
    ['another type (RFC 9396 §5: unknown types are refused)', details([{ type: 'payment_initiation' }])],
    ['no credential_configuration_id', details([{ type: 'openid_credential' }])],
    [
      'a configuration the offer lacks',
      details([{ type: 'openid_credential', credential_configuration_id: 'civil-identity' }]),
    ],
    [
      'an unknown configuration',
      details([{ type: 'openid_credential', credential_configuration_id: '__proto__' }]),
    ],
    [
      'the same configuration twice',
      details([
        { type: 'openid_credential', credential_configuration_id: 'labour-contract' },
        { type: 'openid_credential', credential_configuration_id: 'labour-contract' },
      ]),
    ],
    [
      'locations without this issuer',
      details([
        {
          type: 'openid_credential',
          credential_configuration_id: 'labour-contract',
          locations: ['https://other.example'],
        },
      ]),
    ],
    [
      'claims (a subset Haven cannot honour)',
      details([
        {
          type: 'openid_credential',
          credential_configuration_id: 'labour-contract',
          claims: [{ path: ['a'] }],
        },
      ]),
    ],
    [
      'a __proto__ member',
      '[{"type":"openid_credential","credential_configuration_id":"labour-contract","__proto__":{}}]',
    ],
  ])(
    'OID4VCI_INVALID_REQUEST for authorization_details with %s, and the code survives',
    async (_name, value) => {
      const t = createTestIssuer();
      const created = await offer(t, { txCode: false });
      await expect(
        request(t, {
          grant_type: GRANT,
          'pre-authorized_code': created.preAuthorizedCode,
          authorization_details: value,
        }),
      ).rejects.toEqual(code('OID4VCI_INVALID_REQUEST'));
      expect(
        (await request(t, { grant_type: GRANT, 'pre-authorized_code': created.preAuthorizedCode })).status,
      ).toBe(200);
    },
  );

  test('a configuration outside the offer is refused BEFORE the tx_code is checked: right and wrong tx_codes get the same answer, nothing counted', async () => {
    const t = createTestIssuer();
    const created = await offer(t, { configurationIds: ['labour-contract'] });
    const outside = details([{ type: 'openid_credential', credential_configuration_id: 'civil-identity' }]);
    const wrong = created.txCode === '999999' ? '999998' : '999999';
    const answers: string[] = [];
    for (const txCode of [created.txCode, wrong, wrong, wrong]) {
      const error = await failure(
        request(t, {
          grant_type: GRANT,
          'pre-authorized_code': created.preAuthorizedCode,
          tx_code: txCode,
          authorization_details: outside,
        }),
      );
      answers.push(`${error.code}`);
    }
    expect(answers).toEqual(Array(4).fill('OID4VCI_INVALID_REQUEST'));
    const record = await t.store.getOffer(created.offerId);
    expect(record?.txCodeFailures).toBe(0);
    expect(record?.redeemedAt).toBeUndefined();
    expect(
      (
        await request(t, {
          grant_type: GRANT,
          'pre-authorized_code': created.preAuthorizedCode,
          tx_code: created.txCode,
        })
      ).status,
    ).toBe(200);
  });
});
