/** Defines the error the generator throws for input it cannot turn into types: a bad file, CRD or schema field. */
import { KubeloopError } from '../errors.ts';

/**
 * A CRD (or the file or cluster it came from) that the generator cannot read.
 *
 * Guarantees: thrown before any file is written; the message names the source (file path or `cluster`), the
 * CRD when known and the field path within it (`spec.versions[0].schema.openAPIV3Schema.properties.spec.type`).
 */
export class CodegenInputError extends KubeloopError<'CODEGEN_INPUT'> {
  readonly code = 'CODEGEN_INPUT' as const;

  constructor(
    readonly source: string,
    readonly crd: string | undefined,
    readonly field: string | undefined,
    readonly problem: string,
  ) {
    super(
      `kubeloop generate crd: ${source}${crd === undefined ? '' : `: CRD ${crd}`}${field === undefined ? '' : `: ${field}`}: ${problem}`,
    );
  }
}
