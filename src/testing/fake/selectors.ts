/** Parses the label and field selectors of list, watch and deletecollection requests for the fake API server. */

import { type LabelSelector, SelectorError } from '../../cache/label-selector.js';
import { parseSelector } from '../../cache/label-selector-parser.js';
import { isRecord, metaOf } from './objects.js';
import type { ResourceType } from './registry.js';
import { badRequest } from './status.js';
import type { Obj } from './store.js';

/** Whether an object passes both selectors of a request. */
export type ObjectFilter = (object: Obj) => boolean;

/** The per-resource fields the apiserver lets a field selector name, beyond metadata.name/namespace. */
const extraFields: Readonly<Record<string, readonly string[]>> = {
  '/pods': [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  '/secrets': ['type'],
  '/events': [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  '/namespaces': ['status.phase'],
  '/nodes': ['spec.unschedulable'],
  '/replicationcontrollers': ['status.replicas'],
  'apps/replicasets': ['status.replicas'],
  'batch/jobs': ['status.successful'],
  'certificates.k8s.io/certificatesigningrequests': ['spec.signerName'],
};

interface FieldRequirement {
  readonly field: string;
  readonly value: string;
  readonly equal: boolean;
}

/** Builds the filter of `labelSelector` and `fieldSelector`; 400 BadRequest for one that does not parse. */
export function objectFilter(type: ResourceType, query: URLSearchParams): ObjectFilter | undefined {
  const labels = labelSelector(query.get('labelSelector') ?? '');
  const fields = fieldRequirements(type, query.get('fieldSelector') ?? '');
  if (labels.isEmpty() && fields.length === 0) return undefined;
  return (object) =>
    labels.matches(metaOf(object).labels) && fields.every((r) => (fieldValue(object, r.field) === r.value) === r.equal);
}

function labelSelector(text: string): LabelSelector {
  try {
    return parseSelector(text);
  } catch (error) {
    if (error instanceof SelectorError) throw badRequest(error.message);
    throw error;
  }
}

function fieldRequirements(type: ResourceType, text: string): FieldRequirement[] {
  if (text.trim() === '') return [];
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(extraFields[type.storageKey] ?? [])]);
  return text.split(',').map((term) => {
    const match = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    if (!match) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const [, field, operator, value] = match as unknown as [string, string, string, string];
    if (!allowed.has(field)) {
      throw badRequest(
        type.custom
          ? `field label not supported: ${field}`
          : `"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`,
      );
    }
    return { field, value, equal: operator !== '!=' };
  });
}

/** A field's value as a field selector compares it: a string, `''` when absent. */
function fieldValue(object: Obj, path: string): string {
  let node: unknown = object;
  for (const part of path.split('.')) node = isRecord(node) ? node[part] : undefined;
  return node === undefined || node === null ? '' : String(node);
}
