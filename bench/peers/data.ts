// Generates the peer benchmark's pods deterministically: ~3.1 KB of JSON each, shaped like a real apiserver's.

/** A pod as the replay server sends it: `i` picks names and labels, `rv` its resourceVersion. */
export function pod(i: number, rv: number): Record<string, unknown> {
  const name = `web-${i.toString(36).padStart(5, '0')}-7d9c8b6f5d-x${(i % 97).toString(36)}`;
  const namespace = `team-${i % 40}`;
  const uid = `5f3c2a1e-${String(i % 10_000).padStart(4, '0')}-4000-8000-${String(i).padStart(12, '0')}`;
  const node = `node-${i % 500}`;
  const time = '2026-01-01T00:00:00Z';
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name,
      generateName: `web-${i.toString(36)}-7d9c8b6f5d-`,
      namespace,
      uid,
      resourceVersion: String(rv),
      creationTimestamp: time,
      labels: { app: `web-${i % 200}`, 'pod-template-hash': '7d9c8b6f5d', tier: i % 2 ? 'frontend' : 'backend' },
      annotations: { 'bench.kubeloop.dev/revision': String(rv) },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: `web-${i % 200}-7d9c8b6f5d`,
          uid: `0a1b2c3d-0000-4000-8000-${String(i % 200).padStart(12, '0')}`,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      managedFields: [
        managedField('kube-controller-manager', {
          'f:metadata': {
            'f:generateName': {},
            'f:labels': { '.': {}, 'f:app': {}, 'f:pod-template-hash': {}, 'f:tier': {} },
            'f:ownerReferences': { '.': {}, [`k:{"uid":"${uid}"}`]: {} },
          },
          'f:spec': {
            'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': {} } },
            'f:dnsPolicy': {},
            'f:restartPolicy': {},
          },
        }),
        managedField(
          'kubelet',
          {
            'f:status': {
              'f:conditions': { 'k:{"type":"Ready"}': { '.': {}, 'f:status': {}, 'f:type': {} } },
              'f:containerStatuses': {},
              'f:hostIP': {},
              'f:phase': {},
              'f:podIP': {},
              'f:startTime': {},
            },
          },
          'status',
        ),
      ],
    },
    spec: {
      volumes: [{ name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
      containers: [
        {
          name: 'web',
          image: `registry.example.com/web:${i % 13}.4.2`,
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          resources: { limits: { memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
          volumeMounts: [{ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }],
          terminationMessagePath: '/dev/termination-log',
          imagePullPolicy: 'IfNotPresent',
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      nodeName: node,
      schedulerName: 'default-scheduler',
    },
    status: {
      phase: 'Running',
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
        type,
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: time,
      })),
      hostIP: `10.0.${(i >> 8) & 255}.${i & 255}`,
      podIP: `10.244.${(i >> 8) & 255}.${i & 255}`,
      startTime: time,
      containerStatuses: [
        {
          name: 'web',
          state: { running: { startedAt: time } },
          ready: true,
          restartCount: rv % 3,
          image: `registry.example.com/web:${i % 13}.4.2`,
          imageID: `registry.example.com/web@sha256:${'0123456789abcdef'.repeat(4)}`,
          containerID: `containerd://${String(i).padStart(8, '0')}${'a1b2c3d4'.repeat(7)}`,
          started: true,
        },
      ],
      qosClass: 'Burstable',
    },
  };
}

function managedField(manager: string, fieldsV1: unknown, subresource?: string): Record<string, unknown> {
  return {
    manager,
    operation: 'Update',
    apiVersion: 'v1',
    time: '2026-01-01T00:00:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1,
    ...(subresource ? { subresource } : {}),
  };
}

/** The object a metadata-only watcher receives for a pod (meta.k8s.io/v1 PartialObjectMetadata). */
export function partial(full: Record<string, unknown>): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: full.metadata };
}
