import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import {
  createSigner,
  digest,
  encodeBase64Url,
  fixedClock,
  type PrivateJwk,
  type PublicJwk,
  signJwsSync,
  toPublicJwk,
  type VerifyResult,
} from '@haven/core';
import {
  type ClaimPath,
  type DisclosureFrame,
  encodeDisclosure,
  type HolderBindingPolicy,
  issueSdJwtSync,
  issueSdJwtVcSync,
  presentSdJwtSync,
  type SdJwtVcVerification,
  verifySdJwtVc,
} from '@haven/sd-jwt';
import { ES256, generateSalt, digest as peerHasher } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { describe, expect, test } from 'vitest';
import { FIXED_KEYS } from '../fixtures.js';

// Interop between Haven's SD-JWT VC engine and @sd-jwt/sd-jwt-vc 0.19 (the OpenWallet Foundation library),
// both ways, and the places where the peer accepts what RFC 9901 §7.1 says to reject.

const NOW = 1_780_304_400;
const clock = fixedClock(NOW);
const NONCE = 'n-0S6_WzA2Mj';
const AUD = 'x509_san_dns:inspector.example';
const KB: HolderBindingPolicy = { required: true, nonce: NONCE, aud: AUD };
const NO_KB: HolderBindingPolicy = { required: false };

const ISSUER_KEY = FIXED_KEYS.ES256;
const ISSUER_PUBLIC = toPublicJwk(ISSUER_KEY);
const issuerSigner = createSigner(ISSUER_KEY, { kid: 'registry-key-1' });
const HOLDER_ES256_KEY: PrivateJwk = {
  kty: 'EC',
  crv: 'P-256',
  x: '_VWNtesLMIh40e4lk_moinBhloKLhFZX2sqMouHe3_g',
  y: 'C9xiuHytu1v90Lzq_GynK8uN_ajrJuc-LQ_qEkS61pg',
  d: 'DeNDv92tI4eX_67nTVhbq6cvMMJEFYk35kcQ3zO3qHM',
};
const HOLDER_EDDSA_KEY = FIXED_KEYS.EdDSA;
const HOLDERS = {
  ES256: {
    key: HOLDER_ES256_KEY,
    public: toPublicJwk(HOLDER_ES256_KEY),
    signer: createSigner(HOLDER_ES256_KEY),
  },
  EdDSA: {
    key: HOLDER_EDDSA_KEY,
    public: toPublicJwk(HOLDER_EDDSA_KEY),
    signer: createSigner(HOLDER_EDDSA_KEY),
  },
} as const;
type HolderAlg = keyof typeof HOLDERS;
// The peer's issuer: a key of its own, so a mix-up of issuer keys cannot pass.
const PEER_ISSUER_KEY: PrivateJwk = {
  kty: 'EC',
  crv: 'P-256',
  x: '--czFA7owx0791Of6T6qbz-Eoyhho3nui8S3aIqPahI',
  y: 'h1FCUDt-lOU4bJihFmWxQ0l2L1xH6Y-7r1CZ-n3FPOw',
  d: 'BMCJLlQf5vLr8eZS5MrmvlZ72QylMVbSZjn1yxJUZ_M',
};
const PEER_ISSUER_PUBLIC = toPublicJwk(PEER_ISSUER_KEY);

// The three Haven credential types, inline until @haven/credentials exports them. Everything personal is
// selectively disclosable, down to array elements and the members of nested objects; iss, vct, iat, exp and
// cnf stay plain (SD-JWT VC §3.2.2).
interface CredentialCase {
  name: string;
  claims: Record<string, unknown>;
  frame: DisclosureFrame;
  /** What a verifier asks for in the presentation tests, and what it must then see of the personal claims. */
  disclose: ClaimPath[];
  disclosed: Record<string, unknown>;
}

const validity = { iat: NOW - 60, exp: NOW + 365 * 86_400 };

