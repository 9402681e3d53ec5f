export {
  type AllocateStatusIndexOptions,
  allocateStatusIndex,
  DEFAULT_MAX_FILL,
  MIN_STATUS_LIST_SIZE,
} from './allocate-status-index.js';
export { MemoryStatusListStore, type StatusListSnapshot } from './memory-status-list-store.js';
export type { StatusListRecord, StatusListStore, StatusMechanism } from './status-list-store.js';
