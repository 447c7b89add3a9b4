// Proves loadKubeConfig merges exactly as the pinned kubectl does, by diffing against `kubectl config view`.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import type { KubeConfigFile } from '../../../src/client/config/kubeconfig-file.js';
import { loadKubeConfig } from '../../../src/client/config/loader.js';
import { kubeConfigView } from '../../../src/client/config/view.js';

const run = promisify(execFile);
const fixtures = join(import.meta.dirname, '../../fixtures/kubeconfig');

/** A KUBECONFIG value built from fixture files, relative to the working directory both programs share. */
function kubeconfigList(...files: string[]): string {
  return files.map((file) => (file === '' ? '' : relative(process.cwd(), join(fixtures, file)))).join(':');
}

async function kubectlView(kubeconfig: string, ...flags: string[]): Promise<string> {
  const { kubectl } = inject('controlPlane');
  const env = { PATH: process.env.PATH ?? '', HOME: join(fixtures, 'no-home'), KUBECONFIG: kubeconfig };
  const { stdout } = await run(kubectl, ['config', 'view', '--raw', '-o', 'json', ...flags], { env });
  return stdout;
}

async function ourView(kubeconfig: string): Promise<string> {
  const loaded = await loadKubeConfig({ env: { KUBECONFIG: kubeconfig }, resolvePaths: false });
  return kubeConfigView(loaded.config);
}

const cases: Record<string, string> = {
  'a single file': kubeconfigList('single/config'),
  'conflicting entries across files (first file wins, whole entry)': kubeconfigList(
    'conflicts/first.yaml',
    'conflicts/second.yaml',
  ),
  'conflicting entries in the other order': kubeconfigList('conflicts/second.yaml', 'conflicts/first.yaml'),
  'current-context set by a later file when the first leaves it empty': kubeconfigList(
    'current-context/no-current.yaml',
    'current-context/b.yaml',
    'current-context/c.yaml',
  ),
  'relative paths kept as written': kubeconfigList('relative-paths/nested/dir/config', 'relative-paths/top.yaml'),
  'missing files and empty entries skipped': kubeconfigList(
    'missing-files/absent.yaml',
    '',
    'missing-files/present.yaml',
    'missing-files/also-absent/config',
    'missing-files/later.yaml',
  ),
  'data and file fields, with base64 re-encoded canonically': kubeconfigList('data-vs-file/config'),
  'exec users with env, args, installHint, provideClusterInfo and interactiveMode': kubeconfigList('exec-users/config'),
  'extensions everywhere, YAML 1.1 scalars and first-wins by name': kubeconfigList(
    'extensions/first.yaml',
    'extensions/second.yaml',
  ),
  'preferences merged field by field': kubeconfigList('preferences/off.yaml', 'preferences/on.yaml'),
  'empty files, comment-only files and empty lists': kubeconfigList(
    'empty-files/empty.yaml',
    'empty-files/comment.yaml',
    'empty-files/braces.yaml',
    'empty-files/document-marker.yaml',
    'empty-files/real.yaml',
  ),
  'only empty files': kubeconfigList('empty-files/empty.yaml', 'empty-files/comment.yaml'),
  'context namespaces': kubeconfigList('namespaces/config'),
  'impersonation fields': kubeconfigList('impersonation/config'),
  'proxy-url, tls-server-name, insecure-skip-tls-verify and disable-compression': kubeconfigList('proxy-tls/config'),
  'token, tokenFile, basic auth and auth-provider users': kubeconfigList('token-basic/config'),
  'the same file listed twice': kubeconfigList('duplicates/config', 'duplicates/other.yaml', 'duplicates/config'),
  'anchors, merge keys, duplicate keys, nulls and unknown fields': kubeconfigList('yaml-quirks/config'),
  'CRLF line ends, a BOM, tabs, !!binary and several YAML documents (only the first counts)': kubeconfigList(
    'yaml-documents/crlf-multi.yaml',
    'yaml-documents/bom-tab.yaml',
  ),
  'a first YAML document that is empty': kubeconfigList('yaml-documents/empty-first.yaml'),
  'characters Go escapes in JSON': kubeconfigList('escaping/config'),
  'four files': kubeconfigList('many-files/1.yaml', 'many-files/2.yaml', 'many-files/3.yaml', 'many-files/4.yaml'),
  'four files in reverse': kubeconfigList(
    'many-files/4.yaml',
    'many-files/3.yaml',
    'many-files/2.yaml',
    'many-files/1.yaml',
  ),
  'no file at all': kubeconfigList('missing-files/absent.yaml'),
};

describe('the merged kubeconfig view', () => {
  // Byte-for-byte: the same struct order, omitted empty fields, sorting, indentation and escaping as kubectl.
  it.each(Object.entries(cases))('equals kubectl config view for %s', async (_name, kubeconfig) => {
    expect(await ourView(kubeconfig)).toBe(await kubectlView(kubeconfig));
  });

  it('equals kubectl config view for the control plane kubeconfig', async () => {
    const { kubeconfigPath } = inject('controlPlane');
    expect(await ourView(kubeconfigPath)).toBe(await kubectlView(kubeconfigPath));
  });
});

/** Inlines file references as `kubectl config view --flatten` does, reading the paths loadKubeConfig resolved. */
async function flatten(config: KubeConfigFile): Promise<KubeConfigFile> {
  const inline = async (file: string | undefined) =>
    file === undefined ? undefined : (await readFile(file)).toString('base64');
  const clusters = await Promise.all(
    (config.clusters ?? []).map(async ({ name, cluster: { 'certificate-authority': ca, ...rest } }) => {
      const data = await inline(ca);
      return { name, cluster: data === undefined ? rest : { ...rest, 'certificate-authority-data': data } };
    }),
  );
  const users = await Promise.all(
    (config.users ?? []).map(async ({ name, user: { 'client-certificate': cert, 'client-key': key, ...rest } }) => {
      const [certData, keyData] = [await inline(cert), await inline(key)];
      return {
        name,
        user: {
          ...rest,
          ...(certData === undefined ? {} : { 'client-certificate-data': certData }),
          ...(keyData === undefined ? {} : { 'client-key-data': keyData }),
        },
      };
    }),
  );
  return { ...config, clusters, users };
}

describe('relative paths', () => {
  it('resolve to the files kubectl reads for --flatten', async () => {
    const kubeconfig = kubeconfigList('flatten/dir/config', 'flatten/top.yaml');
    const loaded = await loadKubeConfig({ env: { KUBECONFIG: kubeconfig } });
    const flattened = await flatten(loaded.config);
    // kubectl --flatten leaves tokenFile untouched and as written; ours is resolved against the file's folder.
    const tokenFile = join(fixtures, 'flatten/pki/token');
    expect(flattened.users?.[0]?.user.tokenFile).toBe(tokenFile);
    const expected = (await kubectlView(kubeconfig, '--flatten')).replace('"../pki/token"', JSON.stringify(tokenFile));
    expect(kubeConfigView(flattened)).toBe(expected);
  });
});
