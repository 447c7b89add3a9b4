/** Answers the fake API server's discovery paths, aggregated (apidiscovery.k8s.io/v2) and legacy. */
import { convertAggregated } from '../../client/discovery/aggregated.js';
import type { FakeRequest, FakeResponse } from './dispatcher.js';
import type { Registry } from './registry.js';
import { noSuchPath } from './status.js';

/** The server version the fake claims: the Kubernetes release its built-in API data comes from. */
const fakeVersion = {
  major: '1',
  minor: '37',
  gitVersion: 'v1.37.2',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '1970-01-01T00:00:00Z',
  goVersion: 'kubeloop-fake',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const aggregatedType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** The answer to a discovery path, or undefined when the path is not a discovery path. */
export function discovery(registry: Registry, request: FakeRequest): FakeResponse | undefined {
  if (request.method !== 'GET') return undefined;
  const parts = request.path.split('/').filter(Boolean);
  if (parts.length === 1 && parts[0] === 'version') return json(fakeVersion);
  const root = parts[0];
  if (root !== 'api' && root !== 'apis') return undefined;
  const core = root === 'api';
  if (parts.length === 1) {
    const aggregated = registry.aggregated(core);
    if (wantsAggregated(request)) return json(aggregated, { 'content-type': aggregatedType });
    const converted = convertAggregated(aggregated);
    if (core) return json({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    return json({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: converted.groups.map(({ name, versions, preferredVersion }) => ({ name, versions, preferredVersion })),
    });
  }
  const [group, version] = core ? ['', parts[1]] : [parts[1] as string, parts[2]];
  if (version === undefined) {
    if (core || parts.length !== 2) return undefined;
    const found = convertAggregated(registry.aggregated(false)).groups.find((g) => g.name === group);
    if (!found) throw noSuchPath();
    return json({ kind: 'APIGroup', apiVersion: 'v1', ...found });
  }
  if (parts.length !== (core ? 2 : 3)) return undefined;
  const groupVersion = core ? version : `${group}/${version}`;
  const list = convertAggregated(registry.aggregated(core)).resources.find((r) => r.groupVersion === groupVersion);
  if (!list) throw noSuchPath();
  return json({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources: list.resources });
}

function wantsAggregated(request: FakeRequest): boolean {
  return (request.headers.accept ?? '').includes('g=apidiscovery.k8s.io;v=v2');
}

function json(body: unknown, headers?: Record<string, string>): FakeResponse {
  return { kind: 'json', status: 200, body, ...(headers ? { headers } : {}) };
}
