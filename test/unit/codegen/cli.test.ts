import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodes, runCli, usage } from '../../../src/cli/generate.js';
import { tempDir } from '../support/temp-dir.js';

const fixtures = resolve(import.meta.dirname, '../../fixtures/crds');

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('kubeloop generate crd', () => {
  it('prints the usage for --help and exits 0', async () => {
    expect(await run('--help')).toEqual({ code: exitCodes.ok, out: usage, err: '' });
    expect(usage).toContain('kubeloop generate crd --from-cluster --group <group>');
  });

  it.each([
    [[], ''],
    [['generate', 'crds', 'x.yaml', '--out', 'o'], 'unknown command: generate crds'],
    [['generate', 'crd', 'x.yaml'], '--out <dir> is required'],
    [['generate', 'crd', '--out', 'o'], 'name at least one CRD file'],
    [['generate', 'crd', '--from-cluster', '--out', 'o'], '--from-cluster needs --group <group>'],
    [['generate', 'crd', 'x.yaml', '--from-cluster', '--group', 'g', '--out', 'o'], 'not both'],
    [['generate', 'crd', 'x.yaml', '--group', 'g', '--out', 'o'], '--group and --context go with --from-cluster'],
    [['generate', 'crd', 'x.yaml', '--out', 'o', '--colour'], "Unknown option '--colour'"],
  ])('exits 2 with the usage for the command line %j', async (argv, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(exitCodes.usage);
    expect(`${result.out}${result.err}`).toContain(message);
    expect(`${result.out}${result.err}`).toContain(usage);
  });

  it('writes one module per group/version and says which', async () => {
    const out = await tempDir('kubeloop-cli-');
    const result = await run(
      'generate',
      'crd',
      join(fixtures, 'rollout.yaml'),
      join(fixtures, 'issuers.yaml'),
      '--out',
      out,
    );
    expect(result.code).toBe(exitCodes.ok);
    expect(result.out).toContain('wrote 2 module(s) for 3 CRD(s)');
    for (const file of ['types.ts', 'client.ts', 'index.ts']) {
      expect(existsSync(join(out, 'deploy-kubeloop-test-v1alpha1', file))).toBe(true);
      expect(existsSync(join(out, 'certs-kubeloop-test-v1', file))).toBe(true);
    }
  });

  it('exits 1 naming the file, and writes nothing, when one input is bad', async () => {
    const dir = await tempDir('kubeloop-cli-');
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, 'kind: CustomResourceDefinition\n  bad: [indent\n');
    const result = await run('generate', 'crd', join(fixtures, 'rollout.yaml'), broken, '--out', join(dir, 'out'));
    expect(result.code).toBe(exitCodes.failed);
    expect(result.err).toContain(`kubeloop generate crd: ${broken}: is not valid YAML`);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('exits 1 for a missing file and for a file without a CRD', async () => {
    const dir = await tempDir('kubeloop-cli-');
    const missing = await run('generate', 'crd', join(dir, 'absent.yaml'), '--out', dir);
    expect(missing).toMatchObject({ code: exitCodes.failed });
    expect(missing.err).toContain('absent.yaml: cannot read it (ENOENT)');
    const empty = join(dir, 'namespace.yaml');
    await writeFile(empty, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n');
    expect((await run('generate', 'crd', empty, '--out', dir)).err).toContain(
      `${empty}: holds no CustomResourceDefinition`,
    );
  });

  it('names the document of a multi-document file in its errors', async () => {
    const dir = await tempDir('kubeloop-cli-');
    const bundle = join(dir, 'bundle.yaml');
    const crd = (scope: string) =>
      `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: as.b.test\nspec:\n  group: b.test\n  names: {kind: A, plural: as}\n  scope: ${scope}\n  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]\n`;
    await writeFile(bundle, `${crd('Namespaced')}---\n${crd('Everywhere')}`);
    const result = await run('generate', 'crd', bundle, '--out', dir);
    expect(result.err).toBe(
      `kubeloop generate crd: ${bundle} (document 2): CRD as.b.test: spec.scope: must be Namespaced or Cluster`,
    );
  });
});
