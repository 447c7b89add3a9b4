/** Builds the TypeBox types of the apiserver's schema extensions: int-or-string, unknown fields, embedded objects, list types, CEL rules. */
import {
  type Static,
  type TArray,
  type TArrayOptions,
  type TInteger,
  type TObject,
  type TSchema,
  type TSchemaOptions,
  type TString,
  type TUnion,
  type TUnsafe,
  Type,
} from 'typebox';
import type { ValidationRule } from '../client/kubernetes/apiextensions-v1/types.js';
import type { ObjectMeta } from '../client/kubernetes/meta-v1/types.js';

/** What every embedded Kubernetes object carries: the apiserver checks `apiVersion`, `kind` and `metadata`. */
export interface EmbeddedObjectMeta {
  apiVersion: string;
  kind: string;
  metadata?: ObjectMeta;
}

/** An embedded Kubernetes object of any kind, kept whole (e.g. a Pod template given as an arbitrary object). */
export type EmbeddedObject = EmbeddedObjectMeta & { [field: string]: unknown };

/** A CEL rule (`x-kubernetes-validations`): `rule` must hold for `self`; `message` is what the server says if not. */
export type CelRule = ValidationRule;

/** A value that is an integer or a string (Kubernetes' IntOrString, e.g. a port name or number, `25%` or `3`). */
function IntOrString(options: TSchemaOptions = {}): TUnion<[TInteger, TString]> {
  return Type.Union([Type.Integer(), Type.String()], { ...options, 'x-kubernetes-int-or-string': true });
}

/** An object whose declared properties are checked and whose other fields the apiserver keeps instead of pruning. */
function PreserveUnknownFields<T extends TObject>(object: T): TUnsafe<Static<T> & { [field: string]: unknown }> {
  return Type.Unsafe<Static<T> & { [field: string]: unknown }>(
    Type.With(object, { 'x-kubernetes-preserve-unknown-fields': true }),
  );
}

/**
 * An embedded Kubernetes object (`x-kubernetes-embedded-resource`): the apiserver validates its `apiVersion`,
 * `kind` and `metadata`. Without `object`, any kind, kept whole; with it, its properties are checked and typed.
 */
function EmbeddedResource(): TUnsafe<EmbeddedObject>;
function EmbeddedResource<T extends TObject>(object: T): TUnsafe<Static<T> & EmbeddedObjectMeta>;
function EmbeddedResource(object?: TObject): TSchema {
  const extension = { 'x-kubernetes-embedded-resource': true };
  if (object !== undefined) return Type.Unsafe(Type.With(object, extension));
  return Type.Unsafe(Type.Object({}, { ...extension, 'x-kubernetes-preserve-unknown-fields': true }));
}

/**
 * A list of objects merged by key (`x-kubernetes-list-type: map`): server-side apply and strategic merge treat each
 * element as owned by its key, like a Pod's containers by `name`. Each key must be a required (or defaulted)
 * scalar property of the items.
 */
function ListMap<
  T extends TObject,
  const K extends readonly [keyof Static<T> & string, ...(keyof Static<T> & string)[]],
>(items: T, keys: K, options: TArrayOptions = {}): TArray<T> {
  return Type.Array(items, { ...options, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': [...keys] });
}

/** A list of unique scalars merged as a set (`x-kubernetes-list-type: set`): each value owned on its own. */
function ListSet<T extends TSchema>(items: T, options: TArrayOptions = {}): TArray<T> {
  return Type.Array(items, { ...options, 'x-kubernetes-list-type': 'set' });
}

/**
 * `schema` with CEL rules (`x-kubernetes-validations`) the apiserver evaluates on every write, e.g.
 * `{ rule: 'self.min <= self.max', message: 'min must not exceed max' }`. Adds to any rules already there.
 */
function Validations<T extends TSchema>(schema: T, rules: readonly CelRule[]): T {
  const existing = (schema as { 'x-kubernetes-validations'?: readonly CelRule[] })['x-kubernetes-validations'] ?? [];
  return Type.With(schema, { 'x-kubernetes-validations': [...existing, ...rules] }) as unknown as T;
}

/** One status condition, the shape of meta/v1 Condition (what `setStatusCondition` in kubeloop/controller writes). */
const condition = Type.Object({
  type: Type.String({
    maxLength: 316,
    pattern:
      '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
  }),
  status: Type.Union([Type.Literal('True'), Type.Literal('False'), Type.Literal('Unknown')]),
  observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
  lastTransitionTime: Type.String({ format: 'date-time' }),
  reason: Type.String({ minLength: 1, maxLength: 1024, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' }),
  message: Type.String({ maxLength: 32768 }),
});

/**
 * A list of status conditions keyed by `type` (controller-gen's `[]metav1.Condition` with `+listType=map`), with
 * meta/v1 Condition's validation; its static type fits kubeloop/controller's condition helpers.
 */
function Conditions(options: TArrayOptions = {}): TArray<typeof condition> {
  return ListMap(condition, ['type'], options);
}

/**
 * The types TypeBox lacks for a CRD schema, used beside `Type`:
 * `KubeType.IntOrString()`, `KubeType.PreserveUnknownFields(obj)`, `KubeType.EmbeddedResource(obj?)`,
 * `KubeType.ListMap(items, keys)`, `KubeType.ListSet(items)`, `KubeType.Validations(schema, rules)`,
 * `KubeType.Conditions()`. Defaults, enums, formats, bounds and `T | null` need no helper: write them with TypeBox (`{ default: 1 }`,
 * `Type.Union([Type.Literal('a'), Type.Literal('b')])`, `Type.Union([T, Type.Null()])`); `Type.Unknown()` is any
 * JSON value, kept as is.
 *
 * Guarantees: each returns a plain TypeBox type (usable anywhere TypeBox takes one) whose static type is what the
 * apiserver will store; nothing is checked here, `defineCustomResource` checks the whole schema.
 *
 * @namespace
 */
export const KubeType = {
  /** An integer or a string (`x-kubernetes-int-or-string`), e.g. a port name or number. */
  IntOrString,
  /** An object whose undeclared fields the apiserver keeps (`x-kubernetes-preserve-unknown-fields`). */
  PreserveUnknownFields,
  /** An embedded Kubernetes object (`x-kubernetes-embedded-resource`), of any kind or of the given shape. */
  EmbeddedResource,
  /** A list of objects merged by key (`x-kubernetes-list-type: map`), like a Pod's containers by `name`. */
  ListMap,
  /** A list of unique scalars merged as a set (`x-kubernetes-list-type: set`). */
  ListSet,
  /** A schema with CEL rules (`x-kubernetes-validations`) the apiserver checks on every write. */
  Validations,
  /** A list of meta/v1 Conditions keyed by `type`, as controller-gen's `[]metav1.Condition`. */
  Conditions,
} as const;
