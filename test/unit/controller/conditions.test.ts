import { describe, expect, it } from 'vitest';
import type { Condition } from '../../../src/client/kubernetes/meta-v1/types.js';
import {
  findStatusCondition,
  isStatusConditionFalse,
  isStatusConditionPresentAndEqual,
  isStatusConditionTrue,
  removeStatusCondition,
  setStatusCondition,
} from '../../../src/controller/conditions.js';

/** A clock standing at `iso`. */
const at = (iso: string) => ({ now: () => Date.parse(iso) });

/** A condition as the server would have stored it, frozen: the helpers must never mutate one in place. */
function stored(fields: Partial<Condition> & Pick<Condition, 'type' | 'status'>): Condition {
  return Object.freeze({ reason: 'Initial', message: '', lastTransitionTime: '2024-01-01T00:00:00Z', ...fields });
}

describe('setStatusCondition', () => {
  it('appends a new condition with lastTransitionTime now, in whole seconds', () => {
    const conditions: Condition[] = [];

    const changed = setStatusCondition(
      conditions,
      { type: 'Ready', status: 'True', reason: 'Deployed', observedGeneration: 3 },
      { clock: at('2024-05-06T07:08:09.876Z') },
    );

    expect(changed).toBe(true);
    expect(conditions).toEqual([
      {
        type: 'Ready',
        status: 'True',
        reason: 'Deployed',
        message: '',
        observedGeneration: 3,
        lastTransitionTime: '2024-05-06T07:08:09Z',
      },
    ]);
  });

  it('keeps a given lastTransitionTime for a new condition', () => {
    const conditions: Condition[] = [];

    setStatusCondition(conditions, {
      type: 'Ready',
      status: 'False',
      reason: 'Waiting',
      lastTransitionTime: '2023-02-03T04:05:06Z',
    });

    expect(conditions[0]?.lastTransitionTime).toBe('2023-02-03T04:05:06Z');
  });

  it('moves lastTransitionTime when the status changes', () => {
    const conditions = [stored({ type: 'Ready', status: 'False' })];

    const changed = setStatusCondition(
      conditions,
      { type: 'Ready', status: 'True', reason: 'Deployed' },
      { clock: at('2024-05-06T07:08:09Z') },
    );

    expect(changed).toBe(true);
    expect(conditions[0]).toMatchObject({
      status: 'True',
      reason: 'Deployed',
      lastTransitionTime: '2024-05-06T07:08:09Z',
    });
  });

  it('keeps lastTransitionTime when only the reason, message or observedGeneration change', () => {
    const conditions = [stored({ type: 'Ready', status: 'True', observedGeneration: 1 })];

    const changed = setStatusCondition(
      conditions,
      { type: 'Ready', status: 'True', reason: 'Scaled', message: '3/3 ready', observedGeneration: 2 },
      { clock: at('2024-05-06T07:08:09Z') },
    );

    expect(changed).toBe(true);
    expect(conditions[0]).toEqual({
      type: 'Ready',
      status: 'True',
      reason: 'Scaled',
      message: '3/3 ready',
      observedGeneration: 2,
      lastTransitionTime: '2024-01-01T00:00:00Z',
    });
  });

  it('reports no change, and leaves the array as it was, when nothing differs', () => {
    const ready = stored({ type: 'Ready', status: 'True', reason: 'Deployed', observedGeneration: 4 });
    const conditions = [ready];

    const changed = setStatusCondition(conditions, {
      type: 'Ready',
      status: 'True',
      reason: 'Deployed',
      observedGeneration: 4,
    });

    expect(changed).toBe(false);
    expect(conditions[0]).toBe(ready);
  });

  it('treats an absent observedGeneration as generation 0, as Go does', () => {
    const conditions = [stored({ type: 'Ready', status: 'True', observedGeneration: 0 })];

    expect(setStatusCondition(conditions, { type: 'Ready', status: 'True', reason: 'Initial' })).toBe(false);
  });

  it('replaces only the condition of that type, keeping the order of the others', () => {
    const conditions = [
      stored({ type: 'Available', status: 'True' }),
      stored({ type: 'Progressing', status: 'True' }),
      stored({ type: 'Degraded', status: 'False' }),
    ];

    setStatusCondition(conditions, { type: 'Progressing', status: 'False', reason: 'Done' });

    expect(conditions.map((c) => `${c.type}=${c.status}`)).toEqual([
      'Available=True',
      'Progressing=False',
      'Degraded=False',
    ]);
  });
});

describe('removeStatusCondition', () => {
  it('removes the condition of that type and says whether there was one', () => {
    const conditions = [stored({ type: 'Ready', status: 'True' }), stored({ type: 'Degraded', status: 'False' })];

    expect(removeStatusCondition(conditions, 'Ready')).toBe(true);
    expect(removeStatusCondition(conditions, 'Ready')).toBe(false);
    expect(conditions.map((c) => c.type)).toEqual(['Degraded']);
  });
});

describe('finding and testing conditions', () => {
  const conditions = [
    stored({ type: 'Ready', status: 'True' }),
    stored({ type: 'Degraded', status: 'False' }),
    stored({ type: 'Synced', status: 'Unknown' }),
  ];

  it('finds a condition by type, or nothing', () => {
    expect(findStatusCondition(conditions, 'Degraded')).toBe(conditions[1]);
    expect(findStatusCondition(conditions, 'Missing')).toBeUndefined();
  });

  it.each([
    ['Ready', true, false],
    ['Degraded', false, true],
    ['Synced', false, false],
    ['Missing', false, false],
  ])('says whether %s is true (%s) or false (%s)', (type, isTrue, isFalse) => {
    expect(isStatusConditionTrue(conditions, type)).toBe(isTrue);
    expect(isStatusConditionFalse(conditions, type)).toBe(isFalse);
  });

  it('compares a present condition with any status', () => {
    expect(isStatusConditionPresentAndEqual(conditions, 'Synced', 'Unknown')).toBe(true);
    expect(isStatusConditionPresentAndEqual(conditions, 'Missing', 'Unknown')).toBe(false);
  });
});
