/** Declares the admission.k8s.io/v1 AdmissionReview wire types and checks that a request body is one. */
import type { UserInfo } from '../client/kubernetes/authentication-v1/types.js';
import type { KubeObject, StatusCause } from '../client/meta.js';
import { WebhookRequestError } from './errors.js';

/** The only AdmissionReview version the apiserver sends that we answer; list it in `admissionReviewVersions`. */
export const admissionReviewVersion = 'admission.k8s.io/v1';

/** What an admission request does to the object. */
export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** A group/version/kind as an admission request names it (`group` is `''` for the core group). */
export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** A group/version/resource as an admission request names it. */
export interface GroupVersionResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

/**
 * One admission request (AdmissionReview v1 `request`), typed by the object it admits.
 *
 * @typeParam T - the admitted object's type, e.g. `Pod` or a custom resource's type.
 */
export interface AdmissionRequest<T extends KubeObject = KubeObject> {
  /** Identifies this call; the response echoes it. */
  readonly uid: string;
  readonly kind: GroupVersionKind;
  readonly resource: GroupVersionResource;
  readonly subResource?: string;
  /** What the client asked for, before the apiserver converted it to the version the webhook registered for. */
  readonly requestKind?: GroupVersionKind;
  readonly requestResource?: GroupVersionResource;
  readonly requestSubResource?: string;
  /** Empty on a CREATE whose name the server generates. */
  readonly name?: string;
  readonly namespace?: string;
  readonly operation: AdmissionOperation;
  /** Who asked. */
  readonly userInfo: UserInfo;
  /** The new object; absent on DELETE. */
  readonly object?: T;
  /** The existing object on UPDATE and DELETE. */
  readonly oldObject?: T;
  /** True when nothing will be persisted: a handler must not have side effects then. */
  readonly dryRun?: boolean;
  /** The operation's options (CreateOptions, UpdateOptions, DeleteOptions). */
  readonly options?: KubeObject;
}

/** The `status` of a denial, as the apiserver turns it into the error its client sees. */
export interface AdmissionStatus {
  readonly status: 'Failure';
  readonly message: string;
  readonly reason: string;
  readonly code: number;
  readonly details?: { readonly causes: readonly StatusCause[] };
}

/** One admission response (AdmissionReview v1 `response`). */
export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: AdmissionStatus;
  /** Base64 of an RFC 6902 JSON Patch, with `patchType: 'JSONPatch'`. */
  readonly patch?: string;
  readonly patchType?: 'JSONPatch';
  readonly warnings?: readonly string[];
}

/** A whole AdmissionReview v1 as sent and answered. */
export interface AdmissionReview<T extends KubeObject = KubeObject> {
  readonly apiVersion: typeof admissionReviewVersion;
  readonly kind: 'AdmissionReview';
  readonly request?: AdmissionRequest<T>;
  readonly response?: AdmissionResponse;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The request of an AdmissionReview v1 body; a WebhookRequestError (400) for any other apiVersion or kind, or a
 * request without a uid or operation. Objects sent as `null` are left out; their types are not checked (the
 * apiserver sends what it stores).
 */
export function admissionRequestOf(body: unknown): AdmissionRequest {
  if (!isRecord(body)) throw new WebhookRequestError(400, 'the body is not a JSON object');
  if (body.apiVersion !== admissionReviewVersion || body.kind !== 'AdmissionReview') {
    throw new WebhookRequestError(
      400,
      `expected an AdmissionReview of ${admissionReviewVersion}, got kind ${JSON.stringify(body.kind)} of ` +
        `apiVersion ${JSON.stringify(body.apiVersion)} (list only "v1" in admissionReviewVersions)`,
    );
  }
  const request = body.request;
  if (!isRecord(request) || typeof request.uid !== 'string' || typeof request.operation !== 'string') {
    throw new WebhookRequestError(400, 'the AdmissionReview has no request with a uid and an operation');
  }
  // The apiserver sends `null` for the object a request lacks (`object` on DELETE, `oldObject` on CREATE).
  const { object, oldObject, options, ...rest } = request;
  return {
    ...rest,
    ...(object == null ? {} : { object }),
    ...(oldObject == null ? {} : { oldObject }),
    ...(options == null ? {} : { options }),
  } as unknown as AdmissionRequest;
}

/** An AdmissionReview v1 carrying `response`. */
export function admissionReviewOf(response: AdmissionResponse): AdmissionReview {
  return { apiVersion: admissionReviewVersion, kind: 'AdmissionReview', response };
}
