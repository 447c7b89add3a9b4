import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { KubeConfigError } from '../../../src/client/config/errors.js';
import { loadKubeConfig } from '../../../src/client/config/loader.js';
import { restConfigFromKubeConfig } from '../../../src/client/config/rest-config.js';
import { kubeConfigView } from '../../../src/client/config/view.js';
import { seededRandom as random } from '../support/random.js';
import { tempFiles } from './temp-files.js';

const keys = {
  top: ['clusters', 'users', 'contexts', 'current-context', 'preferences', 'extensions', 'kind', 'apiVersion'],
  cluster: [
    'server',
    'certificate-authority',
    'certificate-authority-data',
    'insecure-skip-tls-verify',
    'proxy-url',
    'tls-server-name',
    'extensions',
  ],
  user: [
    'token',
    'tokenFile',
    'client-certificate-data',
    'client-key-data',
    'client-certificate',
    'client-key',
    'username',
    'password',
    'as',
    'as-groups',
    'as-user-extra',
    'exec',
    'auth-provider',
  ],
  context: ['cluster', 'user', 'namespace', 'extensions'],
  exec: ['command', 'apiVersion', 'args', 'env', 'interactiveMode', 'provideClusterInfo', 'installHint'],
};

function generator(next: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const scalars = [
    '',
    'a',
    'yes',
    'n',
    '0755',
    'Zm9v',
    'Zm9',
    'https://127.0.0.1:6443',
    '127.0.0.1',
    'x',
    'v1',
    'IfAvailable',
    'client.authentication.k8s.io/v1',
  ];
  const leaf = (): unknown =>
    pick<() => unknown>([() => pick(scalars), () => next() * 1e6, () => next() < 0.5, () => null, () => []])();
  const value = (depth: number): unknown => {
    if (depth <= 0 || next() < 0.4) return leaf();
    return next() < 0.5 ? [value(depth - 1), value(depth - 1)] : { [pick(scalars) || 'k']: value(depth - 1) };
  };
  const shaped = (fields: readonly string[], depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const field of fields)
      if (next() < 0.4) out[field] = field === 'exec' ? shaped(keys.exec, depth) : value(depth);
    return out;
  };
  const namedList = (entryKey: string, fields: readonly string[]) =>
    Array.from({ length: Math.floor(next() * 3) }, () =>
      next() < 0.1
        ? value(2)
        : {
            name: next() < 0.9 ? pick(['a', 'b', 'x']) : value(1),
            [entryKey]: next() < 0.9 ? shaped(fields, 2) : value(2),
          },
    );
  return (): unknown => {
    const doc: Record<string, unknown> = {};
    for (const key of keys.top) {
      if (next() < 0.3) doc[key] = value(3);
      else if (key === 'clusters') doc[key] = namedList('cluster', keys.cluster);
      else if (key === 'users') doc[key] = namedList('user', keys.user);
      else if (key === 'contexts') doc[key] = namedList('context', keys.context);
      else if (key === 'current-context') doc[key] = pick(['a', 'b', 'x', '']);
    }
    return doc;
  };
}

async function neverCrashes(file: string, text: string): Promise<void> {
  await writeFile(file, text);
  let loaded: Awaited<ReturnType<typeof loadKubeConfig>>;
  try {
    loaded = await loadKubeConfig({ paths: [file] });
  } catch (error) {
    expect(error, text).toBeInstanceOf(KubeConfigError);
    return;
  }
  expect(typeof kubeConfigView(loaded.config)).toBe('string');
  for (const context of [undefined, 'a', 'b', 'x']) {
    try {
      restConfigFromKubeConfig(loaded, context === undefined ? {} : { context });
    } catch (error) {
      expect(error, text).toBeInstanceOf(KubeConfigError);
    }
  }
}

describe('loading random kubeconfigs', () => {
  it('either loads or throws a KubeConfigError, for random YAML values in every field', async () => {
    const file = join(await tempFiles({}), 'config');
    const next = random(20261123);
    const generate = generator(next);
    for (let i = 0; i < 400; i++) await neverCrashes(file, yaml.dump(generate()));
  });

  it('either loads or throws a KubeConfigError, for random bytes and truncated YAML', async () => {
    const file = join(await tempFiles({}), 'config');
    const next = random(7);
    const sample = yaml.dump(generator(random(3))());
    for (let i = 0; i < 200; i++) {
      const bytes = Array.from({ length: Math.floor(next() * 80) }, () =>
        String.fromCharCode(Math.floor(next() * 128)),
      );
      await neverCrashes(file, bytes.join(''));
      await neverCrashes(file, sample.slice(0, Math.floor(next() * sample.length)));
    }
  });
});
