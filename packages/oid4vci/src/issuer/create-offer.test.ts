import { randomBytes } from '@haven/core';
import { describe, expect, test } from 'vitest';
import { PRE_AUTHORIZED_CODE_GRANT_TYPE } from '../constants.js';
import { createTestIssuer, ISSUER, offer, T0 } from '../fixtures/issuer-fixture.js';
import { createCredentialOffer } from './create-offer.js';
import { generateTxCode } from './generate-tx-code.js';
import { getCredentialOfferObject, handleCredentialOfferRequest } from './get-credential-offer.js';
import { handleTokenRequest } from './handle-token-request.js';
import { withdrawOffer } from './withdraw-offer.js';

const code = (c: string) => expect.objectContaining({ code: c });

describe('openid4vci §4.1.1 credential offer parameters', () => {
  test('the offer object names the issuer, the configurations and the pre-authorized grant with tx_code', async () => {
    const t = createTestIssuer();
    const created = await offer(t, {
      configurationIds: ['labour-contract', 'civil-identity'],
      txCode: { length: 8, description: 'Sent to you by SMS' },
    });
    expect(created.offer).toEqual({
      credential_issuer: ISSUER,
      credential_configuration_ids: ['labour-contract', 'civil-identity'],
      grants: {
        [PRE_AUTHORIZED_CODE_GRANT_TYPE]: {
          'pre-authorized_code': created.preAuthorizedCode,
          tx_code: { input_mode: 'numeric', length: 8, description: 'Sent to you by SMS' },
        },
      },
    });
    expect(created.txCode).toMatch(/^\d{8}$/);
    expect(created.expiresAt).toBe(T0 + 600);
    // The tx_code travels out of band, never inside the offer.
    expect(JSON.stringify(created.offer)).not.toContain(created.txCode);
  });

  test('by reference: openid-credential-offer://?credential_offer_uri=<issuer>/offers/<id>', async () => {
    const t = createTestIssuer();
    const created = await offer(t);
    expect(created.offerUrl).toBe(`${ISSUER}/offers/${created.offerId}`);
    const uri = new URL(created.offerUri);
    expect(uri.protocol).toBe('openid-credential-offer:');
    expect(uri.searchParams.get('credential_offer_uri')).toBe(created.offerUrl);
    expect([...uri.searchParams.keys()]).toEqual(['credential_offer_uri']);
  });

  test('by value: credential_offer carries the same object', async () => {
    const t = createTestIssuer();
    const created = await offer(t);
    const uri = new URL(created.offerByValueUri);
    expect(JSON.parse(uri.searchParams.get('credential_offer') ?? '')).toEqual(created.offer);
  });

  test('txCode false: no tx_code object, none stored', async () => {
    const t = createTestIssuer();
    const created = await offer(t, { txCode: false });
    expect(created.txCode).toBeUndefined();
    expect(created.offer.grants[PRE_AUTHORIZED_CODE_GRANT_TYPE].tx_code).toBeUndefined();
    const record = await t.store.getOffer(created.offerId);
    expect(record?.txCodeHash).toBeUndefined();
    expect(record?.txCode).toBeUndefined();
  });

  test('a tx_code is required by default (6 numeric digits)', async () => {
    const t = createTestIssuer();
    const created = await createCredentialOffer(t.config, { configurationIds: ['labour-contract'] });
    expect(created.txCode).toMatch(/^\d{6}$/);
    expect(created.offer.grants[PRE_AUTHORIZED_CODE_GRANT_TYPE].tx_code).toEqual({
      input_mode: 'numeric',
      length: 6,
    });
  });

  test('hostile: pre-authorized codes are ≥128-bit (256) and offer ids ≥128-bit, fresh each time', async () => {
    const t = createTestIssuer();
    const first = await offer(t);
    const second = await offer(t);
    expect(first.preAuthorizedCode).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.offerId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(first.preAuthorizedCode).not.toBe(second.preAuthorizedCode);
    expect(first.offerId).not.toBe(second.offerId);
  });

  test('only HMACs of the code and tx_code are stored; the offer object is stored sealed', async () => {
    const t = createTestIssuer();
    const created = await offer(t);
    const record = await t.store.getOffer(created.offerId);
    expect(record).toBeDefined();
    const stored = JSON.stringify(record);
    expect(stored).not.toContain(created.preAuthorizedCode);
    expect(stored).not.toContain(`"${created.txCode}"`);
    expect(record?.codeHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(record?.txCodeHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(record?.txCodeFailures).toBe(0);
    expect(record?.decision).toBe('approved');
    expect(record?.payload).toBe('sealed-claims');
  });

  test('the same tx_code in two offers is stored as two different HMACs (bound to the offer id)', async () => {
    const digits = new Uint8Array(6).fill(1);
    let call = 0;
    const t = createTestIssuer({
      // offer id, code, then tx_code digits: only the digits are fixed.
      randomBytes: (n) => {
        if (n === 6) return digits;
        call++;
        return randomBytes(n);
      },
    });
    const first = await offer(t);
    const second = await offer(t);
    expect(first.txCode).toBe('111111');
    expect(second.txCode).toBe('111111');
    const a = await t.store.getOffer(first.offerId);
    const b = await t.store.getOffer(second.offerId);
    expect(a?.txCodeHash).not.toBe(b?.txCodeHash);
    expect(call).toBe(4);
  });

  test('deferred offers wait for a decision; payload may come later', async () => {
    const t = createTestIssuer();
    const created = await createCredentialOffer(t.config, {
      configurationIds: ['labour-contract'],
      deferred: true,
    });
    const record = await t.store.getOffer(created.offerId);
    expect(record?.decision).toBe('pending');
    expect(record?.payload).toBeUndefined();
  });

  test.each([
    ['no configuration ids', []],
    ['an unknown configuration id', ['nope']],
    ['a duplicate configuration id (§4.1.1: unique)', ['labour-contract', 'labour-contract']],
    ['"__proto__" (not an own key)', ['__proto__']],
    ['"constructor"', ['constructor']],
    ['a non-string id', [42]],
  ])('OID4VCI_OFFER_INVALID for %s', async (_name, ids) => {
    const t = createTestIssuer();
    await expect(
      createCredentialOffer(t.config, { configurationIds: ids as string[], txCode: false }),
    ).rejects.toEqual(code('OID4VCI_OFFER_INVALID'));
  });

  test.each([
    ['length 3', { length: 3 }],
    ['length 11', { length: 11 }],
    ['length 6.5', { length: 6.5 }],
    ['a description over 300 characters (§4.1.1)', { description: 'x'.repeat(301) }],
    ['an empty description', { description: '' }],
    ['a description with control characters', { description: 'line\nbreak' }],
    ['a description outside ASCII', { description: 'code envoyé par SMS' }],
  ])('OID4VCI_OFFER_INVALID for a tx_code with %s', async (_name, txCode) => {
    const t = createTestIssuer();
    await expect(offer(t, { txCode })).rejects.toEqual(code('OID4VCI_OFFER_INVALID'));
  });

  test('a 300-character description is accepted', async () => {
    const t = createTestIssuer();
    await expect(offer(t, { txCode: { description: 'x'.repeat(300) } })).resolves.toBeDefined();
  });

  test('a payload function is called once with the generated offer id and its result is stored', async () => {
    const t = createTestIssuer();
    const seen: string[] = [];
    const created = await createCredentialOffer(t.config, {
      configurationIds: ['labour-contract'],
      payload: (offerId) => {
        seen.push(offerId);
        return `sealed-for:${offerId}`;
      },
    });
    expect(seen).toEqual([created.offerId]);
    expect((await t.store.getOffer(created.offerId))?.payload).toBe(`sealed-for:${created.offerId}`);
  });

  test('OID4VCI_OFFER_INVALID when a payload function returns no sealed string; nothing is stored', async () => {
    const t = createTestIssuer();
    for (const bad of ['', 42, undefined]) {
      await expect(
        createCredentialOffer(t.config, {
          configurationIds: ['labour-contract'],
          payload: () => bad as string,
        }),
      ).rejects.toEqual(code('OID4VCI_OFFER_INVALID'));
    }
  });

  test('OID4VCI_OFFER_INVALID for an empty payload or non-boolean deferred', async () => {
    const t = createTestIssuer();
    await expect(offer(t, { payload: '' })).rejects.toEqual(code('OID4VCI_OFFER_INVALID'));
    await expect(offer(t, { deferred: 'yes' as unknown as boolean })).rejects.toEqual(
      code('OID4VCI_OFFER_INVALID'),
    );
  });
});

describe('openid4vci §13.6.3 tx_code generation', () => {
  test('bytes of 250 and more are thrown away (rejection sampling), the rest map to byte % 10', () => {
    const rounds = [
      Uint8Array.from([250, 251, 252, 253, 254, 255]),
      Uint8Array.from([0, 11, 255, 249, 120, 36]),
      Uint8Array.from([97, 8, 8, 8, 8, 8]),
    ];
    let i = 0;
    const digits = generateTxCode(6, () => rounds[i++] as Uint8Array);
    expect(digits).toBe('019067');
    expect(i).toBe(3);
  });

  test('a random source that never yields a usable byte fails instead of looping', () => {
    expect(() => generateTxCode(6, (n) => new Uint8Array(n).fill(255))).toThrow(
      expect.objectContaining({ code: 'OID4VCI_CONFIG_INVALID' }),
    );
  });

  test('digits from the CSPRNG are uniform (100,000 digits, each within 5% of 10,000)', () => {
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      for (const d of generateTxCode(10, randomBytes)) counts[Number(d)] = (counts[Number(d)] ?? 0) + 1;
    }
    for (const count of counts) {
      expect(count).toBeGreaterThan(9_500);
      expect(count).toBeLessThan(10_500);
    }
  });
});

describe('openid4vci §4.1.3 credential offer by reference', () => {
  test('serves the offer object with Cache-Control: no-store', async () => {
    const t = createTestIssuer();
    const created = await offer(t);
    const result = await handleCredentialOfferRequest(t.config, created.offerId);
    expect(result.status).toBe(200);
    expect(result.headers['Cache-Control']).toBe('no-store');
    expect(result.body).toEqual(created.offer);
    await expect(getCredentialOfferObject(t.config, created.offerId)).resolves.toEqual(created.offer);
  });

  test('unknown, expired, redeemed, withdrawn and dead offers are all OID4VCI_OFFER_NOT_FOUND', async () => {
    const t = createTestIssuer();
    const errors: unknown[] = [];
    const capture = async (id: unknown) => {
      try {
        await getCredentialOfferObject(t.config, id);
      } catch (e) {
        errors.push(e);
      }
    };
    await capture('AAAAAAAAAAAAAAAAAAAAAA');
    await capture('../../etc/passwd');
    await capture(42);

    const redeemed = await offer(t);
    await handleTokenRequest(t.config, {
      grant_type: PRE_AUTHORIZED_CODE_GRANT_TYPE,
      'pre-authorized_code': redeemed.preAuthorizedCode,
      tx_code: redeemed.txCode,
    });
    await capture(redeemed.offerId);

    const withdrawn = await offer(t);
    await withdrawOffer(t.config, withdrawn.offerId);
    await capture(withdrawn.offerId);

    const dead = await offer(t);
    for (let i = 0; i < 3; i++) await t.store.recordTxCodeFailure(dead.offerId);
    await capture(dead.offerId);

    const expired = await offer(t);
    t.clock.now = expired.expiresAt;
    await capture(expired.offerId);

    expect(errors).toHaveLength(7);
    for (const e of errors) expect(e).toEqual(code('OID4VCI_OFFER_NOT_FOUND'));
    expect(new Set(errors.map((e) => (e as Error).message)).size).toBe(1);
  });

  test('a stored offer that no longer opens is the issuer’s problem (OID4VCI_CONFIG_INVALID)', async () => {
    const t = createTestIssuer();
    const created = await offer(t);
    const broken = { ...t.config, openOffer: () => 'not json' };
    await expect(getCredentialOfferObject(broken, created.offerId)).rejects.toEqual(
      code('OID4VCI_CONFIG_INVALID'),
    );
  });
});
