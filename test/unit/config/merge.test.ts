import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KubeConfigError } from '../../../src/client/config/errors.js';
import { loadKubeConfig } from '../../../src/client/config/loader.js';
import { tempFiles } from './temp-files.js';

const first = `
clusters:
- name: shared
  cluster: {server: https://first.example}
users:
- name: shared
  user: {username: first}
contexts:
- name: shared
  context: {cluster: shared, user: shared}
current-context: ""
`;
const second = `
clusters:
- name: shared
  cluster: {server: https://second.example, tls-server-name: second}
- name: only-second
  cluster: {server: https://only-second.example}
users:
- name: shared
  user: {token: second-token}
current-context: from-second
`;
const third = 'current-context: from-third\n';

describe('loadKubeConfig merging', () => {
  it('takes each entry whole from the first file that names it', async () => {
    const dir = await tempFiles({ '1.yaml': first, '2.yaml': second });
    const { config } = await loadKubeConfig({ paths: [join(dir, '1.yaml'), join(dir, '2.yaml')] });
    expect(config.clusters).toEqual([
      { name: 'shared', cluster: { server: 'https://first.example' } },
      { name: 'only-second', cluster: { server: 'https://only-second.example' } },
    ]);
    expect(config.users).toEqual([{ name: 'shared', user: { username: 'first' } }]);
  });

  it('takes current-context from the first file that sets a non-empty one', async () => {
    const dir = await tempFiles({ '1.yaml': first, '2.yaml': second, '3.yaml': third });
    const env = { KUBECONFIG: ['1.yaml', '2.yaml', '3.yaml'].map((f) => join(dir, f)).join(':') };
    expect((await loadKubeConfig({ env })).config['current-context']).toBe('from-second');
  });

  it('records the file each entry came from', async () => {
    const dir = await tempFiles({ '1.yaml': first, '2.yaml': second });
    const loaded = await loadKubeConfig({ env: { KUBECONFIG: `${join(dir, '1.yaml')}:${join(dir, '2.yaml')}` } });
    expect(loaded.origins.clusters.get('shared')).toBe(join(dir, '1.yaml'));
    expect(loaded.origins.clusters.get('only-second')).toBe(join(dir, '2.yaml'));
    expect(loaded.files).toEqual([join(dir, '1.yaml'), join(dir, '2.yaml')]);
  });

  it('skips missing KUBECONFIG files', async () => {
    const dir = await tempFiles({ '2.yaml': second });
    const loaded = await loadKubeConfig({ env: { KUBECONFIG: `${join(dir, 'absent')}:${join(dir, '2.yaml')}` } });
    expect(loaded.files).toEqual([join(dir, '2.yaml')]);
    expect(loaded.config['current-context']).toBe('from-second');
  });

  it('fails on a missing explicit path with KUBECONFIG_NOT_FOUND naming it', async () => {
    const dir = await tempFiles({});
    const file = join(dir, 'absent.yaml');
    const error = await loadKubeConfig({ paths: [file] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeConfigError);
    expect(error).toMatchObject({ code: 'KUBECONFIG_NOT_FOUND', file });
    expect(String(error)).toContain(file);
  });

  it('reads ~/.kube/config when KUBECONFIG is unset, and returns an empty config when it is missing', async () => {
    const dir = await tempFiles({ 'home/.kube/config': second });
    expect((await loadKubeConfig({ env: {}, homeDir: join(dir, 'home') })).config['current-context']).toBe(
      'from-second',
    );
    expect(await loadKubeConfig({ env: {}, homeDir: join(dir, 'nohome') })).toMatchObject({ config: {}, files: [] });
  });

  it('resolves relative paths against each file’s own folder, unless asked to keep them', async () => {
    const dir = await tempFiles({
      'a/config': 'clusters: [{name: a, cluster: {certificate-authority: ca.crt}}]\n',
      'b/c/config': 'users: [{name: b, user: {tokenFile: ../tok, exec: {command: bin/p, apiVersion: v}}}]\n',
    });
    const env = { KUBECONFIG: `${join(dir, 'a/config')}:${join(dir, 'b/c/config')}` };
    const { config } = await loadKubeConfig({ env });
    expect(config.clusters?.[0]?.cluster['certificate-authority']).toBe(join(dir, 'a/ca.crt'));
    expect(config.users?.[0]?.user.tokenFile).toBe(join(dir, 'b/tok'));
    expect(config.users?.[0]?.user.exec?.command).toBe(join(dir, 'b/c/bin/p'));
    const raw = await loadKubeConfig({ env, resolvePaths: false });
    expect(raw.config.clusters?.[0]?.cluster['certificate-authority']).toBe('ca.crt');
  });

  it('accepts the same name in several files without error', async () => {
    const dir = await tempFiles({ '1.yaml': second, '2.yaml': second });
    const { config } = await loadKubeConfig({ paths: [join(dir, '1.yaml'), join(dir, '2.yaml')] });
    expect(config.clusters?.map((c) => c.name)).toEqual(['shared', 'only-second']);
  });

  it('merges preferences field by field and extensions by name', async () => {
    const dir = await tempFiles({
      '1.yaml': 'preferences: {extensions: [{name: p, extension: 1}]}\nextensions: [{name: e, extension: 1}]\n',
      '2.yaml': 'preferences: {colors: true, extensions: [{name: p, extension: 2}, {name: q, extension: 3}]}\n',
    });
    const { config } = await loadKubeConfig({ paths: [join(dir, '1.yaml'), join(dir, '2.yaml')] });
    expect(config.preferences).toEqual({
      colors: true,
      extensions: [
        { name: 'p', extension: 1 },
        { name: 'q', extension: 3 },
      ],
    });
    expect(config.extensions).toEqual([{ name: 'e', extension: 1 }]);
  });
});
