/** Converts between `{group, version}` and the `apps/v1` / `v1` strings discovery uses. */

/** A group and version; the core group is `''`. */
export interface GroupVersion {
  readonly group: string;
  readonly version: string;
}

/** Formats a group/version as discovery does: `v1` for the core group, else `<group>/<version>`. */
export function formatGroupVersion(gv: GroupVersion): string {
  return gv.group === '' ? gv.version : `${gv.group}/${gv.version}`;
}

/** Parses `v1` or `apps/v1`; a string with more than one `/` is not a group/version and throws a TypeError. */
export function parseGroupVersion(groupVersion: string): GroupVersion {
  const parts = groupVersion.split('/');
  if (parts.length === 1 && parts[0]) return { group: '', version: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { group: parts[0], version: parts[1] };
  throw new TypeError(`not a group/version: ${JSON.stringify(groupVersion)}`);
}

/** The path of a group/version's legacy discovery document: `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionPath(gv: GroupVersion): string {
  return gv.group === '' ? `/api/${gv.version}` : `/apis/${gv.group}/${gv.version}`;
}
