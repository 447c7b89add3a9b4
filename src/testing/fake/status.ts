/** Builds the Status failures the fake API server answers with, shaped as the real apiserver's. */
import type { Status, StatusCause } from '../../client/meta.js';
import { KubeloopError } from '../../errors.js';

/** A group-resource as Status details and messages name it (`configmaps`, `deployments.apps`). */
export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

/** Thrown inside the fake's handlers and never out of the fake: the dispatcher answers with its Status. */
export class ApiFailure extends KubeloopError<'FAKE_API_FAILURE'> {
  readonly code = 'FAKE_API_FAILURE';
  readonly status: Status;
  /** Extra response headers (Retry-After). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: Status, headers: Readonly<Record<string, string>> = {}) {
    super(status.message ?? '');
    this.status = status;
    this.headers = headers;
  }
}

/** A Status failure with the given code, reason, message and details. */
export function failure(code: number, reason: string, message: string, details?: Status['details']): ApiFailure {
  return new ApiFailure({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details === undefined ? {} : { details }),
    code,
  });
}

/** `configmaps` or `deployments.apps`, as apimachinery's GroupResource.String(). */
export function qualified(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

function details(gr: GroupResource, name: string): NonNullable<Status['details']> {
  return { name, ...(gr.group === '' ? {} : { group: gr.group }), kind: gr.resource };
}

export function notFound(gr: GroupResource, name: string): ApiFailure {
  return failure(404, 'NotFound', `${qualified(gr)} "${name}" not found`, details(gr, name));
}

export function alreadyExists(gr: GroupResource, name: string): ApiFailure {
  return failure(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, details(gr, name));
}

export function conflict(gr: GroupResource, name: string, why: string): ApiFailure {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`,
    details(gr, name),
  );
}

/** The message of a write carrying a stale resourceVersion. */
export const modifiedMessage =
  'the object has been modified; please apply your changes to the latest version and try again';

/** One field error of an Invalid Status (apimachinery's field.Error). */
export interface FieldError {
  readonly type: 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueForbidden' | 'FieldValueNotSupported';
  readonly field: string;
  /** The rendered message after the field, e.g. `Invalid value: "X": must be …`. */
  readonly detail: string;
}

/** 422 Invalid: `Kind "name" is invalid: field: detail` (several causes are bracketed, comma-separated). */
export function invalid(kind: string, group: string, name: string, errors: readonly FieldError[]): ApiFailure {
  const rendered = errors.map((error) => `${error.field}: ${error.detail}`);
  const summary = rendered.length === 1 ? rendered[0] : `[${rendered.join(', ')}]`;
  const causes: StatusCause[] = errors.map((error) => ({
    reason: error.type,
    message: error.detail,
    field: error.field,
  }));
  const qualifiedKind = group === '' ? kind : `${kind}.${group}`;
  return failure(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${summary}`, {
    name,
    ...(group === '' ? {} : { group }),
    kind,
    causes,
  });
}

export function badRequest(message: string): ApiFailure {
  return failure(400, 'BadRequest', message);
}

export function methodNotSupported(gr: GroupResource, verb: string): ApiFailure {
  return failure(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualified(gr)}"`, {
    ...(gr.group === '' ? {} : { group: gr.group }),
    kind: gr.resource,
  });
}

/** 404 for a path that names no served resource (the apiserver's plain "page not found" as a Status). */
export function noSuchPath(): ApiFailure {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function forbidden(gr: GroupResource, name: string, why: string): ApiFailure {
  return failure(403, 'Forbidden', `${qualified(gr)} "${name}" is forbidden: ${why}`, details(gr, name));
}
