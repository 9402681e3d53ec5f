import { describe, expect, test } from 'vitest';
import { parseCredentialOffer, preAuthorizedCodeGrantOf } from './credential-offer.js';
import {
  createFakeFetch,
  errorCode,
  ISSUER,
  offerObject,
  offerUriByValue,
  PRE_AUTH,
  rejection,
} from './fixtures/fake-issuer.js';
import { parseCredentialOfferUri } from './parse-credential-offer-uri.js';
import { resolveCredentialOffer } from './resolve-credential-offer.js';
import { checkTxCode, parseTxCodeDescription } from './tx-code.js';

const OFFER_URL = 'https://issuer.example/offers/abc';
const byReference = (url: string) =>
  `openid-credential-offer://?credential_offer_uri=${encodeURIComponent(url)}`;

describe('openid4vci §4.1 credential offer URI', () => {
  test('§4.1.2 offer by value with the openid-credential-offer:// scheme', () => {
    const parsed = parseCredentialOfferUri(offerUriByValue(offerObject()));
    expect(parsed.kind).toBe('value');
    if (parsed.kind !== 'value') return;
    expect(parsed.offer.credential_issuer).toBe(ISSUER);
    expect(parsed.offer.credential_configuration_ids).toEqual(['labour-contract']);
    expect(preAuthorizedCodeGrantOf(parsed.offer)['pre-authorized_code']).toBe('code-123');
  });

  test('§4.1 any scheme the wallet is invoked with: https links and custom schemes', () => {
    for (const scheme of ['https://wallet.example/offer', 'haven-wallet:', 'openid-credential-offer:']) {
      expect(parseCredentialOfferUri(offerUriByValue(offerObject(), scheme)).kind).toBe('value');
    }
  });

  test('§4.1.1 unknown offer members and grants are kept, not refused', () => {
    const parsed = parseCredentialOfferUri(
      offerUriByValue(
        offerObject({
          extension: { a: 1 },
          grants: { [PRE_AUTH]: { 'pre-authorized_code': 'c', x: 1 }, other: {} },
        }),
      ),
    );
    if (parsed.kind !== 'value') throw new Error('by value');
    expect((parsed.offer as Record<string, unknown>).extension).toEqual({ a: 1 });
  });

  test('§4.1.3 offer by reference returns the https URL without fetching', () => {
    expect(parseCredentialOfferUri(byReference(OFFER_URL))).toEqual({ kind: 'reference', uri: OFFER_URL });
  });

  test('§4.1 both parameters, neither, or one of them twice → OID4VCI_CLIENT_OFFER_INVALID', () => {
    const value = encodeURIComponent(JSON.stringify(offerObject()));
    const ref = encodeURIComponent(OFFER_URL);
    for (const uri of [
      `openid-credential-offer://?credential_offer=${value}&credential_offer_uri=${ref}`,
      'openid-credential-offer://?foo=bar',
      'openid-credential-offer://',
      `openid-credential-offer://?credential_offer=${value}&credential_offer=${value}`,
      `openid-credential-offer://?credential_offer_uri=${ref}&credential_offer_uri=${ref}`,
    ]) {
      expect(errorCode(() => parseCredentialOfferUri(uri))).toBe('OID4VCI_CLIENT_OFFER_INVALID');
    }
  });

  test('hostile input: not a URI, oversize, not a string', () => {
    expect(errorCode(() => parseCredentialOfferUri('credential_offer={}'))).toBe(
      'OID4VCI_CLIENT_OFFER_INVALID',
    );
    expect(
      errorCode(() => parseCredentialOfferUri(`openid-credential-offer://?x=${'a'.repeat(70_000)}`)),
    ).toBe('OID4VCI_CLIENT_OFFER_INVALID');
    expect(errorCode(() => parseCredentialOfferUri(42 as unknown as string))).toBe(
      'OID4VCI_CLIENT_OFFER_INVALID',
    );
  });

  test('§4.1 credential_offer_uri must be https: http to a public host is refused', () => {
    expect(errorCode(() => parseCredentialOfferUri(byReference('http://issuer.example/offers/abc')))).toBe(
      'OID4VCI_CLIENT_OFFER_INVALID',
    );
    for (const bad of [
      'ftp://issuer.example/o',
      'javascript:alert(1)',
      'https://user:pw@issuer.example/o',
      'not a url',
    ]) {
      expect(errorCode(() => parseCredentialOfferUri(byReference(bad)))).toBe('OID4VCI_CLIENT_OFFER_INVALID');
    }
  });

  test('http credential_offer_uri only to loopback, and only with allowHttpLoopback', () => {
    for (const url of ['http://127.0.0.1:8080/o', 'http://localhost:3000/o', 'http://[::1]/o']) {
      expect(errorCode(() => parseCredentialOfferUri(byReference(url)))).toBe('OID4VCI_CLIENT_OFFER_INVALID');
      expect(parseCredentialOfferUri(byReference(url), { allowHttpLoopback: true }).kind).toBe('reference');
    }
    for (const url of [
      'http://10.0.0.1/o',
      'http://192.168.1.1/o',
      'http://issuer.example/o',
      'http://127.0.0.1.nip.io/o',
    ]) {
      expect(errorCode(() => parseCredentialOfferUri(byReference(url), { allowHttpLoopback: true }))).toBe(
        'OID4VCI_CLIENT_OFFER_INVALID',
      );
    }
  });

  test('hostile input: offer by value that is not JSON, or has duplicate member names', () => {
    const bad = ['{"credential_issuer":', '[1', 'null', '"x"'];
    for (const text of bad) {
      expect(
        errorCode(() =>
          parseCredentialOfferUri(`openid-credential-offer://?credential_offer=${encodeURIComponent(text)}`),
        ),
      ).toBe('OID4VCI_CLIENT_OFFER_INVALID');
    }
    const duplicate = `{"credential_issuer":"${ISSUER}","credential_issuer":"https://evil.example","credential_configuration_ids":["a"]}`;
    try {
      parseCredentialOfferUri(`openid-credential-offer://?credential_offer=${encodeURIComponent(duplicate)}`);
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe('OID4VCI_CLIENT_OFFER_INVALID');
      expect((e as { details: Record<string, unknown> }).details.jsonCode).toBe('JSON_DUPLICATE_KEY');
    }
    const proto = `{"credential_issuer":"${ISSUER}","credential_configuration_ids":["a"],"__proto__":{"x":1}}`;
    expect(
      errorCode(() =>
        parseCredentialOfferUri(`openid-credential-offer://?credential_offer=${encodeURIComponent(proto)}`),
      ),
    ).toBe('OID4VCI_CLIENT_OFFER_INVALID');
  });
});

