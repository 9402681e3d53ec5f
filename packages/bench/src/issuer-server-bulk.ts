import { parseStrictJson } from '@haven/core';
import { claimsTemplate } from '@haven/credentials';
import { type LoadResult, runLoad } from './issuer-server-load.js';
import { BENCH_CREDENTIAL_TYPE, type Wallet } from './issuer-server-wallet.js';

/** Options of {@link measureBulkIssue}. */
export interface BulkIssueOptions {
  /** Items per `POST /admin/credentials/batch` (the API takes up to 1,000). */
  readonly batchSize: number;
  /** Batches in flight at once. */
  readonly inFlight: number;
  readonly warmupMs: number;
  readonly windowMs: number;
}

/** A bulk-issue window: `perSecond` counts credentials; latencies are per batch request. */
export interface BulkIssueResult extends LoadResult {
  /** Batch requests per second. */
  readonly batchesPerSecond: number;
}

/** One batch body: the bench type's template claims, the wallet's holder keys in turn. */
function batchBody(wallet: Wallet, batchSize: number): string {
  const claims = claimsTemplate(BENCH_CREDENTIAL_TYPE);
  return JSON.stringify({
    credentialType: BENCH_CREDENTIAL_TYPE,
    format: 'dc+sd-jwt',
    items: Array.from({ length: batchSize }, (_, i) => ({
      claims,
      holderJwk: wallet.keys[i % wallet.keys.length]?.publicJwk,
    })),
  });
}

/**
 * Bulk issuance through the admin API, as an agency issuing for a camp whose members' wallets already
 * gave their public keys: `POST /admin/credentials/batch` with `batchSize` items, `inFlight` requests at
 * once, an untimed warm-up then the timed window. The first answer is parsed in full and checked (201,
 * one SD-JWT VC per item); later answers are checked by status only, so the load generator spends its
 * CPU on sending rather than on parsing megabytes of credentials it would throw away.
 *
 * @example
 * ```ts
 * const r = await measureBulkIssue(wallet, { batchSize: 500, inFlight: 4, warmupMs: 1500, windowMs: 6000 });
 * console.log(`${r.perSecond} credentials/s`);
 * ```
 */
export async function measureBulkIssue(wallet: Wallet, options: BulkIssueOptions): Promise<BulkIssueResult> {
  const body = batchBody(wallet, options.batchSize);
  let checked = false;
  const operation = async () => {
    const response = await wallet.fetch({
      url: `${wallet.credentialIssuer}/admin/credentials/batch`,
      method: 'POST',
      headers: {
        authorization: `Bearer ${wallet.adminToken}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body,
    });
    if (response.status !== 201) throw new Error(`POST /admin/credentials/batch answered ${response.status}`);
    if (!checked) {
      checked = true;
      const answer = parseStrictJson(response.body, { maxBytes: 64 * 1024 * 1024 }) as {
        credentials?: { credential?: unknown }[];
      };
      const credentials = answer.credentials ?? [];
      if (
        credentials.length !== options.batchSize ||
        !credentials.every((c) => typeof c.credential === 'string' && c.credential.includes('~'))
      ) {
        throw new Error('the batch answer does not carry one SD-JWT VC per item');
      }
    }
    return true;
  };
  const warm = await runLoad({ concurrency: options.inFlight, durationMs: options.warmupMs, operation });
  if (warm.completed === 0)
    throw new Error(`bulk issue: no batch succeeded (${warm.firstFailure ?? 'none'})`);
  const result = await runLoad({ concurrency: options.inFlight, durationMs: options.windowMs, operation });
  return { ...result, batchesPerSecond: result.perSecond, perSecond: result.perSecond * options.batchSize };
}
