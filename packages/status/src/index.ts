export {
  type AllocateStatusIndexOptions,
  allocateStatusIndex,
  DEFAULT_MAX_FILL,
  MemoryStatusListStore,
  MIN_STATUS_LIST_SIZE,
  type StatusListRecord,
  type StatusListSnapshot,
  type StatusListStore,
  type StatusMechanism,
} from './allocation/index.js';
export { failStatus, STATUS_ERROR_CODES, type StatusErrorCode } from './errors.js';
export {
  checkStaleListPolicy,
  MAX_STALE_SECONDS,
  type StaleListPolicy,
  type StatusCheckResult,
} from './policy.js';