describe('openid4vci §4.1.1 credential offer parameters', () => {
  const invalid = (overrides: Record<string, unknown>) =>
    errorCode(() => parseCredentialOffer(offerObject(overrides)));

  test('credential_issuer must be an https URL without query or fragment, in canonical form (§12.2.1)', () => {
    for (const issuer of [
      'http://issuer.example',
      'issuer.example',
      'https://issuer.example?tenant=1',
      'https://issuer.example#x',
      'https://user@issuer.example',
      'https://ISSUER.example',
      'https://issuer.example:443',
      'https://issuer.example/a/../b',
      '',
      7,
    ]) {
      expect(invalid({ credential_issuer: issuer })).toBe('OID4VCI_CLIENT_OFFER_INVALID');
    }
    expect(
      parseCredentialOffer(offerObject({ credential_issuer: 'https://issuer.example/tenant/1' }))
        .credential_issuer,
    ).toBe('https://issuer.example/tenant/1');
    expect(
      parseCredentialOffer(offerObject({ credential_issuer: 'https://issuer.example/' })).credential_issuer,
    ).toBe('https://issuer.example/');
  });

  test('credential_configuration_ids: non-empty, unique strings', () => {
    for (const ids of [[], ['a', 'a'], [''], [1], 'a', undefined]) {
      expect(invalid({ credential_configuration_ids: ids })).toBe('OID4VCI_CLIENT_OFFER_INVALID');
    }
    expect(invalid({ credential_configuration_ids: Array.from({ length: 101 }, (_, i) => `c${i}`) })).toBe(
      'OID4VCI_CLIENT_OFFER_INVALID',
    );
  });

  test('pre-authorized code grant: code required; tx_code input_mode, length, description ≤ 300', () => {
    const grant = (g: unknown) => invalid({ grants: { [PRE_AUTH]: g } });
    expect(grant({})).toBe('OID4VCI_CLIENT_OFFER_INVALID');
    expect(grant({ 'pre-authorized_code': '' })).toBe('OID4VCI_CLIENT_OFFER_INVALID');
    expect(grant({ 'pre-authorized_code': 'c', tx_code: { input_mode: 'emoji' } })).toBe(
      'OID4VCI_CLIENT_OFFER_INVALID',
    );
    expect(grant({ 'pre-authorized_code': 'c', tx_code: { length: 0 } })).toBe(
      'OID4VCI_CLIENT_OFFER_INVALID',
    );
    expect(grant({ 'pre-authorized_code': 'c', tx_code: { length: 4.5 } })).toBe(
      'OID4VCI_CLIENT_OFFER_INVALID',
    );
    expect(grant({ 'pre-authorized_code': 'c', tx_code: { description: 'x'.repeat(301) } })).toBe(
      'OID4VCI_CLIENT_OFFER_INVALID',
    );
    expect(grant({ 'pre-authorized_code': 'c', tx_code: 'yes' })).toBe('OID4VCI_CLIENT_OFFER_INVALID');
    // 300 characters counted as characters, not UTF-16 units.
    expect(grant({ 'pre-authorized_code': 'c', tx_code: { description: '😀'.repeat(300) } })).toBeUndefined();
  });

  test('an offer without a pre-authorized code grant parses, but this flow cannot use it', () => {
    const offer = parseCredentialOffer(
      offerObject({ grants: { authorization_code: { issuer_state: 's' } } }),
    );
    expect(errorCode(() => preAuthorizedCodeGrantOf(offer))).toBe('OID4VCI_CLIENT_OFFER_INVALID');
    expect(
      errorCode(() => preAuthorizedCodeGrantOf(parseCredentialOffer(offerObject({ grants: undefined })))),
    ).toBe('OID4VCI_CLIENT_OFFER_INVALID');
  });
});

