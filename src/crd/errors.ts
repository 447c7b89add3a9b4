/** Defines the error `defineCustomResource` throws for a definition the apiserver would refuse or misread. */
import { KubeloopError } from '../errors.js';

/**
 * A custom resource definition is invalid: a name the apiserver refuses, no (or two) storage versions, a schema
 * that is not structural, a scale path or selectable field missing from the schema.
 *
 * Guarantees: thrown by `defineCustomResource` itself, before anything is sent anywhere; `field` names the
 * offending field of the definition as written (`plural`, `versions[1].storage`,
 * `versions[0].schema.spec.properties.port`), `problem` says what is wrong with it.
 */
export class CustomResourceDefinitionError extends KubeloopError<'INVALID_CUSTOM_RESOURCE'> {
  readonly code = 'INVALID_CUSTOM_RESOURCE' as const;

  constructor(
    /** The kind being defined, as given. */
    readonly kind: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`kubeloop: custom resource ${kind || '(no kind)'}: ${field}: ${problem}`);
  }
}
