/** Serves CustomResourceDefinitions created on the fake API server: names, Established condition, cleanup on delete. */
import { type CommitHook, inBackground, type ServerContext, type Validator } from './context.js';
import { copy, isRecord, type Meta, metaOf, timestamp } from './objects.js';
import { type CustomResourceVersion, customVerbs, type ResourceType } from './registry.js';
import type { ScalePaths } from './scale.js';
import { invalid } from './status.js';
import type { Obj } from './store.js';
import { removeObject, updateObject } from './writes.js';

const crdStorage = 'apiextensions.k8s.io/customresourcedefinitions';
const cleanupFinalizer = 'customresourcecleanup.apiextensions.k8s.io';

interface CrdSpec {
  group: string;
  scope: 'Namespaced' | 'Cluster';
  names: {
    plural: string;
    singular?: string;
    kind: string;
    listKind?: string;
    shortNames?: string[];
    categories?: string[];
  };
  versions: {
    name: string;
    served: boolean;
    storage: boolean;
    schema?: { openAPIV3Schema?: unknown };
    subresources?: { status?: object; scale?: ScalePaths };
  }[];
}

/** Refuses a CRD whose name is not `<plural>.<group>` (the check users hit first). */
export const validateCrd: Validator = (type, object) => {
  if (type.storageKey !== crdStorage) return;
  const spec = object.spec as CrdSpec | undefined;
  const name = metaOf(object).name ?? '';
  if (!spec?.names?.plural || !spec.group || name !== `${spec.names.plural}.${spec.group}`) {
    throw invalid('CustomResourceDefinition', 'apiextensions.k8s.io', name, [
      {
        type: 'FieldValueInvalid',
        field: 'metadata.name',
        detail: `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`,
      },
    ]);
  }
};

/**
 * Serves each CRD's versions once it is stored, then marks it NamesAccepted and Established (in the background,
 * as the apiextensions controllers do); a deleted CRD's objects are removed before the CRD itself.
 */
export function crdHook(context: ServerContext): CommitHook {
  return (type, change) => {
    if (type.storageKey !== crdStorage) return;
    const name = change.key;
    if (change.type === 'DELETED') {
      context.registry.removeCustom(name);
      return;
    }
    const spec = change.object.spec as CrdSpec;
    if (metaOf(change.object).deletionTimestamp) {
      inBackground(context, () => cleanup(context, type, name, spec));
      return;
    }
    context.registry.setCustom(name, servedVersions(name, spec));
    if (!isEstablished(change.object)) inBackground(context, () => establish(context, type, name));
  };
}

function servedVersions(crdName: string, spec: CrdSpec): CustomResourceVersion[] {
  const names = spec.names;
  return spec.versions
    .filter((version) => version.served)
    .map((version) => {
      const subresources = [];
      if (version.subresources?.status) {
        subresources.push({
          subresource: 'status',
          responseKind: { group: '', version: '', kind: names.kind },
          verbs: ['get', 'patch', 'update'],
        });
      }
      if (version.subresources?.scale) {
        subresources.push({
          subresource: 'scale',
          responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
          verbs: ['get', 'patch', 'update'],
        });
      }
      return {
        crdName,
        group: spec.group,
        version: version.name,
        schema: version.schema?.openAPIV3Schema,
        ...(version.subresources?.scale ? { scale: version.subresources.scale } : {}),
        discovery: {
          resource: names.plural,
          responseKind: { group: '', version: '', kind: names.kind },
          scope: spec.scope,
          singularResource: names.singular ?? names.kind.toLowerCase(),
          verbs: customVerbs,
          ...(names.shortNames ? { shortNames: names.shortNames } : {}),
          ...(names.categories ? { categories: names.categories } : {}),
          ...(subresources.length > 0 ? { subresources } : {}),
        },
      };
    });
}

function isEstablished(crd: Obj): boolean {
  const conditions = isRecord(crd.status) && Array.isArray(crd.status.conditions) ? crd.status.conditions : [];
  return conditions.some((c) => isRecord(c) && c.type === 'Established' && c.status === 'True');
}

function establish(context: ServerContext, type: ResourceType, name: string): void {
  const current = context.store.get(crdStorage, name);
  if (!current || isEstablished(current) || metaOf(current).deletionTimestamp) return;
  const spec = current.spec as CrdSpec;
  const now = timestamp(context.now());
  const condition = (kind: string, reason: string, message: string) => ({
    type: kind,
    status: 'True',
    lastTransitionTime: now,
    reason,
    message,
  });
  const withFinalizer = copy(current);
  const meta: Meta = metaOf(withFinalizer);
  if (!(meta.finalizers ?? []).includes(cleanupFinalizer)) {
    withFinalizer.metadata = { ...meta, finalizers: [...(meta.finalizers ?? []), cleanupFinalizer] };
  }
  const stored = updateObject(context, type, current, withFinalizer, { dryRun: false, manager: 'kube-apiserver' });
  const status = {
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
    acceptedNames: {
      ...spec.names,
      singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
      listKind: spec.names.listKind ?? `${spec.names.kind}List`,
    },
    storedVersions: spec.versions.filter((v) => v.storage).map((v) => v.name),
  };
  updateObject(
    context,
    type,
    stored,
    { ...stored, status },
    { dryRun: false, manager: 'kube-apiserver', subresource: 'status' },
  );
}

function cleanup(context: ServerContext, type: ResourceType, name: string, spec: CrdSpec): void {
  const storage = `${spec.group}/${spec.names.plural}`;
  const served = context.registry.all().find((t) => t.storageKey === storage);
  if (served) for (const object of context.store.list(storage)) removeObject(context, served, object);
  context.registry.removeCustom(name);
  const current = context.store.get(crdStorage, name);
  if (!current) return;
  const meta = metaOf(current);
  const next = {
    ...current,
    metadata: { ...meta, finalizers: (meta.finalizers ?? []).filter((f) => f !== cleanupFinalizer) },
  };
  updateObject(context, type, current, next, { dryRun: false, manager: 'kube-apiserver' });
}
