/** Defines the base of every error kubeloop throws: a stable literal `code` that survives duplicate installs. */

const brand = Symbol.for('kubeloop.error');

/**
 * The base of every kubeloop error.
 *
 * Guarantees: `code` is a stable string literal per subclass, safe to switch on; messages never contain
 * credentials; `instanceof KubeloopError` holds across two installed copies of kubeloop (the brand is a
 * `Symbol.for` key, as undici does).
 *
 * @typeParam C - the literal code of the subclass.
 */
export abstract class KubeloopError<C extends string = string> extends Error {
  abstract readonly code: C;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    Object.defineProperty(this, brand, { value: true });
  }

  /** `instanceof KubeloopError` holds for an error of any installed copy; a subclass checks its prototype chain. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses inherit this static: for them, fall back to the ordinary prototype check.
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class `instanceof` was asked about.
    if (this !== KubeloopError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && brand in value;
  }
}
