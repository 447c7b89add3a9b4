/** Builds, reads and sets owner references the way apimachinery's metav1 and controller-runtime's controllerutil do. */
import type { GroupVersionKind, KubeObject, OwnerReference } from '../client/meta.js';
import { KubeloopError } from '../errors.js';

/**
 * Thrown by {@link setControllerReference} when another object already controls the object: two controllers
 * would fight over it (controller-runtime's AlreadyOwnedError).
 *
 * Guarantees: `owner` is the controller reference already on the object; the object itself is unchanged.
 */
export class AlreadyOwnedError extends KubeloopError<'ALREADY_OWNED'> {
  readonly code = 'ALREADY_OWNED' as const;

  constructor(
    readonly object: KubeObject,
    readonly owner: OwnerReference,
  ) {
    super(
      `${object.kind ?? 'object'} ${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''} is already ` +
        `controlled by ${owner.kind} ${owner.name} (uid ${owner.uid})`,
    );
  }
}

/**
 * Thrown when an owner reference cannot be valid: the owner lacks a name or uid (it was not read from the server),
 * or lives in another namespace than its dependent, or is namespaced while the dependent is cluster-scoped (the
 * garbage collector would treat such references as absent).
 *
 * Guarantees: thrown before anything is built; the inputs are unchanged; `message` says which rule failed.
 */
export class InvalidOwnerError extends KubeloopError<'INVALID_OWNER'> {
  readonly code = 'INVALID_OWNER' as const;
}

/** The apiVersion string of a group and version: `v1` for the core group, else `group/version`. */
function apiVersionOf(gvk: GroupVersionKind): string {
  return gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
}

/** The group of an apiVersion string (`''` for the core group's `v1`). */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Whether two references point at the same object: same group, kind and name (controller-runtime's rule). */
function referSameObject(a: OwnerReference, b: OwnerReference): boolean {
  return groupOf(a.apiVersion) === groupOf(b.apiVersion) && a.kind === b.kind && a.name === b.name;
}

function ownerIdentity(owner: KubeObject): { name: string; uid: string } {
  const name = owner.metadata?.name;
  const uid = owner.metadata?.uid;
  if (!name || !uid)
    throw new InvalidOwnerError('an owner needs metadata.name and metadata.uid: read it from the server');
  return { name, uid };
}

function validateOwner(owner: KubeObject, object: KubeObject): void {
  const ownerNamespace = owner.metadata?.namespace ?? '';
  if (ownerNamespace === '') return;
  const objectNamespace = object.metadata?.namespace ?? '';
  if (objectNamespace === '') {
    throw new InvalidOwnerError(`a cluster-scoped object cannot have an owner in namespace ${ownerNamespace}`);
  }
  if (objectNamespace !== ownerNamespace) {
    throw new InvalidOwnerError(
      `cross-namespace owner references are disallowed: owner in ${ownerNamespace}, object in ${objectNamespace}`,
    );
  }
}

/** Returns a copy of `object` whose ownerReferences are `references`; the input is never touched. */
function withOwnerReferences<T extends KubeObject>(object: T, references: OwnerReference[]): T {
  return { ...object, metadata: { ...object.metadata, ownerReferences: references } };
}

/** Replaces the reference to the same object as `ref`, or appends `ref`; returns a new array. */
function upsert(references: readonly OwnerReference[], ref: OwnerReference): OwnerReference[] {
  const index = references.findIndex((existing) => referSameObject(existing, ref));
  return index < 0 ? [...references, ref] : references.map((existing, i) => (i === index ? ref : existing));
}

/**
 * Returns a controller reference to `owner` (metav1.NewControllerRef): `controller` and `blockOwnerDeletion` true.
 * Throws {@link InvalidOwnerError} when the owner has no name or uid.
 */
export function newControllerRef(owner: KubeObject, gvk: GroupVersionKind): OwnerReference {
  const { name, uid } = ownerIdentity(owner);
  return { apiVersion: apiVersionOf(gvk), kind: gvk.kind, name, uid, blockOwnerDeletion: true, controller: true };
}

/** Returns the object's controller reference (the one with `controller: true`), if any (metav1.GetControllerOf). */
export function getControllerOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}

/** Whether `owner` is the object's controller, compared by uid (metav1.IsControlledBy). */
export function isControlledBy(object: KubeObject, owner: KubeObject): boolean {
  const ref = getControllerOf(object);
  return ref !== undefined && owner.metadata?.uid !== undefined && ref.uid === owner.metadata.uid;
}

/**
 * Returns a copy of `object` controlled by `owner`: its controller reference to `owner` added, or replacing an
 * older reference to the same owner (same group, kind and name, e.g. a recreated owner with a new uid)
 * (controllerutil.SetControllerReference).
 *
 * Guarantees: never mutates its inputs; throws {@link AlreadyOwnedError} when another object is the controller,
 * {@link InvalidOwnerError} when the reference cannot be valid.
 *
 * @typeParam T - the object's type, kept in the result.
 */
export function setControllerReference<T extends KubeObject>(owner: KubeObject, object: T, gvk: GroupVersionKind): T {
  validateOwner(owner, object);
  const ref = newControllerRef(owner, gvk);
  const existing = getControllerOf(object);
  if (existing !== undefined && !referSameObject(existing, ref)) throw new AlreadyOwnedError(object, existing);
  return withOwnerReferences(object, upsert(object.metadata?.ownerReferences ?? [], ref));
}

/**
 * Returns a copy of `object` with a plain (non-controller) owner reference to `owner`, replacing an older
 * reference to the same owner (same group, kind and name) (controllerutil.SetOwnerReference).
 *
 * Guarantees: never mutates its inputs; throws {@link InvalidOwnerError} when the reference cannot be valid.
 *
 * @typeParam T - the object's type, kept in the result.
 */
export function setOwnerReference<T extends KubeObject>(owner: KubeObject, object: T, gvk: GroupVersionKind): T {
  validateOwner(owner, object);
  const { name, uid } = ownerIdentity(owner);
  const ref: OwnerReference = { apiVersion: apiVersionOf(gvk), kind: gvk.kind, name, uid };
  return withOwnerReferences(object, upsert(object.metadata?.ownerReferences ?? [], ref));
}