describe('openid4vci §4.1.1 tx_code description for the wallet UI', () => {
  test('defaults to numeric; empty object still means required', () => {
    expect(parseTxCodeDescription(undefined)).toBeUndefined();
    expect(parseTxCodeDescription({})).toEqual({ inputMode: 'numeric' });
    expect(parseTxCodeDescription({ input_mode: 'text', length: 6, description: 'See SMS' })).toEqual({
      inputMode: 'text',
      length: 6,
      description: 'See SMS',
    });
  });

  test('checkTxCode: missing, non-digits for numeric, wrong length → OID4VCI_CLIENT_TX_CODE_REQUIRED', () => {
    expect(errorCode(() => checkTxCode(undefined, {}))).toBe('OID4VCI_CLIENT_TX_CODE_REQUIRED');
    expect(errorCode(() => checkTxCode('', {}))).toBe('OID4VCI_CLIENT_TX_CODE_REQUIRED');
    expect(errorCode(() => checkTxCode('12a4', {}))).toBe('OID4VCI_CLIENT_TX_CODE_REQUIRED');
    expect(errorCode(() => checkTxCode('12345', { length: 4 }))).toBe('OID4VCI_CLIENT_TX_CODE_REQUIRED');
    expect(checkTxCode('1234', { length: 4 })).toBe('1234');
    expect(checkTxCode('ab-9', { input_mode: 'text', length: 4 })).toBe('ab-9');
  });
});