const CREDENTIALS: CredentialCase[] = [
  {
    name: 'identity restoration',
    claims: {
      iss: 'https://civil-registry.example',
      vct: 'https://haven.example/vct/identity-restoration/v1',
      ...validity,
      given_name: 'Amina',
      family_name: 'Haddad',
      birthdate: '1990-05-01',
      nationalities: ['SY', 'FR'],
      place_of_birth: { locality: 'Aleppo', country: 'SY' },
      age_over_18: true,
      restored_document_number: 'RD-2026-000123',
      issuing_authority: 'Civil Registry of Lyon',
      restoration_date: '2026-03-02',
      assurance_level: 'substantial',
    },
    frame: {
      _sd: [
        'given_name',
        'family_name',
        'birthdate',
        'nationalities',
        'place_of_birth',
        'age_over_18',
        'restored_document_number',
        'restoration_date',
      ],
      nationalities: { _sd: [0, 1], _sd_decoy: 1 },
      place_of_birth: { _sd: ['locality', 'country'] },
      _sd_decoy: 2,
    },
    disclose: [['age_over_18'], ['nationalities', 1], ['place_of_birth', 'country']],
    disclosed: { age_over_18: true, nationalities: ['FR'], place_of_birth: { country: 'SY' } },
  },
  {
    name: 'labour contract',
    claims: {
      iss: 'https://labour-inspectorate.example',
      vct: 'https://haven.example/vct/labour-contract/v1',
      ...validity,
      employer_name: 'Acme Harvests SARL',
      employer_id: 'FR-SIRET-12345678900017',
      worker_reference: 'W-88213',
      job_title: 'Seasonal farm worker',
      sector: 'agriculture',
      workplace: { locality: 'Avignon', country: 'FR' },
      start_date: '2026-04-01',
      end_date: '2026-09-30',
      wage: { amount: '1850.00', currency: 'EUR', period: 'month' },
      hours_per_week: 35,
      recruitment_fees_paid: { amount: '0.00', currency: 'EUR' },
      keeps_own_identity_documents: true,
    },
    frame: {
      _sd: [
        'employer_name',
        'employer_id',
        'worker_reference',
        'job_title',
        'sector',
        'workplace',
        'start_date',
        'end_date',
        'wage',
        'hours_per_week',
        'recruitment_fees_paid',
        'keeps_own_identity_documents',
      ],
      workplace: { _sd: ['locality', 'country'] },
      wage: { _sd: ['amount', 'currency', 'period'] },
      _sd_decoy: 3,
    },
    disclose: [['employer_name'], ['wage'], ['hours_per_week'], ['start_date']],
    disclosed: {
      employer_name: 'Acme Harvests SARL',
      wage: { amount: '1850.00', currency: 'EUR', period: 'month' },
      hours_per_week: 35,
      start_date: '2026-04-01',
    },
  },
  {
    name: 'refugee registration',
    claims: {
      iss: 'https://registration-agency.example',
      vct: 'https://haven.example/vct/refugee-registration/v1',
      ...validity,
      registration_number: 'REG-2026-004417',
      given_name: 'Yusuf',
      family_name: 'Karimi',
      birthdate: '1984-11-12',
      country_of_origin: 'AF',
      registration_date: '2026-01-15',
      // Not `status`: that name is registered by SD-JWT VC for the status-list reference and must stay plain.
      refugee_status: 'recognised',
      registering_office: 'Lyon field office',
      household_size: 4,
      household_members: [
        { given_name: 'Leila', relationship: 'spouse' },
        { given_name: 'Omid', relationship: 'child' },
      ],
    },
    frame: {
      _sd: [
        'registration_number',
        'given_name',
        'family_name',
        'birthdate',
        'country_of_origin',
        'registration_date',
        'refugee_status',
        'registering_office',
        'household_size',
        'household_members',
      ],
      // Recursive: each member is an array-element disclosure whose own members are disclosures too.
      household_members: {
        _sd: [0, 1],
        0: { _sd: ['given_name', 'relationship'] },
        1: { _sd: ['given_name'] },
      },
      _sd_decoy: 1,
    },
    disclose: [['registration_number'], ['refugee_status'], ['household_members', null, 'relationship']],
    disclosed: {
      registration_number: 'REG-2026-004417',
      refugee_status: 'recognised',
      // Member 1's relationship is plain, so the element is disclosed without its (concealed) name.
      household_members: [{ relationship: 'spouse' }, { relationship: 'child' }],
    },
  },
];

