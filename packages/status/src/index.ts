export { failStatus, STATUS_ERROR_CODES, type StatusErrorCode } from './errors.js';
export {
  checkStaleListPolicy,
  MAX_STALE_SECONDS,
  type StaleListPolicy,
  type StatusCheckResult,
} from './policy.js';
