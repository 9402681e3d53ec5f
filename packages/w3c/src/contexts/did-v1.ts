import { embeddedContext } from './bundled-context.js';

/**
 * `https://www.w3.org/ns/did/v1`: DID Core §4.1 (JSON-LD representation); bytes of did-context 3.1.1.
 * The text is the exact file, so its SHA-256 matches the published bytes.
 *
 * @example
 * ```ts
 * createDocumentLoader({ contexts: [DID_V1_CONTEXT] });
 * ```
 */
export const DID_V1_CONTEXT = embeddedContext(
  'https://www.w3.org/ns/did/v1',
  '62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f',
  '{\n  "@context": {\n    "@protected": true,\n    "id": "@id",\n    "type": "@type",\n    "alsoKnownAs": {\n      "@id": "https://www.w3.org/ns/activitystreams#alsoKnownAs",\n      "@type": "@id"\n    },\n    "assertionMethod": {\n      "@id": "https://w3id.org/security#assertionMethod",\n      "@type": "@id",\n      "@container": "@set"\n    },\n    "authentication": {\n      "@id": "https://w3id.org/security#authenticationMethod",\n      "@type": "@id",\n      "@container": "@set"\n    },\n    "capabilityDelegation": {\n      "@id": "https://w3id.org/security#capabilityDelegationMethod",\n      "@type": "@id",\n      "@container": "@set"\n    },\n    "capabilityInvocation": {\n      "@id": "https://w3id.org/security#capabilityInvocationMethod",\n      "@type": "@id",\n      "@container": "@set"\n    },\n    "controller": {\n      "@id": "https://w3id.org/security#controller",\n      "@type": "@id"\n    },\n    "keyAgreement": {\n      "@id": "https://w3id.org/security#keyAgreementMethod",\n      "@type": "@id",\n      "@container": "@set"\n    },\n    "service": {\n      "@id": "https://www.w3.org/ns/did#service",\n      "@type": "@id",\n      "@context": {\n        "@protected": true,\n        "id": "@id",\n        "type": "@type",\n        "serviceEndpoint": {\n          "@id": "https://www.w3.org/ns/did#serviceEndpoint",\n          "@type": "@id"\n        }\n      }\n    },\n    "verificationMethod": {\n      "@id": "https://w3id.org/security#verificationMethod",\n      "@type": "@id"\n    }\n  }\n}\n',
);
