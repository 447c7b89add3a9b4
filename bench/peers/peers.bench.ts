// Measures kubeloop beside its peers end to end over HTTP: each informer in its own process on the same replayed
// pods (loopback server), rotated between repeats; prints every figure and each target's ratio from the same run.
// Run: npm run bench -- peers (N = 10k and 50k, then 100k pods for kubeloop and client-go only, which fails the run
// unless kubeloop syncs them within its 2 GiB heap), or npm run bench:quick (N = 10k, gates kubeloop vs client-node).
// BENCH_PEER_OBJECTS (comma-separated), BENCH_PEER_LARGE ('' skips the 100k run), BENCH_PEER_EVENTS and
// BENCH_PEER_REPEATS override the sizes.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { homedir, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { machine } from '../report.ts';
import type { PeerResult } from './protocol.ts';
import { printPeers, printRelist, printTargets, printWorkqueue, type Runs } from './tables.ts';

const quick = process.argv.includes('--quick');
const here = import.meta.dirname;
const sizes = (process.env.BENCH_PEER_OBJECTS ?? (quick ? '10000' : '10000,50000'))
  .split(',')
  .filter(Boolean)
  .map(Number);
const large = (process.env.BENCH_PEER_LARGE ?? (quick ? '' : '100000')).split(',').filter(Boolean).map(Number);
const events = Number(process.env.BENCH_PEER_EVENTS ?? 50_000);
// Quick runs only three short processes, so it can afford more repeats against a loaded CI machine.
const repeats = Number(process.env.BENCH_PEER_REPEATS ?? (quick ? 7 : 3));
/** A peer gets this long per run; a larger heap than Node's default lets 100k pods through for everyone alike. */
const peerTimeoutMs = 10 * 60_000;
const nodeFlags = ['--max-old-space-size=2048'];

/** One process to run per repeat: its label in the tables and its command line after the server URL. */
interface Peer {
  readonly label: string;
  readonly command: (url: string, objects: number) => readonly string[];
}

const node = (file: string, mode: string): Peer => ({
  label: file === 'kubeloop' ? `kubeloop ${mode}` : file,
  command: (url, objects) => [
    process.execPath,
    ...nodeFlags,
    join(here, `${file}.ts`),
    url,
    mode,
    `${objects}`,
    `${events}`,
  ],
});
const go = (binary: string, mode: string): Peer => ({
  label: `client-go ${mode}`,
  command: (url, objects) => [binary, `-url=${url}`, `-mode=${mode}`, `-objects=${objects}`, `-events=${events}`],
});

/** Builds the client-go peer into the cache dir (Go's build cache makes a rebuild cheap); undefined without Go. */
function buildClientGo(): string | undefined {
  const dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kubeloop', 'bench');
  mkdirSync(dir, { recursive: true });
  const binary = join(dir, 'client-go-peer');
  const env = { ...process.env, GOFLAGS: '-mod=mod' };
  const built = spawnSync('go', ['build', '-o', binary, '.'], { cwd: join(here, 'client-go'), env, stdio: 'inherit' });
  if (built.status === 0) return binary;
  console.error('bench peers: no client-go peer (go build failed or Go is missing)');
  return undefined;
}

async function startServer(objects: number): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(process.execPath, [join(here, 'server.ts'), `${objects}`, `${events}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) return { url: (JSON.parse(line) as { url: string }).url, process: child };
  throw new Error('the replay server exited before listening');
}

function runPeer(argv: readonly string[]): PeerResult | undefined {
  const [command = '', ...args] = argv;
  // client-go would otherwise try a streaming watch-list first; every peer does a paginated list + watch.
  const env = { ...process.env, KUBE_FEATURE_WatchListClient: 'false' };
  const run = spawnSync(command, args, { env, encoding: 'utf8', timeout: peerTimeoutMs, maxBuffer: 64 << 20 });
  const line = run.stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{"'));
  if (run.status === 0 && line) return JSON.parse(line) as PeerResult;
  console.error(`bench peers: ${argv.slice(0, 3).join(' ')} failed (${run.status ?? run.signal}):\n${run.stderr}`);
  return undefined;
}

/** Runs every peer `repeats` times, rotating the order each repeat so none always runs first or last. */
function rotated(peers: readonly Peer[], argsOf: (peer: Peer) => readonly string[]): Runs {
  const runs: Runs = new Map(peers.map((peer) => [peer.label, []]));
  for (let r = 0; r < repeats; r++) {
    for (let i = 0; i < peers.length; i++) {
      const peer = peers[(i + r) % peers.length] as Peer;
      const result = runPeer(argsOf(peer));
      console.error(`bench peers: repeat ${r + 1}/${repeats} ${peer.label} ${result ? 'done' : 'failed'}`);
      runs.get(peer.label)?.push(result);
    }
  }
  return runs;
}

const binary = quick ? undefined : buildClientGo();
const goVersion = binary ? spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).stdout.trim() : undefined;
const peers: Peer[] = [node('kubeloop', 'full'), node('client-node', 'full'), node('floor', 'full')];
if (!quick) peers.push(node('kubeloop', 'stripped'), node('kubeloop', 'metadata'));
if (binary) peers.push(go(binary, 'full'), go(binary, 'stripped'), go(binary, 'metadata'));

/** Runs `runPeers` on a replay server of `objects` pods and prints their tables; returns the runs. */
async function measureAt(objects: number, runPeers: readonly Peer[]): Promise<Runs> {
  const load = loadavg()[0]?.toFixed(1);
  const server = await startServer(objects);
  const runs = rotated(runPeers, (peer) => peer.command(server.url, objects));
  server.process.kill();
  const title = `${objects} pods (~3.1 KB), a burst of ${events} MODIFIED events, ${repeats} rotated repeats`;
  console.log(`\n### Peers: ${title}\n\n${machine(goVersion)} · load average ${load} → ${loadavg()[0]?.toFixed(1)}\n`);
  printPeers(runs, events);
  printRelist(runs);
  return runs;
}

let gateRatio = Number.POSITIVE_INFINITY;
for (const objects of sizes) gateRatio = Math.min(gateRatio, printTargets(await measureAt(objects, peers)));
// The large run: kubeloop must sync every pod within its 2 GiB heap (no V8 string-length failure either).
for (const objects of large) {
  const runs = await measureAt(
    objects,
    peers.filter((p) => p.label === 'kubeloop full' || p.label === 'client-go full'),
  );
  printTargets(runs);
  const failed = (runs.get('kubeloop full') ?? []).filter((r) => r?.objects !== objects).length;
  if (failed > 0) {
    console.error(`bench peers: kubeloop did not sync ${objects} pods within a 2 GiB heap in ${failed} run(s)`);
    process.exitCode = 1;
  }
}
if (!quick) {
  const wq = [node('kubeloop', 'workqueue'), ...(binary ? [go(binary, 'workqueue')] : [])];
  printWorkqueue(rotated(wq, (peer) => peer.command('', 100_000)));
}
// The CI gate: kubeloop's watch throughput must not fall below 0.9× client-node's measured in the same run.
if (!(gateRatio >= 0.9)) {
  console.error(`bench peers: kubeloop's events/s is ${gateRatio.toFixed(2)}× client-node's (< 0.9×, or a run failed)`);
  process.exitCode = 1;
}
