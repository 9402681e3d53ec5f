import { embeddedContext } from './bundled-context.js';

/**
 * `https://w3id.org/security/multikey/v1`: Controlled Identifiers §2.2.2 Multikey; bytes of @digitalbazaar/multikey-context 2.0.1.
 * The text is the exact file, so its SHA-256 matches the published bytes.
 *
 * @example
 * ```ts
 * createDocumentLoader({ contexts: [MULTIKEY_V1_CONTEXT] });
 * ```
 */
export const MULTIKEY_V1_CONTEXT = embeddedContext(
  'https://w3id.org/security/multikey/v1',
  'c5f3806f8286920573221938917988a18a4cc5a09e968d29649613c7a1c2b1f6',
  '{\n  "@context": {\n    "id": "@id",\n    "type": "@type",\n    "@protected": true,\n    "Multikey": {\n      "@id": "https://w3id.org/security#Multikey",\n      "@context": {\n        "@protected": true,\n        "id": "@id",\n        "type": "@type",\n        "controller": {\n          "@id": "https://w3id.org/security#controller",\n          "@type": "@id"\n        },\n        "expires": {\n          "@id": "https://w3id.org/security#expiration",\n          "@type": "http://www.w3.org/2001/XMLSchema#dateTime"\n        },\n        "revoked": {\n          "@id": "https://w3id.org/security#revoked",\n          "@type": "http://www.w3.org/2001/XMLSchema#dateTime"\n        },\n        "publicKeyMultibase": {\n          "@id": "https://w3id.org/security#publicKeyMultibase",\n          "@type": "https://w3id.org/security#multibase"\n        },\n        "secretKeyMultibase": {\n          "@id": "https://w3id.org/security#secretKeyMultibase",\n          "@type": "https://w3id.org/security#multibase"\n        }\n      }\n    }\n  }\n}',
);
