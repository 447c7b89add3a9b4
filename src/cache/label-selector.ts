/** Parses and matches Kubernetes label selectors with the apiserver's full syntax (apimachinery's labels.Parse). */
import { KubeloopError } from '../errors.js';

/** A selector operator, as the apiserver names them. */
export type SelectorOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

/** One clause of a selector: a key, an operator and its values (sorted, deduplicated). */
export interface Requirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/**
 * A parsed label selector.
 *
 * Guarantees: `matches` agrees with the apiserver's filtering for every selector `parseSelector` accepts (proved
 * by a differential test); an empty selector matches everything; `toString()` is canonical (requirements sorted by
 * key) and parses back to an equal selector.
 */
export interface LabelSelector {
  readonly requirements: readonly Requirement[];
  /** Whether `labels` (absent: no labels) satisfy every requirement. */
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  /** Whether the selector has no requirement (it then matches everything). */
  isEmpty(): boolean;
  /** The canonical form: requirements sorted, as the apiserver prints them. */
  toString(): string;
}

/** Thrown for a selector that does not parse or names an invalid key or value; the message says where. */
export class SelectorError extends KubeloopError<'LABEL_SELECTOR_INVALID'> {
  readonly code = 'LABEL_SELECTOR_INVALID';
}

const nameRe = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const dnsSubdomainRe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const integerRe = /^[+-]?\d+$/;
const int64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/** Go's strconv.ParseInt(s, 10, 64): undefined when not a decimal integer or out of int64 range. */
function parseInt64(text: string): bigint | undefined {
  if (!integerRe.test(text)) return undefined;
  const value = BigInt(text);
  return value < int64.min || value > int64.max ? undefined : value;
}

function validateKey(key: string): void {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !dnsSubdomainRe.test(prefix))) {
    throw new SelectorError(`invalid label key ${JSON.stringify(key)}: prefix must be a DNS subdomain`);
  }
  if (name.length === 0 || name.length > 63 || !nameRe.test(name)) {
    throw new SelectorError(
      `invalid label key ${JSON.stringify(key)}: name must be 1-63 alphanumerics, '-', '_' or '.', alphanumeric at both ends`,
    );
  }
}

function validateValue(key: string, value: string): void {
  if (value.length > 63 || (value.length > 0 && !nameRe.test(value))) {
    throw new SelectorError(`invalid value ${JSON.stringify(value)} for label ${JSON.stringify(key)}`);
  }
}

/** Builds a validated requirement (values sorted and deduplicated, as the apiserver keeps them). */
export function newRequirement(key: string, operator: SelectorOperator, values: readonly string[]): Requirement {
  validateKey(key);
  const sorted = [...new Set(values)].sort();
  const arity = { in: 'some', notin: 'some', '=': 'one', '==': 'one', '!=': 'one', gt: 'one', lt: 'one' } as const;
  const want = operator === 'exists' || operator === '!' ? 'none' : arity[operator];
  if (want === 'none' && sorted.length > 0)
    throw new SelectorError(`${key}: values set must be empty for exists and does not exist`);
  if (want === 'one' && sorted.length !== 1)
    throw new SelectorError(`${key}: exact-match compatibility requires one single value`);
  if (want === 'some' && sorted.length === 0)
    throw new SelectorError(`${key}: for 'in', 'notin' operators, values set can't be empty`);
  if ((operator === 'gt' || operator === 'lt') && parseInt64(sorted[0] ?? '') === undefined) {
    throw new SelectorError(`${key}: for 'Gt', 'Lt' operators, the value must be an integer`);
  }
  // Gt/Lt values must be label values too, so negative bounds are rejected, as the apiserver does.
  for (const value of sorted) validateValue(key, value);
  return { key, operator, values: sorted };
}

function requirementMatches(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key] ?? '';
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(value);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      const [actual, bound] = [has ? parseInt64(value) : undefined, parseInt64(r.values[0] ?? '')];
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

function requirementString(r: Requirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0]}`;
    case 'lt':
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}

/** Creates a selector from requirements (sorted by key, as the apiserver does). */
export function selectorFromRequirements(requirements: readonly Requirement[]): LabelSelector {
  const sorted = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    requirements: sorted,
    matches: (labels) => sorted.every((r) => requirementMatches(r, labels ?? {})),
    isEmpty: () => sorted.length === 0,
    toString: () => sorted.map(requirementString).join(','),
  };
}

/** A selector requiring every given label to equal its value. */
export function selectorFromSet(labels: Readonly<Record<string, string>>): LabelSelector {
  return selectorFromRequirements(Object.entries(labels).map(([key, value]) => newRequirement(key, '=', [value])));
}

/** The selector that matches everything. */
export const everything: LabelSelector = selectorFromRequirements([]);
