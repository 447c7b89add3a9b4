#!/usr/bin/env node
/** Runs a local control plane for manual use: `up` starts one in the background, `env` prints its KUBECONFIG, `down` stops it. */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane } from './control-plane.js';

interface State {
  readonly kubeconfigPath: string;
  readonly server: string;
  readonly guardianPid: number;
}

const stateFile = join(
  process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
  'kubeloop',
  'run',
  'control-plane.json',
);

async function readState(): Promise<State | undefined> {
  try {
    const state = JSON.parse(await readFile(stateFile, 'utf8')) as State;
    process.kill(state.guardianPid, 0);
    return state;
  } catch {
    return undefined;
  }
}

async function up(): Promise<void> {
  const running = await readState();
  if (running) {
    console.log(running.kubeconfigPath);
    return;
  }
  const plane = await startControlPlane({ persist: true });
  const state: State = { kubeconfigPath: plane.kubeconfigPath, server: plane.server, guardianPid: plane.guardianPid };
  await mkdir(join(stateFile, '..'), { recursive: true });
  await writeFile(stateFile, JSON.stringify(state));
  console.error(
    `kubeloop: Kubernetes ${plane.versions.kubernetes} at ${plane.server}; stop it with: npx kubeloop-control-plane down`,
  );
  console.log(plane.kubeconfigPath);
}

async function down(): Promise<void> {
  const state = await readState();
  if (state) {
    process.kill(state.guardianPid, 'SIGTERM');
    for (;;) {
      try {
        process.kill(state.guardianPid, 0);
        await new Promise((resolve) => setTimeout(resolve, 100));
      } catch {
        break;
      }
    }
  }
  await rm(stateFile, { force: true });
}

async function env(): Promise<void> {
  const state = await readState();
  if (!state) throw new Error('no local control plane is running; start one with: npx kubeloop-control-plane up');
  console.log(`export KUBECONFIG=${state.kubeconfigPath}`);
}

const commands: Record<string, () => Promise<void>> = { up, down, env };
const command = commands[process.argv[2] ?? ''];
if (!command) {
  console.error('usage: kubeloop-control-plane up|down|env');
  process.exitCode = 2;
} else {
  command().catch((error: unknown) => {
    console.error(`kubeloop-control-plane: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