describe('openid4vci §4.1.3 resolving an offer by reference', () => {
  test('fetches with GET and Accept: application/json, validates the offer', async () => {
    const fetch = createFakeFetch({ [`GET ${OFFER_URL}`]: { json: offerObject() } });
    const offer = await resolveCredentialOffer(byReference(OFFER_URL), { fetch });
    expect(offer.credential_issuer).toBe(ISSUER);
    expect(fetch.requests).toHaveLength(1);
    expect(fetch.requests[0]?.headers.accept).toBe('application/json');
  });

  test('an offer by value needs no request', async () => {
    const fetch = createFakeFetch();
    await resolveCredentialOffer(offerUriByValue(offerObject()), { fetch });
    expect(fetch.requests).toHaveLength(0);
  });

  test('§4.1.3 application/jwt (signed or alg none) and other media types are refused', async () => {
    for (const type of ['application/jwt', 'text/html', 'application/json-patch+json']) {
      const fetch = createFakeFetch({
        [`GET ${OFFER_URL}`]: { headers: { 'content-type': type }, body: JSON.stringify(offerObject()) },
      });
      const error = await rejection(resolveCredentialOffer(byReference(OFFER_URL), { fetch }));
      expect(error.code).toBe('OID4VCI_CLIENT_RESPONSE_INVALID');
    }
    const noType = createFakeFetch({ [`GET ${OFFER_URL}`]: { body: JSON.stringify(offerObject()) } });
    expect((await rejection(resolveCredentialOffer(byReference(OFFER_URL), { fetch: noType }))).code).toBe(
      'OID4VCI_CLIENT_RESPONSE_INVALID',
    );
  });

  test('media type parameters and case are accepted', async () => {
    const fetch = createFakeFetch({
      [`GET ${OFFER_URL}`]: {
        headers: { 'Content-Type': 'Application/JSON; charset=utf-8' },
        body: JSON.stringify(offerObject()),
      },
    });
    expect((await resolveCredentialOffer(byReference(OFFER_URL), { fetch })).credential_issuer).toBe(ISSUER);
  });

  test('hostile input: fetched offer with duplicate keys, bad JSON or bad members', async () => {
    const cases: [string, string][] = [
      [
        `{"credential_issuer":"${ISSUER}","credential_issuer":"${ISSUER}","credential_configuration_ids":["a"]}`,
        'OID4VCI_CLIENT_RESPONSE_INVALID',
      ],
      ['{"credential_issuer":', 'OID4VCI_CLIENT_RESPONSE_INVALID'],
      ['[]', 'OID4VCI_CLIENT_RESPONSE_INVALID'],
      [JSON.stringify(offerObject({ credential_configuration_ids: [] })), 'OID4VCI_CLIENT_OFFER_INVALID'],
      [
        JSON.stringify(offerObject({ credential_issuer: 'http://issuer.example' })),
        'OID4VCI_CLIENT_OFFER_INVALID',
      ],
    ];
    for (const [body, code] of cases) {
      const fetch = createFakeFetch({
        [`GET ${OFFER_URL}`]: { headers: { 'content-type': 'application/json' }, body },
      });
      expect((await rejection(resolveCredentialOffer(byReference(OFFER_URL), { fetch }))).code).toBe(code);
    }
  });

  test('an unknown or spent offer (404 with an OAuth error) → OID4VCI_CLIENT_ISSUER_ERROR', async () => {
    const fetch = createFakeFetch({
      [`GET ${OFFER_URL}`]: { status: 404, json: { error: 'invalid_request' } },
    });
    const error = await rejection(resolveCredentialOffer(byReference(OFFER_URL), { fetch }));
    expect(error.code).toBe('OID4VCI_CLIENT_ISSUER_ERROR');
    expect(error.details).toMatchObject({
      status: 404,
      error: 'invalid_request',
      endpoint: 'credential_offer',
    });
  });

  test('network failures of the guarded fetcher pass through with their FETCH_* code', async () => {
    const error = await rejection(
      resolveCredentialOffer(byReference(OFFER_URL), { fetch: createFakeFetch() }),
    );
    expect(error.code).toBe('FETCH_NETWORK');
  });
});
