import { describe, expect, it } from 'vitest';
import { parseSelector } from '../../../src/cache/label-selector-parser.js';
import type { KubeList, KubeObject } from '../../../src/client/meta.js';
import type { RESTClient } from '../../../src/client/rest/rest-client.js';
import { StatusError } from '../../../src/client/rest/status-error.js';
import { seededRandom as random } from '../../unit/support/random.js';
import { clientFor, testNamespace } from '../support.js';

const keys = ['a', 'b', 'c', 'example.com/d'];
const values = ['', 'x', 'y', '1', '2', '10', '-3'];

function generate(rand: () => number) {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const labels = (): Record<string, string> =>
    Object.fromEntries(keys.filter(() => rand() < 0.6).map((key) => [key, pick(values.filter((v) => v !== '-3'))]));
  const valueSet = () => Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(values.slice(0, 6))).join(', ');
  const requirement = (): string => {
    const key = pick(keys);
    const forms = [
      () => key,
      () => `!${key}`,
      () => `${key}=${pick(values.slice(0, 6))}`,
      () => `${key}==${pick(values.slice(0, 6))}`,
      () => `${key} != ${pick(values.slice(0, 6))}`,
      () => `${key} in (${valueSet()})`,
      () => `${key} notin (${valueSet()})`,
      () => `${key}>${pick(['0', '1', '5', '-3'])}`,
      () => `${key} < ${pick(['2', '10', '-3'])}`,
    ];
    return pick(forms)();
  };
  const selector = () => Array.from({ length: 1 + Math.floor(rand() * 3) }, requirement).join(',');
  return { labels, selector };
}

/** Damages a valid selector in one place, to compare what each side rejects. */
function mutate(selector: string, rand: () => number): string {
  const at = Math.floor(rand() * (selector.length + 1));
  const junk = [',', '(', ')', '!', '=', '-', ' in ', 'A/', '.', ''][Math.floor(rand() * 10)] ?? '';
  return rand() < 0.5
    ? selector.slice(0, at) + junk + selector.slice(at)
    : selector.slice(0, at) + selector.slice(at + 1);
}

describe('label selectors', () => {
  it('select exactly what the apiserver selects, and reject exactly what it rejects', async () => {
    const admin = await clientFor('admin');
    const namespace = await testNamespace('selectors');
    const configmaps = (request: ReturnType<RESTClient['get']>) =>
      request.groupVersion({ group: '', version: 'v1' }).namespace(namespace).resource('configmaps');
    const { labels, selector } = generate(random(20261123));
    const created = Array.from({ length: 60 }, (_, i) => ({ name: `cm-${i}`, labels: labels() }));
    for (const { name, labels: l } of created) {
      await configmaps(admin.post())
        .body({ metadata: { name, labels: l } })
        .do();
    }

    const rand = random(42);
    const mismatches: string[] = [];
    for (let i = 0; i < 200; i++) {
      const valid = selector();
      const candidate = i % 4 === 3 ? mutate(valid, rand) : valid;
      let ours: string[] | string;
      try {
        const parsed = parseSelector(candidate);
        ours = created
          .filter((o) => parsed.matches(o.labels))
          .map((o) => o.name)
          .sort();
      } catch {
        ours = 'rejected';
      }
      let theirs: string[] | string;
      try {
        const list = await configmaps(admin.get()).param('labelSelector', candidate).do<KubeList<KubeObject>>();
        theirs = list.items.map((o) => o.metadata?.name ?? '').sort();
      } catch (error) {
        if (!(error instanceof StatusError) || error.status.code !== 400) throw error;
        theirs = 'rejected';
      }
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
        mismatches.push(
          `${JSON.stringify(candidate)}: ours ${JSON.stringify(ours)}, apiserver ${JSON.stringify(theirs)}`,
        );
      }
    }
    expect(mismatches).toEqual([]);
  });
});
