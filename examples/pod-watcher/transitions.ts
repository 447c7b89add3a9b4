// Records an Event whenever a pod's phase changes, and remembers the last few changes for the terminal view.
import type { SharedIndexInformer } from 'kubeloop/cache';
import type { Pod } from 'kubeloop/client/kubernetes/core-v1';
import type { EventRecorder } from 'kubeloop/controller';
import { type Phase, phaseOf } from './census.ts';

/** One observed phase change. */
export interface Transition {
  readonly at: Date;
  readonly namespace: string;
  readonly name: string;
  readonly from: Phase;
  readonly to: Phase;
}

/** The last transitions seen, oldest first, at most `keep`. */
export interface TransitionLog {
  recent(): readonly Transition[];
  readonly total: number;
}

/** Formats a transition for a log line: `12:00:01 ns/web-3 Pending → Running`. */
export function formatTransition(t: Transition): string {
  return `${t.at.toISOString().slice(11, 19)} ${t.namespace}/${t.name} ${t.from} → ${t.to}`;
}

/**
 * Watches `informer` for phase changes (old phase ≠ new phase in an update) and records each as an Event about the
 * pod (without a recorder, only logs it): Normal, or Warning for Failed. Pods first seen in a phase (adds) are not
 * transitions.
 */
export function recordPhaseTransitions(
  informer: SharedIndexInformer<Pod>,
  recorder: EventRecorder | undefined,
  keep = 20,
): TransitionLog {
  const log: Transition[] = [];
  let total = 0;
  informer.addEventHandler(
    {
      onUpdate(oldPod, newPod) {
        const from = phaseOf(oldPod);
        const to = phaseOf(newPod);
        if (from === to) return;
        const { namespace = '', name = '', uid } = newPod.metadata ?? {};
        total++;
        log.push({ at: new Date(), namespace, name, from, to });
        if (log.length > keep) log.splice(0, log.length - keep);
        recorder?.event({
          regarding: { apiVersion: 'v1', kind: 'Pod', namespace, name, ...(uid ? { uid } : {}) },
          type: to === 'Failed' ? 'Warning' : 'Normal',
          reason: `Pod${to}`,
          action: 'ObservePhase',
          note: `pod ${name} went from ${from} to ${to}`,
        });
      },
    },
    { name: 'pod-watcher-transitions' },
  );
  return {
    recent: () => log,
    get total() {
      return total;
    },
  };
}
