// Issue 9: a failing exec plugin's stderr (where plugins print tokens and login codes) reached errors and logs.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { listWatchFrom } from '../../../src/cache/listwatch.js';
import { Reflector, type ReflectorStore } from '../../../src/cache/reflector.js';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import type { ConfigMap } from '../../../src/client/kubernetes/core-v1/types.js';
import {
  type AuthenticatorOptions,
  createAuthenticator,
  ExecPluginError,
} from '../../../src/client/rest/auth/index.js';
import { RESTClient } from '../../../src/client/rest/rest-client.js';
import { TransportCache } from '../../../src/client/rest/transport.js';
import { execRestConfig, pluginScript } from '../../fixtures/exec-plugin/exec-config.js';
import { capturingLogger } from './log-capture.js';

const secret = 'stderr-token-5f1e9c';
// A plugin that fails and, as some do, prints the token it could not hand over on stderr.
const leaky = { PLUGIN_TOKENS: secret, PLUGIN_STDERR: `refresh failed for token ${secret}\n`, PLUGIN_EXIT: '4' };
const store: ReflectorStore<ConfigMap> = { add() {}, update() {}, delete() {}, replace() {}, resync() {} };
const base: AuthenticatorOptions = { stdinIsTerminal: false, env: { PATH: process.env.PATH ?? '' } };

/** The message, stack and cause chain of an error: everything a log line of it could show. */
function everything(error: unknown): string {
  const parts: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) {
    parts.push(current.message, current.stack ?? '', JSON.stringify(current));
  }
  return parts.join('\n');
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => new Error('expected a failure'),
    (error: unknown) => error as Error,
  );
}

describe('exec plugin stderr never reaches errors or logs (issue 9)', () => {
  it.each([
    ['by default, with stderr not a terminal', {}],
    ['by default, with stderr a terminal', { stderrIsTerminal: true }],
    ['with execStderr discard', { execStderr: 'discard' }],
  ] as const)('keeps a token printed on stderr out of the error %s', async (_, options) => {
    const { logger, lines } = capturingLogger();
    const config = execRestConfig(leaky, {}, { logger });
    const error = await failure(createAuthenticator(config, { ...base, ...options }).headers());
    logger.warn({ err: error }, 'credentials failed');
    expect(error).toBeInstanceOf(ExecPluginError);
    expect((error as ExecPluginError).exitCode).toBe(4);
    expect(error.message).toContain(`exec plugin ${process.execPath} failed with exit code 4`);
    expect(everything(error)).not.toContain(secret);
    expect(lines.join('')).not.toContain(secret);
  });

  it('says where the stderr went: discarded by default off a terminal, passed through on one', async () => {
    const off = await failure(createAuthenticator(execRestConfig(leaky), base).headers());
    expect(off.message).toMatch(/stderr was discarded.*execStderr: 'inherit'/);
    const note = { ...leaky, PLUGIN_STDERR: '(a test expects this exec plugin stderr to pass through)\n' };
    const on = await failure(createAuthenticator(execRestConfig(note), { ...base, stderrIsTerminal: true }).headers());
    expect(on.message).toContain("its stderr went to this process's stderr");
  });

  it('keeps the token out of the RESTClient error and its debug logs', async () => {
    const { logger, lines } = capturingLogger();
    const transport = new TransportCache();
    const client = RESTClient.forConfig(execRestConfig(leaky, { args: [pluginScript] }, { logger }), { transport });
    const error = await failure(client.get().absPath('/api/v1/namespaces').do());
    logger.error({ err: error }, 'request failed');
    expect(everything(error)).toContain('exit code 4');
    expect(everything(error)).not.toContain(secret);
    expect(lines.join('')).not.toContain(secret);
    await transport.close();
  });

  it("keeps the token out of the reflector's warning about the failed list", async () => {
    const { logger, lines } = capturingLogger();
    const transport = new TransportCache();
    const config = execRestConfig(leaky, {}, { logger });
    const configMaps = new ClientSet(RESTClient.forConfig(config, { transport })).coreV1().configMaps('ns');
    const reflector = new Reflector<ConfigMap>({
      name: 'configmaps',
      listerWatcher: listWatchFrom(configMaps),
      store,
      logger,
      watchList: 'off',
    });
    const stop = new AbortController();
    const running = reflector.run(stop.signal);
    await vi.waitFor(() => expect(lines.join('')).toContain('list and watch failed'), { timeout: 20_000 });
    stop.abort();
    await running;
    await transport.close();
    const log = lines.join('');
    expect(log).toContain('exit code 4');
    expect(log).not.toContain(secret);
  });

  it.each([
    ['inherit', true],
    ['discard', false],
  ] as const)(
    'with execStderr %s, copies the stderr to our stderr: %s, and never into the error',
    async (mode, copied) => {
      // The child imports kubeloop by name, i.e. from dist/: `npm test` builds it first.
      const fixture = fileURLToPath(new URL('../../fixtures/exec-plugin/stderr-mode.ts', import.meta.url));
      const env = { ...process.env, SECRET: secret };
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [fixture, mode], { env });
      expect(stdout).toContain('failed with exit code 5');
      expect(stdout).not.toContain(secret);
      expect(stderr.includes(`token ${secret}`)).toBe(copied);
    },
  );
});
