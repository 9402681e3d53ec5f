const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/;

/**
 * What the operator must be told about where the server listens and the public URL it announces: a
 * server reachable beyond this machine whose public URL is not https is serving wallets (and their
 * tokens) in the clear, or announcing URLs nobody can verify. Loopback-only development is fine.
 *
 * @example
 * ```ts
 * publicUrlWarnings('0.0.0.0', 'http://203.0.113.7:8080') // ['WARNING: …']
 * publicUrlWarnings('127.0.0.1', 'http://127.0.0.1:8080') // []
 * ```
 */
export function publicUrlWarnings(host: string, publicUrl: string): string[] {
  let url: URL | undefined;
  try {
    url = new URL(publicUrl);
  } catch {
    url = undefined;
  }
  if (url?.protocol === 'https:') return [];
  if (LOOPBACK.test(host) && url !== undefined && LOOPBACK.test(url.hostname)) return [];
  return [
    `WARNING: listening on ${host} with the public URL ${publicUrl}, which is not https. Wallets and verifiers must reach the issuer over https: put a TLS reverse proxy in front and pass --public-url https://...`,
  ];
}
