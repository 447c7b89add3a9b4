/** Builds the denials admission handlers return: a message, field causes, an HTTP code and reason, warnings. */
import type { StatusCause } from '../client/meta.js';
import type { AdmissionStatus } from './admission-review.js';

/** Options of {@link deny}. */
export interface DenyOptions {
  /** Field-level reasons, e.g. `{ field: 'spec.replicas', message: 'must be odd', reason: 'FieldValueInvalid' }`. */
  readonly causes?: readonly StatusCause[];
  /** Warnings shown to the client (kubectl prints them) along with the denial. */
  readonly warnings?: readonly string[];
  /** The HTTP code the client sees; default 422 with causes (an invalid object), else 403 (a forbidden request). */
  readonly code?: number;
  /** The Status reason; default `Invalid` for 422, `Forbidden` otherwise. */
  readonly reason?: string;
}

const brand = Symbol.for('kubeloop.webhook.denial');

/**
 * An admission handler's refusal. Build it with {@link deny}; a handler returns it (it is not thrown).
 *
 * Guarantees: immutable; the client of the apiserver sees `admission webhook "<name>" denied the request:
 * <message>` with this code, reason and causes. `instanceof` holds across two installed copies of kubeloop.
 */
export class Denial {
  readonly message: string;
  readonly causes: readonly StatusCause[];
  readonly warnings: readonly string[];
  readonly code: number;
  readonly reason: string;

  constructor(message: string, options: DenyOptions = {}) {
    this.message = message;
    this.causes = options.causes ?? [];
    this.warnings = options.warnings ?? [];
    this.code = options.code ?? (this.causes.length > 0 ? 422 : 403);
    this.reason = options.reason ?? (this.code === 422 ? 'Invalid' : 'Forbidden');
    Object.defineProperty(this, brand, { value: true });
  }

  /** `instanceof Denial` holds for a denial of any installed copy of kubeloop. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && brand in value;
  }

  /** The AdmissionResponse `status` of this denial. */
  toStatus(): AdmissionStatus {
    return {
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
      ...(this.causes.length > 0 ? { details: { causes: this.causes } } : {}),
    };
  }
}

/** A denial with `message`; return it from a validating or mutating handler. */
export function deny(message: string, options: DenyOptions = {}): Denial {
  return new Denial(message, options);
}
