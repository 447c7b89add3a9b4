/** Runs the Reflector's initial list: resourceVersion choice, pagination with continue tokens, relist when expired. */
import type { KubeList, KubeObject } from '../client/meta.js';
import { isResourceExpired } from '../client/rest/status-error.js';
import type { ListOptions } from '../client/typed/options.js';
import type { ListerWatcher } from './listwatch.js';
import { isExpiredError, isTooLargeResourceVersionError, ListFailedError } from './reflector-errors.js';
import type { ResourceVersionTracker } from './reflector-resource-version.js';

/** The pager's page size when nothing else decides it (client-go's pager default). */
export const defaultPageSize = 500;

/** Everything one list returned, pages joined. */
export interface ListResult<T> {
  readonly items: T[];
  /** The resourceVersion of the first page: the snapshot every page belongs to. */
  readonly resourceVersion: string;
  /** Whether more than one page was needed. */
  readonly paginated: boolean;
}

/**
 * Lists every page (client-go's ListPager with FullListIfExpired). `pageSize` 0 means one unpaginated request.
 * Continue requests carry the token and no resourceVersion; an Expired continue page triggers one unpaginated
 * list at the original resourceVersion; a first-page error is returned as it is.
 */
export async function listAllPages<T extends KubeObject>(
  lw: ListerWatcher<T>,
  options: ListOptions,
  pageSize: number,
): Promise<ListResult<T>> {
  let request: ListOptions = pageSize > 0 && !options.limit ? { ...options, limit: pageSize } : options;
  let joined: T[] | undefined;
  let resourceVersion = '';
  for (;;) {
    let page: KubeList<T>;
    try {
      page = withTypeMeta(await lw.list(request));
    } catch (error) {
      if (!isResourceExpired(error) || !request.continue) throw error;
      const { limit: _limit, continue: _continue, ...full } = options;
      const list = withTypeMeta(await lw.list(full));
      return { items: list.items, resourceVersion: list.metadata.resourceVersion ?? '', paginated: true };
    }
    const token = page.metadata.continue ?? '';
    if (joined === undefined) {
      if (token === '') {
        return { items: page.items, resourceVersion: page.metadata.resourceVersion ?? '', paginated: false };
      }
      joined = [];
      resourceVersion = page.metadata.resourceVersion ?? '';
    }
    for (const item of page.items) joined.push(item);
    if (token === '') return { items: joined, resourceVersion, paginated: true };
    const { resourceVersion: _rv, resourceVersionMatch: _match, ...rest } = request;
    request = { ...rest, continue: token };
  }
}

/**
 * Gives each item the apiVersion and kind of its list (`FooList` → `Foo`) when it lacks them: the apiserver omits
 * them in list items but sends them with watch events, and a cache should not hold both shapes. The items are
 * freshly parsed and owned by the reflector, so they are completed in place.
 */
export function withTypeMeta<T extends KubeObject>(list: KubeList<T>): KubeList<T> {
  const { apiVersion, kind } = list;
  if (!apiVersion || !kind?.endsWith('List')) return list;
  const itemKind = kind.slice(0, -'List'.length);
  for (const item of list.items) {
    if (item.kind === undefined && item.apiVersion === undefined) {
      Object.assign(item as { apiVersion?: string; kind?: string }, { apiVersion, kind: itemKind });
    }
  }
  return list;
}

/** What the list phase needs of its Reflector. */
export interface ListPhaseContext<T extends KubeObject> {
  readonly listerWatcher: ListerWatcher<T>;
  readonly resourceVersions: ResourceVersionTracker;
  /** The configured page size (client-go's WatchListPageSize), 0 when not set. */
  readonly pageSize: number;
  /** Names the listed type in errors. */
  readonly description: string;
  readonly signal: AbortSignal;
}

/**
 * Lists everything at the resourceVersion the tracker chooses, relisting at once from `""` when that version is
 * unavailable (expired or too large); marks the version available again on success. Throws ListFailedError.
 */
export async function listForSync<T extends KubeObject>(context: ListPhaseContext<T>): Promise<ListResult<T>> {
  const versions = context.resourceVersions;
  const resourceVersion = versions.relist();
  const pageSize = choosePageSize(context.pageSize, versions.paginatedResult, resourceVersion);
  let result: ListResult<T>;
  try {
    try {
      result = await listAllPages(context.listerWatcher, { resourceVersion, signal: context.signal }, pageSize);
    } catch (error) {
      if (!isExpiredError(error) && !isTooLargeResourceVersionError(error)) throw error;
      versions.unavailable = true;
      const retry = { resourceVersion: versions.relist(), signal: context.signal };
      result = await listAllPages(context.listerWatcher, retry, pageSize);
    }
  } catch (error) {
    if (context.signal.aborted) throw error;
    throw new ListFailedError(context.description, error);
  }
  // Only the first list (at "0", possibly from the watch cache) tells whether the server pages this resource.
  if (resourceVersion === '0') versions.paginatedResult = result.paginated;
  versions.unavailable = false;
  return result;
}

/**
 * The page size of a list: the configured one if any; else the default once an RV="0" list came back paginated;
 * else none when the RV is a specific version (the watch cache serves it whole, cheaply); else the default.
 */
export function choosePageSize(configured: number, paginatedResult: boolean, resourceVersion: string): number {
  if (configured > 0) return configured;
  if (paginatedResult) return defaultPageSize;
  if (resourceVersion !== '' && resourceVersion !== '0') return 0;
  return defaultPageSize;
}
