/** Defines the errors of a RESTMapper lookup that nothing the server serves matches. */
import { KubeloopError } from '../../errors.js';
import type { GroupKind, PartialGroupVersionResource } from './rest-mapping.js';

/**
 * No served resource matches a (partial) resource name, even after refreshing discovery once.
 *
 * Guarantees: `resource` is what was asked; `cause`, when set, is the GroupDiscoveryFailedError of group/versions
 * that could not be discovered (the match may be among them). Retryable only if the API may still appear.
 */
export class NoResourceMatchError extends KubeloopError<'NO_RESOURCE_MATCH'> {
  readonly code = 'NO_RESOURCE_MATCH';

  constructor(
    readonly resource: PartialGroupVersionResource,
    options?: ErrorOptions,
  ) {
    const where = [resource.group, resource.version].filter((part) => part !== undefined).join('/');
    super(`no resource matches ${JSON.stringify(resource.resource)}${where ? ` in ${where}` : ''}`, options);
  }
}

/**
 * No served resource has a kind, even after refreshing discovery once.
 *
 * Guarantees: `groupKind` and `version` are what was asked; `cause` as for NoResourceMatchError.
 */
export class NoKindMatchError extends KubeloopError<'NO_KIND_MATCH'> {
  readonly code = 'NO_KIND_MATCH';

  constructor(
    readonly groupKind: GroupKind,
    readonly version: string | undefined,
    options?: ErrorOptions,
  ) {
    const gv = groupKind.group === '' ? (version ?? '') : `${groupKind.group}${version ? `/${version}` : ''}`;
    super(`no matches for kind ${JSON.stringify(groupKind.kind)}${gv ? ` in ${gv}` : ' in the core group'}`, options);
  }
}
