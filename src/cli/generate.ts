/** Parses and runs `kubeloop generate crd`: reads CRDs from files or the cluster and writes typed modules. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { inferConfig } from '../client/config/infer.ts';
import { generateCrds } from '../codegen/crd.ts';
import type { CrdInput } from '../codegen/crd-input.ts';
import { readClusterCrds, readCrdFiles } from '../codegen/crd-sources.ts';
import { KubeloopError } from '../errors.ts';

/** Where the CLI writes: injected so tests read what a user would see. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/** Exit codes: 0 done, 1 the input or the cluster failed, 2 the command line is wrong. */
export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const;

export const usage = `Usage:
  kubeloop generate crd <file.yaml>... --out <dir>
  kubeloop generate crd --from-cluster --group <group> [--context <name>] --out <dir>

Writes TypeScript types and typed clients for CustomResourceDefinitions (apiextensions.k8s.io/v1): one module per
served group/version, <dir>/<group-with-dashes>-<version>/{types,client,index}.ts, importing kubeloop/client.

  --out <dir>        the folder to write into (existing modules of the same name are overwritten)
  --from-cluster     read the CRDs of --group from the current cluster (KUBECONFIG or ~/.kube/config, else in-cluster)
  --group <group>    with --from-cluster: the API group, e.g. cert-manager.io
  --context <name>   with --from-cluster: the kubeconfig context (default: the current context)
  -h, --help         show this help

Files may hold several YAML documents; documents that are not CRDs are skipped. Enums become string literal
unions, defaults become @defaultValue TSDoc, x-kubernetes-int-or-string fields are number | string.

Exit codes: 0 written, 1 bad input or cluster error (nothing written), 2 bad command line.`;

class UsageError extends Error {}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        'from-cluster': { type: 'boolean' },
        group: { type: 'string' },
        context: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

async function readInput(files: readonly string[], values: ReturnType<typeof parse>['values']): Promise<CrdInput[]> {
  if (values['from-cluster'] === true) {
    if (files.length > 0) throw new UsageError('give either CRD files or --from-cluster, not both');
    if (values.group === undefined || values.group === '') throw new UsageError('--from-cluster needs --group <group>');
    const overrides = values.context === undefined ? {} : { context: values.context };
    return await readClusterCrds(await inferConfig({ overrides }), values.group);
  }
  if (values.group !== undefined || values.context !== undefined) {
    throw new UsageError('--group and --context go with --from-cluster');
  }
  if (files.length === 0) throw new UsageError('name at least one CRD file, or use --from-cluster --group <group>');
  return await readCrdFiles(files);
}

/** Runs the CLI on `argv` (without `node` and the script); resolves to the exit code. */
export async function runCli(argv: readonly string[], output: CliOutput): Promise<number> {
  try {
    const { values, positionals } = parse(argv);
    if (values.help === true || positionals.length === 0) {
      output.out(usage);
      return values.help === true ? exitCodes.ok : exitCodes.usage;
    }
    const [command, what, ...files] = positionals;
    if (command !== 'generate' || what !== 'crd')
      throw new UsageError(`unknown command: ${positionals.slice(0, 2).join(' ')}`);
    if (values.out === undefined || values.out === '') throw new UsageError('--out <dir> is required');
    const crds = await readInput(files, values);
    const out = resolve(values.out);
    const written = await generateCrds(crds, out);
    const modules = [...new Set(written.map((path) => path.split('/')[0]))];
    output.out(
      `kubeloop: wrote ${modules.length} module(s) for ${crds.length} CRD(s) under ${out}: ${modules.join(', ')}`,
    );
    return exitCodes.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`kubeloop: ${error.message}\n\n${usage}`);
      return exitCodes.usage;
    }
    if (error instanceof KubeloopError) {
      output.err(error.message.startsWith('kubeloop') ? error.message : `kubeloop: ${error.message}`);
      return exitCodes.failed;
    }
    throw error;
  }
}
