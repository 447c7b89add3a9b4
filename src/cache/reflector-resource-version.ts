/** Tracks the Reflector's last synced resourceVersion and derives the one each list or watch asks for. */

/**
 * The resourceVersion bookkeeping of one Reflector (client-go's lastSyncResourceVersion and
 * isLastSyncResourceVersionUnavailable).
 *
 * Guarantees: `relist()` is `""` while the version is marked unavailable, `"0"` before anything synced, else the
 * last synced version; `rewatch()` is `""` while unavailable, else the last synced version.
 */
export class ResourceVersionTracker {
  /** The resourceVersion of the last list, or of the last event processed (not the largest). */
  lastSync = '';
  /** Set when a list failed as expired or too large; cleared by the next successful list or watch-list. */
  unavailable = false;
  /** Whether a list at RV "0" came back paginated: the server pages this resource, so keep the page size. */
  paginatedResult = false;

  /** The resourceVersion of the next list. */
  relist(): string {
    if (this.unavailable) return '';
    return this.lastSync === '' ? '0' : this.lastSync;
  }

  /** The resourceVersion of the next watch-list request. */
  rewatch(): string {
    return this.unavailable ? '' : this.lastSync;
  }
}