/** The claims the frame leaves plain: what every verifier sees. */
const plainOf = (c: CredentialCase) =>
  Object.fromEntries(Object.entries(c.claims).filter(([name]) => !c.frame._sd?.includes(name)));

// --- the peer, configured as a verifier would configure it ---------------------------------------------

type Jwk = Record<string, unknown>;

/** Verifies a JWS signature with node:crypto, for EdDSA, which @sd-jwt/crypto-nodejs does not offer. */
function verifyEd25519(jwk: Jwk, data: string, signature: string): boolean {
  const key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  return nodeVerify(null, Buffer.from(data), key, Buffer.from(signature, 'base64url'));
}

/** The peer's KB-JWT check: the key comes from `cnf.jwk` of the verified credential, as RFC 9901 §7.3 says. */
async function peerKbVerifier(data: string, signature: string, payload: Record<string, unknown>) {
  const jwk = (payload.cnf as { jwk?: Jwk } | undefined)?.jwk;
  if (jwk === undefined) return false;
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return verifyEd25519(jwk, data, signature);
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return (await ES256.getVerifier(jwk))(data, signature);
  return false;
}

async function peerVerifier(issuerPublic: PublicJwk): Promise<SDJwtVcInstance> {
  return new SDJwtVcInstance({
    hasher: peerHasher,
    hashAlg: 'sha-256',
    verifier: await ES256.getVerifier(issuerPublic),
    kbVerifier: peerKbVerifier,
  });
}

function ed25519Signer(jwk: PrivateJwk) {
  const key = createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  return (data: string) => nodeSign(null, Buffer.from(data), key).toString('base64url');
}

async function peerIssuer(holder: HolderAlg): Promise<SDJwtVcInstance> {
  return new SDJwtVcInstance({
    hasher: peerHasher,
    hashAlg: 'sha-256',
    saltGenerator: generateSalt,
    signer: await ES256.getSigner(PEER_ISSUER_KEY),
    signAlg: 'ES256',
    verifier: await ES256.getVerifier(PEER_ISSUER_PUBLIC),
    kbSigner: holder === 'EdDSA' ? ed25519Signer(HOLDER_EDDSA_KEY) : await ES256.getSigner(HOLDER_ES256_KEY),
    kbSignAlg: holder,
    kbVerifier: peerKbVerifier,
  });
}

type PeerPresentationFrame = Parameters<SDJwtVcInstance['present']>[1];

function havenVerify(
  presentation: string,
  holderBinding: HolderBindingPolicy,
  issuerPublic: PublicJwk = ISSUER_PUBLIC,
): Promise<VerifyResult<SdJwtVcVerification>> {
  return verifySdJwtVc(presentation, { issuerKey: () => issuerPublic, clock, holderBinding });
}

async function havenClaims(
  presentation: string,
  holderBinding: HolderBindingPolicy,
  issuerPublic?: PublicJwk,
) {
  const result = await havenVerify(presentation, holderBinding, issuerPublic);
  if (!result.verified) throw new Error(`Haven rejected it: ${result.error.code}`);
  return result.claims;
}

async function havenCode(presentation: string, holderBinding: HolderBindingPolicy = NO_KB): Promise<string> {
  const result = await havenVerify(presentation, holderBinding);
  return result.verified ? 'VERIFIED' : result.error.code;
}

// --- Haven issues, the peer verifies ------------------------------------------------------------------

