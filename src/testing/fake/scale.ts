/** Serves the scale subresource (autoscaling/v1 Scale) of built-in workloads and custom resources. */
import type { FakeRequest } from './dispatcher.js';
import { copy, isRecord, metaOf, parseBody } from './objects.js';
import { mergePatch, patchObject, patchTypes } from './patch.js';
import type { ResourceType } from './registry.js';
import { badRequest } from './status.js';
import type { Obj } from './store.js';

/** Where a resource keeps its replicas and selector (a CRD's `subresources.scale`, JSON paths like `.spec.replicas`). */
export interface ScalePaths {
  readonly specReplicasPath: string;
  readonly statusReplicasPath: string;
  readonly labelSelectorPath?: string;
}

const builtinPaths: ScalePaths = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' };

function pathsOf(type: ResourceType): ScalePaths {
  return type.custom?.scale ?? builtinPaths;
}

/** The Scale view of an object. */
export function scaleOf(type: ResourceType, object: Obj): Obj {
  const meta = metaOf(object);
  const paths = pathsOf(type);
  const selector = type.custom ? read(object, paths.labelSelectorPath) : selectorString(read(object, '.spec.selector'));
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: meta.name,
      ...(meta.namespace ? { namespace: meta.namespace } : {}),
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: Number(read(object, paths.specReplicasPath) ?? 0) },
    status: {
      replicas: Number(read(object, paths.statusReplicasPath) ?? 0),
      ...(selector ? { selector } : {}),
    },
  };
}

/** The object after a PUT or PATCH of its Scale (only spec.replicas is taken; resourceVersion is a precondition). */
export function scaleUpdate(type: ResourceType, existing: Obj, request: FakeRequest): Obj {
  const current = scaleOf(type, existing);
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  let scale: Obj;
  if (request.method === 'PUT') scale = parseBody(request.body);
  else if (contentType === patchTypes.merge || contentType === patchTypes.strategic) {
    scale = mergePatch(current, parseBody(request.body)) as Obj;
  } else scale = patchObject(type, contentType, current, request.body);
  const replicas = isRecord(scale.spec) ? scale.spec.replicas : undefined;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw badRequest(`Scale.spec.replicas must be a non-negative integer, got ${JSON.stringify(replicas)}`);
  }
  const next = copy(existing);
  write(next, pathsOf(type).specReplicasPath, replicas);
  const rv = metaOf(scale).resourceVersion;
  next.metadata = { ...metaOf(next), ...(rv ? { resourceVersion: rv } : {}) };
  return next;
}

function read(object: Obj, path: string | undefined): unknown {
  if (!path) return undefined;
  let node: unknown = object;
  for (const part of path.split('.').filter(Boolean)) node = isRecord(node) ? node[part] : undefined;
  return node;
}

function write(object: Obj, path: string, value: unknown): void {
  const parts = path.split('.').filter(Boolean);
  let node = object;
  for (const part of parts.slice(0, -1)) {
    if (!isRecord(node[part])) node[part] = {};
    node = node[part] as Obj;
  }
  node[parts[parts.length - 1] as string] = value;
}

/** `matchLabels` and `matchExpressions` as a selector string (metav1.LabelSelectorAsSelector). */
function selectorString(selector: unknown): string | undefined {
  if (!isRecord(selector)) return undefined;
  const terms: string[] = [];
  if (isRecord(selector.matchLabels)) {
    for (const [key, value] of Object.entries(selector.matchLabels)) terms.push(`${key}=${String(value)}`);
  }
  if (Array.isArray(selector.matchExpressions)) {
    for (const expression of selector.matchExpressions) {
      if (!isRecord(expression)) continue;
      const values = Array.isArray(expression.values) ? expression.values.map(String).sort() : [];
      const op = String(expression.operator);
      if (op === 'In') terms.push(`${String(expression.key)} in (${values.join(',')})`);
      else if (op === 'NotIn') terms.push(`${String(expression.key)} notin (${values.join(',')})`);
      else if (op === 'Exists') terms.push(String(expression.key));
      else if (op === 'DoesNotExist') terms.push(`!${String(expression.key)}`);
    }
  }
  return terms.sort().join(',');
}
