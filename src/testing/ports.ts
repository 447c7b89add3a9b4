/** Finds free TCP ports on the loopback address. */
import { createServer } from 'node:net';

/** Returns a port that was free on 127.0.0.1 a moment ago; callers retry if another process takes it first. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
