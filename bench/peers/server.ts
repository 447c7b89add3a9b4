// Replays a pod apiserver on loopback for the peer benchmark: paginated lists, watch bursts on demand, a 410 trigger.
// Run: node bench/peers/server.ts <objects> <events>; prints {"url": …} once listening. Control (POST):
// /control/burst writes the burst of MODIFIED events to every open watch (waiting for one to open);
// /control/expire ends every open watch with an ERROR 410 Expired event, as an apiserver whose history moved on.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { partial, pod } from './data.ts';

const objects = Number(process.argv[2] ?? 10_000);
const events = Number(process.argv[3] ?? 20_000);

/** Pod i is at resourceVersion i + 1; the list is at `objects`; burst event k is at `objects` + 1 + k. */
const listResourceVersion = String(objects);
const full = Array.from({ length: objects }, (_, i) => JSON.stringify(pod(i, i + 1)));
const meta = full.map((json) => JSON.stringify(partial(JSON.parse(json) as Record<string, unknown>)));

/** One encoded burst per representation, built on first use: every watcher gets the very same bytes. */
const bursts = new Map<boolean, Buffer>();
function burst(metadataOnly: boolean): Buffer {
  let bytes = bursts.get(metadataOnly);
  if (bytes) return bytes;
  const lines: string[] = [];
  for (let k = 0; k < events; k++) {
    const full = pod(k % objects, objects + 1 + k);
    lines.push(JSON.stringify({ type: 'MODIFIED', object: metadataOnly ? partial(full) : full }));
  }
  bytes = Buffer.from(`${lines.join('\n')}\n`);
  bursts.set(metadataOnly, bytes);
  return bytes;
}

const expired = JSON.stringify({
  type: 'ERROR',
  object: {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'too old resource version',
    reason: 'Expired',
    code: 410,
  },
});

const watches = new Set<{ readonly res: ServerResponse; readonly metadataOnly: boolean }>();

function list(res: ServerResponse, query: URLSearchParams, metadataOnly: boolean): void {
  const items = metadataOnly ? meta : full;
  const limit = Number(query.get('limit') ?? 0);
  const from = Number(query.get('continue') || 0);
  const to = limit > 0 ? Math.min(items.length, from + limit) : items.length;
  const kind = metadataOnly
    ? '"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1"'
    : '"kind":"PodList","apiVersion":"v1"';
  const next = to < items.length ? `,"continue":"${to}","remainingItemCount":${items.length - to}` : '';
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write(`{${kind},"metadata":{"resourceVersion":"${listResourceVersion}"${next}},"items":[`);
  // Written in slices, so even 100k pods never become one string.
  for (let at = from; at < to; at += 500) {
    res.write(`${at > from ? ',' : ''}${items.slice(at, Math.min(to, at + 500)).join(',')}`);
  }
  res.end(']}');
}

function watch(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, metadataOnly: boolean): void {
  if (query.get('sendInitialEvents') === 'true') {
    const status = { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'BadRequest', code: 400 };
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(status));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.flushHeaders();
  const entry = { res, metadataOnly };
  watches.add(entry);
  req.on('close', () => watches.delete(entry));
}

async function control(action: string, res: ServerResponse): Promise<void> {
  if (action === 'burst') {
    for (let waited = 0; watches.size === 0 && waited < 60_000; waited += 5) await new Promise((r) => setTimeout(r, 5));
    for (const { res: watcher, metadataOnly } of watches) watcher.write(burst(metadataOnly));
  } else if (action === 'expire') {
    for (const { res: watcher } of watches) watcher.end(`${expired}\n`);
    watches.clear();
  }
  res.writeHead(204).end();
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const metadataOnly = (req.headers.accept ?? '').includes('as=PartialObjectMetadata');
  if (req.method === 'POST' && url.pathname.startsWith('/control/')) {
    void control(url.pathname.slice('/control/'.length), res);
  } else if (url.pathname === '/api/v1/pods') {
    const query = url.searchParams;
    if (query.get('watch') === 'true' || query.get('watch') === '1') watch(req, res, query, metadataOnly);
    else list(res, query, metadataOnly);
  } else {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"kind":"Status","code":404}');
  }
});
server.keepAliveTimeout = 60_000;
// Build both bursts before announcing the URL, so no peer pays for their encoding.
burst(false);
burst(true);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  console.log(JSON.stringify({ url: `http://127.0.0.1:${address.port}` }));
});
