/** Defines the errors of discovery: group/versions that could not be discovered, and stale aggregated content. */
import { KubeloopError } from '../../errors.js';

/**
 * Aggregated discovery marked a group/version `Stale`: the server could not reach the aggregated API behind it
 * lately (client-go's ErrStaleDiscoveryContent).
 *
 * Guarantees: `groupVersion` names the group/version. Retryable: the API may come back.
 */
export class StaleDiscoveryError extends KubeloopError<'STALE_DISCOVERY'> {
  readonly code = 'STALE_DISCOVERY';

  constructor(readonly groupVersion: string) {
    super(`discovery of ${groupVersion} is stale: the server could not reach the API serving it`);
  }
}

/**
 * Some group/versions could not be discovered; the rest were (client-go's ErrGroupDiscoveryFailed). Discovery calls
 * do not throw it: they return it as `failed` next to the partial result, so one unavailable aggregated API never
 * hides the others.
 *
 * Guarantees: `groups` maps each failed group/version (`v1`, `apps/v1`) to why it failed, and is never empty.
 * Retryable: ask again (after `invalidate()` on a cached client).
 */
export class GroupDiscoveryFailedError extends KubeloopError<'GROUP_DISCOVERY_FAILED'> {
  readonly code = 'GROUP_DISCOVERY_FAILED';

  constructor(readonly groups: ReadonlyMap<string, Error>) {
    const names = [...groups.keys()].sort().join(', ');
    super(`unable to retrieve the complete list of server APIs: ${names}`);
  }
}
