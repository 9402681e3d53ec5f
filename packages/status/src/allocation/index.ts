export {
  type AllocatedStatusIndex,
  type AllocateStatusIndexOptions,
  allocateStatusIndex,
  allocateStatusIndexes,
  DEFAULT_MAX_FILL,
  MAX_STATUS_BATCH,
  MIN_STATUS_LIST_SIZE,
} from './allocate-status-index.js';
export { MemoryStatusListStore, type StatusListSnapshot } from './memory-status-list-store.js';
export type { StatusListRecord, StatusListStore, StatusMechanism } from './status-list-store.js';