describe('interop: Haven issues and presents, @sd-jwt/sd-jwt-vc 0.19 verifies', () => {
  test.each(CREDENTIALS)('$name: the issued credential (all disclosures) verifies in the peer', async (c) => {
    const credential = issueSdJwtVcSync(c.claims, { signer: issuerSigner, frame: c.frame });
    const peer = await (await peerVerifier(ISSUER_PUBLIC)).verify(credential, { currentDate: NOW });
    expect(peer.header).toMatchObject({ typ: 'dc+sd-jwt', alg: 'ES256', kid: 'registry-key-1' });
    // Decoys, nested and array-element disclosures resolve to the very claims that were issued.
    expect(peer.payload).toEqual(c.claims);
    expect(await havenClaims(credential, NO_KB)).toEqual(peer.payload);
  });

  test.each(CREDENTIALS)(
    '$name: a presentation without key binding shows the peer what it shows Haven',
    async (c) => {
      const credential = issueSdJwtVcSync(c.claims, { signer: issuerSigner, frame: c.frame });
      const vp = presentSdJwtSync(credential, { disclose: c.disclose });
      const peer = await (await peerVerifier(ISSUER_PUBLIC)).verify(vp, { currentDate: NOW });
      expect(peer.kb).toBeUndefined();
      expect(peer.payload).toEqual({ ...plainOf(c), ...c.disclosed });
      expect(await havenClaims(vp, NO_KB)).toEqual(peer.payload);
    },
  );

  const withHolders = CREDENTIALS.flatMap((c) =>
    (c.name === 'identity restoration' ? (['ES256', 'EdDSA'] as const) : (['ES256'] as const)).map(
      (holder) => ({ ...c, holder }),
    ),
  );
  test.each(withHolders)(
    '$name, $holder holder: an SD-JWT+KB verifies in the peer, KB-JWT included',
    async (c) => {
      const holder = HOLDERS[c.holder];
      const credential = issueSdJwtVcSync(c.claims, {
        signer: issuerSigner,
        frame: c.frame,
        holderPublicJwk: holder.public,
      });
      const vp = presentSdJwtSync(credential, {
        disclose: c.disclose,
        keyBinding: { signer: holder.signer, nonce: NONCE, aud: AUD, clock },
      });
      const peer = await (await peerVerifier(ISSUER_PUBLIC)).verify(vp, {
        currentDate: NOW,
        keyBindingNonce: NONCE,
      });
      expect(peer.kb?.header).toEqual({ typ: 'kb+jwt', alg: c.holder });
      // The peer checks the nonce and sd_hash itself but leaves `aud` to the application.
      expect(peer.kb?.payload).toMatchObject({ nonce: NONCE, aud: AUD, iat: NOW });
      expect(peer.payload).toEqual({ ...plainOf(c), cnf: { jwk: holder.public }, ...c.disclosed });
      expect(await havenClaims(vp, KB)).toEqual(peer.payload);
    },
  );

  test('the peer rejects a Haven SD-JWT+KB whose KB-JWT was signed by another holder key', async () => {
    const c = CREDENTIALS[0] as CredentialCase;
    const credential = issueSdJwtVcSync(c.claims, {
      signer: issuerSigner,
      frame: c.frame,
      holderPublicJwk: HOLDERS.EdDSA.public,
    });
    const vp = presentSdJwtSync(credential, {
      disclose: c.disclose,
      keyBinding: { signer: HOLDERS.ES256.signer, nonce: NONCE, aud: AUD, clock },
    });
    const peer = await peerVerifier(ISSUER_PUBLIC);
    await expect(peer.verify(vp, { currentDate: NOW, keyBindingNonce: NONCE })).rejects.toThrow(/Signature/);
    expect(await havenCode(vp, KB)).toBe('SDJWT_KB_INVALID');
  });
});

// --- the peer issues, Haven verifies ------------------------------------------------------------------

