/** Small pieces of the Manager: informer bookkeeping, its leader gauge and its probe check registry. */
import { Gauge, type Registry } from 'prom-client';
import type { HealthCheck } from './health-checks.js';
import type { ManagedController, ManagedInformer } from './manager.js';
import { ManagerStateError } from './manager-errors.js';

/** The factory's informers and every controller source, each once, in that order. */
export function uniqueInformers(
  fromFactory: readonly ManagedInformer[],
  controllers: readonly ManagedController[],
): readonly ManagedInformer[] {
  const all = new Set<ManagedInformer>(fromFactory);
  for (const controller of controllers) for (const source of controller.sources) all.add(source);
  return [...all];
}

/** controller-runtime's leader_election_master_status gauge, reused when the registry already has it. */
export function leaderGauge(registry: Registry): Gauge {
  const name = 'leader_election_master_status';
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Gauge) return existing;
  return new Gauge({
    name,
    help: 'Whether this replica leads the election named by the label: 1 or 0.',
    labelNames: ['name'],
    registers: [registry],
  });
}

/** Adds `check` under `name` to a probe's checks; ManagerStateError for an empty or taken name. */
export function addCheck(checks: Map<string, HealthCheck>, probe: string, name: string, check: HealthCheck): void {
  if (!name) throw new ManagerStateError(`a ${probe} check needs a name`);
  if (checks.has(name)) throw new ManagerStateError(`a ${probe} check named ${name} was already added`);
  checks.set(name, check);
}
