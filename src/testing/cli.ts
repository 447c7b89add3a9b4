#!/usr/bin/env node
/** Runs a local control plane for manual use: `up [--cluster]` starts one in the background, `env` prints its KUBECONFIG, `down` stops it. */
// First: fails clearly on an unsupported Node.js before any dependency loads.
import '../runtime-check.js';

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startControlPlane } from './control-plane.js';
import { endRecordedProcesses } from './leftovers.js';
import { checkGuardian, type GuardianCheck } from './processes.js';

interface State {
  readonly kubeconfigPath: string;
  readonly server: string;
  readonly guardianPid: number;
  /** Absent in state files written before tokens: such a pid can never be confirmed, so it is never signalled. */
  readonly guardianToken?: string;
  readonly dir?: string;
  /** The pinned kubectl, which `env` puts first on PATH; absent in state files written before it. */
  readonly kubectl?: string;
  /** Whether it is a whole cluster (`up --cluster`). */
  readonly cluster?: boolean;
}

const stateFile = join(
  process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
  'kubeloop',
  'run',
  'control-plane.json',
);

// The guardian needs about a second (apiserver SIGTERM, then SIGKILL, then rm); far more means it is stuck.
const defaultDownTimeoutMs = 15_000;

const say = (message: string): void => console.error(`kubeloop-control-plane: ${message}`);

async function readStateFile(): Promise<State | undefined> {
  try {
    return JSON.parse(await readFile(stateFile, 'utf8')) as State;
  } catch {
    return undefined;
  }
}

/** The recorded control plane when its guardian is still ours and running. */
async function readState(): Promise<State | undefined> {
  const state = await readStateFile();
  if (!state?.guardianToken) return undefined;
  return (await checkGuardian(state.guardianPid, state.guardianToken)).state === 'ours' ? state : undefined;
}

async function up(args: readonly string[]): Promise<void> {
  // A whole cluster: controller-manager, scheduler and kwok's simulated nodes beside the apiserver.
  const cluster = args.includes('--cluster');
  const running = await readState();
  if (running && cluster && !running.cluster) {
    throw new Error(
      'a control plane without --cluster is running; stop it first with: npx kubeloop-control-plane down',
    );
  }
  if (running) {
    console.log(running.kubeconfigPath);
    return;
  }
  const plane = await startControlPlane({ persist: true, ...(cluster ? { cluster: {} } : {}) });
  const state: State = {
    kubectl: plane.binaries.kubectl,
    cluster,
    kubeconfigPath: plane.kubeconfigPath,
    server: plane.server,
    guardianPid: plane.guardianPid,
    guardianToken: plane.guardianToken,
    dir: plane.dir,
  };
  await mkdir(join(stateFile, '..'), { recursive: true });
  await writeFile(stateFile, JSON.stringify(state));
  const what = cluster ? `a cluster of ${plane.cluster?.nodes.length} simulated nodes` : 'a control plane';
  say(
    `${what}, Kubernetes ${plane.versions.kubernetes} at ${plane.server}; stop it with: npx kubeloop-control-plane down`,
  );
  console.log(plane.kubeconfigPath);
}

/** Signals our guardian and waits (bounded) until it is gone; true when it went within the timeout. */
async function signalAndWait(state: State & { guardianToken: string }, signal: NodeJS.Signals, timeoutMs: number) {
  process.kill(state.guardianPid, signal);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await checkGuardian(state.guardianPid, state.guardianToken)).state !== 'ours') return true;
    await sleep(100);
  }
  return false;
}

/** Parses `--timeout=<seconds>`. */
function downTimeoutMs(args: readonly string[]): number {
  const flag = args.find((arg) => arg.startsWith('--timeout='));
  if (flag === undefined) return defaultDownTimeoutMs;
  const seconds = Number(flag.slice('--timeout='.length));
  if (!(seconds > 0)) throw new Error(`--timeout wants a number of seconds, got ${flag}`);
  return seconds * 1000;
}

/** Why a recorded guardian pid is not ours, and that it was left alone. */
function staleReason(pid: number, check: GuardianCheck | undefined): string {
  if (check === undefined) {
    return `the state file has no guardian token, so pid ${pid} cannot be confirmed as ours; it was not signalled`;
  }
  if (check.state === 'other') {
    return `pid ${pid} is now another process (${check.command.slice(0, 200)}); it was not signalled`;
  }
  return `its guardian (pid ${pid}) is no longer running`;
}

/**
 * Ends what a guardian killed with SIGKILL could not: the processes recorded in the plane's folder, then the folder;
 * returns what to tell the user.
 */
async function cleanUpAfterGuardian(state: State, timeoutMs: number): Promise<string> {
  const outcome = state.dir ? await endRecordedProcesses(state.dir, timeoutMs) : undefined;
  if (outcome?.removedDir) {
    return `ended the ${outcome.killed.length} processes it owned and removed ${state.dir}`;
  }
  if (outcome?.recorded) {
    return `pids ${outcome.remaining.join(', ')} still run after SIGKILL; ${state.dir} is kept`;
  }
  // No list (a plane from an older version): both servers name the folder in their flags.
  const hint = state.dir ? `pkill -f ${state.dir}; rm -rf ${state.dir}` : 'look for etcd and kube-apiserver processes';
  return `its etcd and kube-apiserver may still run and its folder remain: ${hint}`;
}

async function down(args: readonly string[]): Promise<void> {
  const timeoutMs = downTimeoutMs(args);
  const state = await readStateFile();
  if (!state) {
    say('no local control plane is recorded; nothing to stop');
    return;
  }
  const pid = state.guardianPid;
  const token = state.guardianToken;
  const check = token ? await checkGuardian(pid, token) : undefined;
  if (!token || check?.state !== 'ours') {
    await rm(stateFile, { force: true });
    say(`the recorded control plane is not running: ${staleReason(pid, check)}; removed the stale ${stateFile}`);
    return;
  }
  const ours = { ...state, guardianToken: token };
  if (await signalAndWait(ours, 'SIGTERM', timeoutMs)) {
    await rm(stateFile, { force: true });
    say(`stopped the control plane at ${state.server} (guardian pid ${pid})`);
    return;
  }
  const killed = await signalAndWait(ours, 'SIGKILL', timeoutMs);
  process.exitCode = 1;
  const stuck = `the guardian (pid ${pid}) did not stop within ${timeoutMs / 1000} s of SIGTERM`;
  if (!killed) {
    say(`${stuck}; it survived SIGKILL too; ${stateFile} is kept`);
    return;
  }
  await rm(stateFile, { force: true });
  say(`${stuck}; killed it with SIGKILL, then ${await cleanUpAfterGuardian(state, timeoutMs)}`);
}

async function env(): Promise<void> {
  const state = await readState();
  if (!state) throw new Error('no local control plane is running; start one with: npx kubeloop-control-plane up');
  console.log(`export KUBECONFIG=${state.kubeconfigPath}`);
  // The kubectl of the pinned release first, so `kubectl` matches the server whatever else is installed.
  if (state.kubectl) console.log(`export PATH=${dirname(state.kubectl)}:$PATH`);
}

const commands: Record<string, (args: readonly string[]) => Promise<void>> = { up, down, env };
const command = commands[process.argv[2] ?? ''];
if (!command) {
  console.error('usage: kubeloop-control-plane up [--cluster] | down [--timeout=<seconds>] | env');
  process.exitCode = 2;
} else {
  command(process.argv.slice(3)).catch((error: unknown) => {
    console.error(`kubeloop-control-plane: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
