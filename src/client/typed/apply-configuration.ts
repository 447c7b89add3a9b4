/** Declares the shape of a server-side apply body: the object with only the fields its manager owns. */

/**
 * A partial object for server-side apply: every field optional at every depth, so a manager sends only the fields
 * it means to own. It must carry `metadata.name` (the typed client checks it); the typed client fills in
 * `apiVersion` and `kind` when they are absent.
 *
 * @typeParam T - the resource's object type.
 */
export type ApplyConfiguration<T> = T extends readonly (infer E)[]
  ? ApplyConfiguration<E>[]
  : T extends object
    ? { [K in keyof T]?: ApplyConfiguration<T[K]> }
    : T;
