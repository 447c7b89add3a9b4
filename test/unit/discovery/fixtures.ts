// Small discovery documents in the shapes kube-apiserver v1.37 sends, legacy and aggregated.
const crud = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const legacyCore = { kind: 'APIVersions', versions: ['v1'] };

export const legacyGroups = {
  kind: 'APIGroupList',
  apiVersion: 'v1',
  groups: [
    {
      name: 'apps',
      versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
    },
    {
      name: 'autoscaling',
      versions: [
        { groupVersion: 'autoscaling/v2', version: 'v2' },
        { groupVersion: 'autoscaling/v1', version: 'v1' },
      ],
      preferredVersion: { groupVersion: 'autoscaling/v2', version: 'v2' },
    },
    {
      name: 'events.k8s.io',
      versions: [{ groupVersion: 'events.k8s.io/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'events.k8s.io/v1', version: 'v1' },
    },
  ],
};

const list = (groupVersion: string, resources: object[]) => ({ kind: 'APIResourceList', groupVersion, resources });

export const legacyResources: Record<string, object> = {
  '/api/v1': list('v1', [
    { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: crud, shortNames: ['po'] },
    { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    { name: 'events', singularName: 'event', namespaced: true, kind: 'Event', verbs: crud, shortNames: ['ev'] },
    {
      name: 'namespaces',
      singularName: 'namespace',
      namespaced: false,
      kind: 'Namespace',
      verbs: crud,
      shortNames: ['ns'],
    },
  ]),
  '/apis/apps/v1': list('apps/v1', [
    {
      name: 'deployments',
      singularName: 'deployment',
      namespaced: true,
      kind: 'Deployment',
      verbs: crud,
      shortNames: ['deploy'],
    },
    {
      name: 'deployments/scale',
      singularName: '',
      namespaced: true,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    },
  ]),
  '/apis/autoscaling/v2': list('autoscaling/v2', [
    {
      name: 'horizontalpodautoscalers',
      singularName: 'horizontalpodautoscaler',
      namespaced: true,
      kind: 'HorizontalPodAutoscaler',
      verbs: crud,
      shortNames: ['hpa'],
    },
  ]),
  '/apis/autoscaling/v1': list('autoscaling/v1', [
    {
      name: 'horizontalpodautoscalers',
      singularName: 'horizontalpodautoscaler',
      namespaced: true,
      kind: 'HorizontalPodAutoscaler',
      verbs: crud,
      shortNames: ['hpa'],
    },
    { name: 'oldscalers', singularName: 'oldscaler', namespaced: false, kind: 'OldScaler', verbs: crud },
  ]),
  '/apis/events.k8s.io/v1': list('events.k8s.io/v1', [
    { name: 'events', singularName: 'event', namespaced: true, kind: 'Event', verbs: crud, shortNames: ['ev'] },
  ]),
};

const kind = (k: string, group = '', version = '') => ({ group, version, kind: k });

export const aggregatedCore = {
  kind: 'APIGroupDiscoveryList',
  apiVersion: 'apidiscovery.k8s.io/v2',
  metadata: {},
  items: [
    {
      metadata: {},
      versions: [
        {
          version: 'v1',
          freshness: 'Current',
          resources: [
            {
              resource: 'pods',
              responseKind: kind('Pod'),
              scope: 'Namespaced',
              singularResource: 'pod',
              verbs: crud,
              shortNames: ['po'],
              categories: ['all'],
              subresources: [{ subresource: 'status', responseKind: kind('Pod'), verbs: ['get', 'patch', 'update'] }],
            },
            {
              resource: 'namespaces',
              responseKind: kind('Namespace'),
              scope: 'Cluster',
              singularResource: 'namespace',
              verbs: crud,
              shortNames: ['ns'],
            },
          ],
        },
      ],
    },
  ],
};

/** Named groups; `extra` groups are appended (e.g. a CRD that appeared later). */
export function aggregatedGroups(...extra: object[]): object {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: [
      {
        metadata: { name: 'apps' },
        versions: [
          {
            version: 'v1',
            freshness: 'Current',
            resources: [
              {
                resource: 'deployments',
                responseKind: kind('Deployment'),
                scope: 'Namespaced',
                singularResource: 'deployment',
                verbs: crud,
                shortNames: ['deploy'],
                subresources: [
                  {
                    subresource: 'scale',
                    responseKind: kind('Scale', 'autoscaling', 'v1'),
                    verbs: ['get', 'patch', 'update'],
                  },
                ],
              },
            ],
          },
        ],
      },
      {
        metadata: { name: 'metrics.example.test' },
        versions: [
          { version: 'v1beta2', freshness: 'Stale' },
          {
            version: 'v1beta1',
            freshness: 'Current',
            resources: [
              {
                resource: 'podmetrics',
                responseKind: kind('PodMetrics'),
                scope: 'Namespaced',
                singularResource: 'podmetrics',
                verbs: ['get', 'list'],
              },
            ],
          },
        ],
      },
      { metadata: { name: 'gone.example.test' }, versions: [{ version: 'v1', freshness: 'Stale' }] },
      ...extra,
    ],
  };
}

/** An aggregated group serving one namespaced kind, as a CRD adds it. */
export function aggregatedCrdGroup(group: string, plural: string, kindName: string): object {
  return {
    metadata: { name: group },
    versions: [
      {
        version: 'v1',
        freshness: 'Current',
        resources: [
          {
            resource: plural,
            responseKind: kind(kindName),
            scope: 'Namespaced',
            singularResource: kindName.toLowerCase(),
            verbs: crud,
          },
        ],
      },
    ],
  };
}
