/** Defines the errors a typed client throws before sending a request it knows the server cannot route or accept. */
import { KubeloopError } from '../../errors.js';

/**
 * An object handed to update, apply or a subresource call lacks `metadata.name`, so no URL can name it.
 *
 * Guarantees: thrown before any request is sent; `verb` and `resource` say which call it was.
 */
export class MissingNameError extends KubeloopError<'MISSING_NAME'> {
  readonly code = 'MISSING_NAME' as const;

  constructor(
    readonly verb: string,
    readonly resource: string,
  ) {
    super(`kubeloop: ${verb} ${resource}: the object has no metadata.name`);
  }
}

/** The `apiVersion` and `kind` a typed client serves: `apps/v1` `Deployment`, `v1` `Pod`. */
export interface ApiVersionKind {
  readonly apiVersion: string;
  readonly kind: string;
}

/**
 * An object handed to a typed client names another `kind` or `apiVersion` than the resource the client serves
 * (a Pod given to the deployments client), so the server would refuse it or, worse, read it as something else.
 *
 * Guarantees: thrown before any request is sent; `expected` is what the client fills in when the object names
 * nothing, `actual` what the object named.
 */
export class KindMismatchError extends KubeloopError<'KIND_MISMATCH'> {
  readonly code = 'KIND_MISMATCH' as const;

  constructor(
    readonly verb: string,
    readonly resource: string,
    readonly expected: ApiVersionKind,
    readonly actual: { readonly apiVersion?: string | undefined; readonly kind?: string | undefined },
  ) {
    super(
      `kubeloop: ${verb} ${resource}: the object is ${actual.apiVersion ?? '(no apiVersion)'} ${actual.kind ?? '(no kind)'}, ` +
        `the client serves ${expected.apiVersion} ${expected.kind}`,
    );
  }
}
