/** Declares the typed errors of sharding. */
import { KubeloopError } from '../../errors.js';

/** Thrown for sharding options that cannot work (a ring name that is no valid label, a bad virtual-node count). */
export class ShardingOptionsError extends KubeloopError<'SHARDING_OPTIONS'> {
  readonly code = 'SHARDING_OPTIONS';
}