// The identity credential in the peer's frame syntax: the same concealment, decoys included.
const PEER_CLAIMS = (CREDENTIALS[0] as CredentialCase).claims as Record<string, unknown> & { vct: string };
const PEER_FRAME = {
  _sd: [
    'given_name',
    'family_name',
    'birthdate',
    'nationalities',
    'place_of_birth',
    'age_over_18',
    'restored_document_number',
    'restoration_date',
  ],
  _sd_decoy: 2,
  nationalities: { _sd: [0, 1], _sd_decoy: 1 },
  place_of_birth: { _sd: ['locality', 'country'], _sd_decoy: 1 },
};

/** The peer's issue() infers its frame type from the payload literal; the frame above is checked at run time. */
function peerIssue(peer: SDJwtVcInstance, holder: HolderAlg): Promise<string> {
  return peer.issue({ ...PEER_CLAIMS, cnf: { jwk: HOLDERS[holder].public } }, PEER_FRAME as never);
}

describe('interop: @sd-jwt/sd-jwt-vc 0.19 issues and presents, Haven verifies', () => {
  test.each(['ES256', 'EdDSA'] as const)(
    '%s holder: the issued credential verifies in Haven with the same claims',
    async (holder) => {
      const peer = await peerIssuer(holder);
      const credential = await peerIssue(peer, holder);
      // Decoys are there (and dropped by both): more digests than disclosures.
      const issuerJwt = credential.split('~')[0] as string;
      const payload = JSON.parse(Buffer.from(issuerJwt.split('.')[1] as string, 'base64url').toString());
      expect(payload._sd).toHaveLength(8 + 2);
      const peerSees = (await peer.verify(credential, { currentDate: NOW })).payload;
      expect(peerSees).toEqual({ ...PEER_CLAIMS, cnf: { jwk: HOLDERS[holder].public } });
      expect(await havenClaims(credential, NO_KB, PEER_ISSUER_PUBLIC)).toEqual(peerSees);
    },
  );

  test.each(['ES256', 'EdDSA'] as const)(
    '%s holder: a peer SD-JWT+KB verifies in Haven under a holder-binding policy',
    async (holder) => {
      const peer = await peerIssuer(holder);
      const credential = await peerIssue(peer, holder);
      const frame = { age_over_18: true, nationalities: { 1: true }, place_of_birth: { country: true } };
      const vp = await peer.present(credential, frame as PeerPresentationFrame, {
        kb: { payload: { iat: NOW, aud: AUD, nonce: NONCE } },
      });
      const peerSees = (await peer.verify(vp, { currentDate: NOW, keyBindingNonce: NONCE })).payload;
      const expected = {
        ...plainOf(CREDENTIALS[0] as CredentialCase),
        cnf: { jwk: HOLDERS[holder].public },
        ...(CREDENTIALS[0] as CredentialCase).disclosed,
      };
      expect(peerSees).toEqual(expected);
      const result = await havenVerify(vp, KB, PEER_ISSUER_PUBLIC);
      expect(result).toMatchObject({ verified: true, holderBound: true, claims: expected });
      // Haven's own policy, not the presence of a KB-JWT, decides: another verifier's nonce fails.
      expect((await havenVerify(vp, { ...KB, nonce: 'another-session' }, PEER_ISSUER_PUBLIC)).verified).toBe(
        false,
      );
    },
  );

  test('a peer presentation without key binding verifies in Haven; Haven requiring binding rejects it', async () => {
    const peer = await peerIssuer('EdDSA');
    const credential = await peerIssue(peer, 'EdDSA');
    const vp = await peer.present(credential, {
      given_name: true,
      family_name: true,
    } as PeerPresentationFrame);
    const expected = {
      ...plainOf(CREDENTIALS[0] as CredentialCase),
      cnf: { jwk: HOLDERS.EdDSA.public },
      given_name: 'Amina',
      family_name: 'Haddad',
    };
    expect((await peer.verify(vp, { currentDate: NOW })).payload).toEqual(expected);
    expect(await havenClaims(vp, NO_KB, PEER_ISSUER_PUBLIC)).toEqual(expected);
    const bound = await havenVerify(vp, KB, PEER_ISSUER_PUBLIC);
    expect(bound.verified ? 'VERIFIED' : bound.error.code).toBe('SDJWT_KB_REQUIRED');
  });

  test('Haven as holder: presents a peer-issued credential, and both verify it', async () => {
    const peer = await peerIssuer('EdDSA');
    const credential = await peerIssue(peer, 'EdDSA');
    const vp = presentSdJwtSync(credential, {
      disclose: [['birthdate'], ['place_of_birth', 'locality']],
      keyBinding: { signer: HOLDERS.EdDSA.signer, nonce: NONCE, aud: AUD, clock },
    });
    const expected = {
      ...plainOf(CREDENTIALS[0] as CredentialCase),
      cnf: { jwk: HOLDERS.EdDSA.public },
      birthdate: '1990-05-01',
      place_of_birth: { locality: 'Aleppo' },
    };
    expect((await peer.verify(vp, { currentDate: NOW, keyBindingNonce: NONCE })).payload).toEqual(expected);
    expect(await havenClaims(vp, KB, PEER_ISSUER_PUBLIC)).toEqual(expected);
  });
});

