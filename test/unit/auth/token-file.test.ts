import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAuthenticator, TokenFileError, tokenFileRereadMs } from '../../../src/client/rest/auth/index.js';
import { FakeClock } from '../../fixtures/exec-plugin/exec-config.js';
import { tempDir } from '../support/temp-dir.js';
import { capturingLogger } from './log-capture.js';

const host = 'https://127.0.0.1:6443';

async function tokenFile(content: string): Promise<string> {
  const path = join(await tempDir('kubeloop-token-'), 'token');
  await writeFile(path, content);
  return path;
}

describe('bearer token files', () => {
  it('sends the file content, trimmed, as a bearer token', async () => {
    const path = await tokenFile('  file-token-1\n');
    const auth = createAuthenticator({ host, bearerTokenFile: path });
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer file-token-1' });
  });

  it('keeps the read token for a minute and re-reads the file after that', async () => {
    const clock = new FakeClock();
    const path = await tokenFile('old');
    const auth = createAuthenticator({ host, bearerTokenFile: path }, { clock });
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer old' });
    await writeFile(path, 'rotated');
    clock.advance(tokenFileRereadMs - 1);
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer old' });
    clock.advance(1);
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer rotated' });
    expect(tokenFileRereadMs).toBe(60_000);
  });

  it('re-reads the file at once on refresh and asks for a retry only when the token changed', async () => {
    const path = await tokenFile('old');
    const auth = createAuthenticator({ host, bearerTokenFile: path }, { clock: new FakeClock() });
    const rejected = await auth.headers();
    expect(await auth.refresh(rejected)).toBe(false);
    await writeFile(path, 'rotated');
    expect(await auth.refresh(rejected)).toBe(true);
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer rotated' });
  });

  it('asks for a retry when the file rotated since the rejected request, even if read in between', async () => {
    const clock = new FakeClock();
    const path = await tokenFile('old');
    const auth = createAuthenticator({ host, bearerTokenFile: path }, { clock });
    const rejected = await auth.headers();
    await writeFile(path, 'rotated');
    clock.advance(tokenFileRereadMs);
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer rotated' });
    expect(await auth.refresh({ authorization: rejected.Authorization ?? '' })).toBe(true);
  });

  it('fails with a TokenFileError naming the file when it was never readable', async () => {
    const path = join(tmpdir(), 'kubeloop-no-such-dir', 'token');
    const error = await createAuthenticator({ host, bearerTokenFile: path })
      .headers()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenFileError);
    expect((error as TokenFileError).message).toBe(`cannot read bearer token file ${path}: ENOENT`);
  });

  it('rejects an empty token file', async () => {
    const path = await tokenFile(' \n');
    await expect(createAuthenticator({ host, bearerTokenFile: path }).headers()).rejects.toThrow(/is empty/);
  });

  it('falls back to the static token while the file cannot be read', async () => {
    const path = join(tmpdir(), 'kubeloop-no-such-dir', 'token');
    const auth = createAuthenticator({ host, bearerTokenFile: path, bearerToken: 'static' });
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer static' });
  });

  it('keeps the last good token when the file disappears after a successful read', async () => {
    const clock = new FakeClock();
    const path = await tokenFile('good');
    const auth = createAuthenticator({ host, bearerTokenFile: path, bearerToken: 'static' }, { clock });
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer good' });
    await rm(path);
    clock.advance(tokenFileRereadMs);
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer good' });
  });

  it('tries a vanished file again a period later, warning once per attempt', async () => {
    const { logger, lines } = capturingLogger();
    const clock = new FakeClock();
    const path = await tokenFile('good');
    const auth = createAuthenticator({ host, bearerTokenFile: path }, { clock, logger });
    await auth.headers();
    await rm(path);
    clock.advance(tokenFileRereadMs);
    for (let i = 0; i < 5; i++) await auth.headers();
    expect(lines.filter((line) => line.includes('keeping the previous token'))).toHaveLength(1);
    await writeFile(path, 'restored');
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer good' });
    clock.advance(tokenFileRereadMs);
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer restored' });
  });

  it('gives an aborted caller the abort, not the fallback token', async () => {
    const path = await tokenFile('t');
    const auth = createAuthenticator({ host, bearerTokenFile: path, bearerToken: 'static' });
    const controller = new AbortController();
    controller.abort(new Error('caller gave up'));
    await expect(auth.headers(controller.signal)).rejects.toThrow('caller gave up');
  });
});
