/** Serves metadata-only reads for the fake API server: Accept `as=PartialObjectMetadata[List];g=meta.k8s.io;v=v1`. */
import type { ResourceType } from './registry.js';
import { type ApiFailure, badRequest, failure } from './status.js';
import type { Obj } from './store.js';

/** How a read's objects are served: whole, or as PartialObjectMetadata (object) / PartialObjectMetadataList (list). */
export type ObjectView = 'object' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';

const metaGroupVersion = 'meta.k8s.io/v1';

/**
 * The view a request's Accept header asks for. As the apiserver's negotiation, the first JSON media range decides
 * (a later plain `application/json` is no fallback). Other transforms (`as=Table`, other versions) are refused as
 * not modelled rather than answered with whole objects.
 */
export function requestedView(accept: string | undefined): ObjectView {
  for (const range of (accept ?? '').split(',')) {
    const [mediaType = '', ...parameters] = range.split(';').map((part) => part.trim());
    if (mediaType !== 'application/json' && mediaType !== '*/*' && mediaType !== 'application/*') continue;
    const params = new Map(parameters.map((p) => p.split('=').map((s) => s.trim()) as [string, string]));
    const as = params.get('as');
    if (as === undefined) return 'object';
    const view = as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList' ? as : undefined;
    if (view === undefined || `${params.get('g')}/${params.get('v')}` !== metaGroupVersion) {
      throw badRequest(
        `kubeloop's fake API server does not model the response transform "${range.trim()}"; it serves only ` +
          'as=PartialObjectMetadata[List];g=meta.k8s.io;v=v1 (run this test against a real control plane)',
      );
    }
    return view;
  }
  return 'object';
}

/** 406 as the apiserver answers a view that does not fit the read: a list asked for as one object, or the reverse. */
export function viewMismatch(type: ResourceType, view: ObjectView, list: boolean): ApiFailure {
  const internal = type.custom ? 'unstructured.Unstructured' : `${type.group.split('.')[0] || 'core'}.${type.kind}`;
  const what = list ? `is a list (*${internal}List)` : `is not a list (*${internal})`;
  return failure(406, 'NotAcceptable', `you requested ${view}, but the requested object ${what}`);
}

/** The object as PartialObjectMetadata: its whole metadata, nothing else. */
export function partialObject(object: Obj): Obj {
  return { kind: 'PartialObjectMetadata', apiVersion: metaGroupVersion, metadata: object.metadata };
}

/** A list as PartialObjectMetadataList: the list's metadata, each item as PartialObjectMetadata. */
export function partialList(list: Obj): Obj {
  const items = Array.isArray(list.items) ? (list.items as Obj[]) : [];
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: metaGroupVersion,
    metadata: list.metadata,
    items: items.map(partialObject),
  };
}
