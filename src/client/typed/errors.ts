/** Defines the error a typed client throws before sending a request it knows the server cannot route. */
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