// --- where the peer is laxer than Haven ---------------------------------------------------------------

const VCT = 'https://haven.example/vct/identity-restoration/v1';
const BASE = { iss: 'https://civil-registry.example', vct: VCT, ...validity, _sd_alg: 'sha-256' };

/** An issuer-signed SD-JWT VC over a hand-made payload, for structures Haven's issuer never produces. */
function crafted(payload: Record<string, unknown>, disclosures: string[], typ = 'dc+sd-jwt'): string {
  return `${signJwsSync(payload, { signer: issuerSigner, typ })}~${disclosures.map((d) => `${d}~`).join('')}`;
}

const SALT = 'c2FsdHNhbHRzYWx0c2FsdA';
const sha256 = (text: string) => encodeBase64Url(digest('sha-256', text));
const disclosure = (name: string | undefined, value: unknown, salt = SALT) =>
  encodeDisclosure('sha-256', salt, name, value);

async function peerAccepts(presentation: string, options: Record<string, unknown> = {}) {
  const peer = await peerVerifier(ISSUER_PUBLIC);
  return peer.verify(presentation, { currentDate: NOW, ...options });
}

describe('where @sd-jwt/sd-jwt-vc 0.19 is laxer than Haven (RFC 9901 §7.1, SD-JWT VC §3)', () => {
  test('§7.1 step 5: a disclosure copied from another credential — peer ignores it, Haven rejects it', async () => {
    const c = CREDENTIALS[0] as CredentialCase;
    const credential = issueSdJwtVcSync(c.claims, { signer: issuerSigner, frame: c.frame });
    const other = issueSdJwtVcSync((CREDENTIALS[2] as CredentialCase).claims, {
      signer: issuerSigner,
      frame: (CREDENTIALS[2] as CredentialCase).frame,
    });
    const foreign = other.split('~')[1] as string;
    const smuggled = `${credential}${foreign}~`;
    expect((await peerAccepts(smuggled)).payload).toEqual(c.claims);
    expect(await havenCode(smuggled)).toBe('SDJWT_UNREFERENCED_DISCLOSURE');
    expect(await havenCode(credential)).toBe('VERIFIED');
  });

  test('§7.1 step 4: the same digest twice — peer accepts, Haven rejects', async () => {
    const d = disclosure('given_name', 'Amina');
    const sdJwt = crafted({ ...BASE, _sd: [d.digest, d.digest] }, [d.encoded]);
    expect((await peerAccepts(sdJwt)).payload).toMatchObject({ given_name: 'Amina' });
    expect(await havenCode(sdJwt)).toBe('SDJWT_DUPLICATE_DIGEST');
  });

  test('§7.1 step 3.3.2.3: a disclosed claim that exists in plain form — peer overwrites it, Haven rejects', async () => {
    const d = disclosure('family_name', 'Mallory');
    const sdJwt = crafted({ ...BASE, family_name: 'Haddad', _sd: [d.digest] }, [d.encoded]);
    // The peer lets the disclosure replace the plain, issuer-signed value.
    expect((await peerAccepts(sdJwt)).payload).toMatchObject({ family_name: 'Mallory' });
    expect(await havenCode(sdJwt)).toBe('SDJWT_CLAIM_CLASH');
  });

  test('§7.1 step 3.3.2.2: a disclosure named "_sd" — peer puts an "_sd" claim in the result, Haven rejects', async () => {
    // Haven's encoder refuses the name, so this disclosure is built by hand.
    const encoded = Buffer.from(JSON.stringify([SALT, '_sd', ['not-a-digest']])).toString('base64url');
    const sdJwt = crafted({ ...BASE, _sd: [sha256(encoded)] }, [encoded]);
    expect((await peerAccepts(sdJwt)).payload).toMatchObject({ _sd: ['not-a-digest'] });
    expect(await havenCode(sdJwt)).toBe('SDJWT_RESERVED_CLAIM_NAME');
  });

  test('§7.1 step 3.3.3.1: an array digest pointing at a name/value disclosure — peer uses it, Haven rejects', async () => {
    const d = disclosure('nationality', 'FR');
    const sdJwt = crafted({ ...BASE, nationalities: [{ '...': d.digest }] }, [d.encoded]);
    expect((await peerAccepts(sdJwt)).payload).toMatchObject({ nationalities: ['FR'] });
    expect(await havenCode(sdJwt)).toBe('SDJWT_DISCLOSURE_KIND_MISMATCH');
  });

  test('SD-JWT VC §3.2.2.2: a selectively disclosed "iss" — peer accepts, Haven rejects', async () => {
    const d = disclosure('iss', 'https://civil-registry.example');
    const { iss: _iss, ...rest } = BASE;
    const sdJwt = crafted({ ...rest, _sd: [d.digest] }, [d.encoded]);
    expect((await peerAccepts(sdJwt)).payload).toMatchObject({ iss: 'https://civil-registry.example' });
    expect(await havenCode(sdJwt)).toBe('SDJWT_VC_CLAIM_NOT_ALLOWED_SD');
  });

  test('SD-JWT VC §3.2.1: typ "JWT" — peer does not check typ, Haven rejects', async () => {
    const c = CREDENTIALS[0] as CredentialCase;
    const sdJwt = issueSdJwtSync(c.claims, { signer: issuerSigner, typ: 'JWT', frame: c.frame });
    const peer = await peerAccepts(sdJwt);
    expect(peer.header).toMatchObject({ typ: 'JWT' });
    expect(peer.payload).toEqual(c.claims);
    expect(await havenCode(sdJwt)).toBe('JWS_TYP_MISMATCH');
  });

  test('RFC 9901 §7.3 step 5: a KB-JWT for another verifier (aud) — peer accepts, Haven rejects', async () => {
    const c = CREDENTIALS[0] as CredentialCase;
    const credential = issueSdJwtVcSync(c.claims, {
      signer: issuerSigner,
      frame: c.frame,
      holderPublicJwk: HOLDERS.EdDSA.public,
    });
    const vp = presentSdJwtSync(credential, {
      disclose: c.disclose,
      keyBinding: {
        signer: HOLDERS.EdDSA.signer,
        nonce: NONCE,
        aud: 'https://other-verifier.example',
        clock,
      },
    });
    const peer = await peerAccepts(vp, { keyBindingNonce: NONCE });
    expect(peer.kb?.payload.aud).toBe('https://other-verifier.example');
    expect(await havenCode(vp, KB)).toBe('SDJWT_KB_AUD_MISMATCH');
  });
});
