/** Sets, finds and removes status conditions with apimachinery's `meta.SetStatusCondition` semantics. */

import type { Condition } from '../client/kubernetes/meta-v1/types.js';
import type { Clock } from '../client/rest/clock.js';

/** The values of a condition's `status`. */
export type ConditionStatus = 'True' | 'False' | 'Unknown';

/**
 * A condition to set: `lastTransitionTime` is filled in when absent (the time it is set), `message` defaults to
 * `''` as in Go; `reason` is required (the apiserver rejects an empty one).
 */
export interface NewCondition {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message?: string;
  readonly observedGeneration?: number;
  /** RFC 3339 time; absent means now, used only when the status changes (or the condition is new). */
  readonly lastTransitionTime?: string;
}

/** Options of {@link setStatusCondition}. */
export interface SetStatusConditionOptions {
  /** Where "now" comes from; defaults to `Date.now`. Tests pass a fake clock. */
  readonly clock?: Pick<Clock, 'now'>;
}

/** metav1.Time's wire format: RFC 3339 in UTC, whole seconds. */
function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The condition of that type, or `undefined`. */
export function findStatusCondition<C extends Condition>(conditions: readonly C[], type: string): C | undefined {
  return conditions.find((condition) => condition.type === type);
}

/**
 * Sets `condition` in `conditions`, as apimachinery's `meta.SetStatusCondition`: a new type is appended; for an
 * existing one, `lastTransitionTime` changes only when `status` changes, while `reason`, `message` and
 * `observedGeneration` are updated whenever they differ. Returns whether anything changed.
 *
 * Guarantees: mutates the array only (appends, or replaces an element by a new object), never a condition object
 * in it, so a shallow copy of a cached array (`[...cached.status.conditions]`) is all the caller needs; order is
 * kept; an unchanged call leaves the array untouched and returns false.
 */
export function setStatusCondition(
  conditions: Condition[],
  condition: NewCondition,
  options: SetStatusConditionOptions = {},
): boolean {
  const now = (): string => formatTime(options.clock?.now() ?? Date.now());
  const next: Condition = {
    type: condition.type,
    status: condition.status,
    reason: condition.reason,
    message: condition.message ?? '',
    lastTransitionTime: condition.lastTransitionTime ?? '',
    ...(condition.observedGeneration === undefined ? {} : { observedGeneration: condition.observedGeneration }),
  };
  const index = conditions.findIndex((c) => c.type === condition.type);
  const existing = conditions[index];
  if (existing === undefined) {
    conditions.push({ ...next, lastTransitionTime: next.lastTransitionTime || now() });
    return true;
  }
  const statusChanged = existing.status !== next.status;
  const changed =
    statusChanged ||
    existing.reason !== next.reason ||
    existing.message !== next.message ||
    // Go compares int64s: absent and 0 are the same generation.
    (existing.observedGeneration ?? 0) !== (next.observedGeneration ?? 0);
  if (!changed) return false;
  const lastTransitionTime = statusChanged ? next.lastTransitionTime || now() : existing.lastTransitionTime;
  conditions[index] = { ...next, lastTransitionTime };
  return true;
}

/** Removes the condition of that type; returns whether there was one. Mutates the array only, as set does. */
export function removeStatusCondition(conditions: Condition[], type: string): boolean {
  const index = conditions.findIndex((condition) => condition.type === type);
  if (index === -1) return false;
  conditions.splice(index, 1);
  return true;
}

/** Whether the condition of that type is present with status `True`. */
export function isStatusConditionTrue(conditions: readonly Condition[], type: string): boolean {
  return isStatusConditionPresentAndEqual(conditions, type, 'True');
}

/** Whether the condition of that type is present with status `False` (absent is neither true nor false). */
export function isStatusConditionFalse(conditions: readonly Condition[], type: string): boolean {
  return isStatusConditionPresentAndEqual(conditions, type, 'False');
}

/** Whether the condition of that type is present with exactly that status. */
export function isStatusConditionPresentAndEqual(
  conditions: readonly Condition[],
  type: string,
  status: ConditionStatus,
): boolean {
  return findStatusCondition(conditions, type)?.status === status;
}
