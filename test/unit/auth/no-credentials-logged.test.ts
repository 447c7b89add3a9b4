import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAuthenticator, tokenFileRereadMs } from '../../../src/client/rest/auth/index.js';
import { generatePki } from '../../../src/testing/pki.js';
import { execRestConfig, FakeClock, pluginScript } from '../../fixtures/exec-plugin/exec-config.js';
import { tempDir } from '../support/temp-dir.js';
import { capturingLogger } from './log-capture.js';

const host = 'https://127.0.0.1:6443';
const base = { stdinIsTerminal: false, env: { PATH: process.env.PATH ?? '' } };

/** Everything an application would see of a failure: message, stack, and the error as pino logs it. */
async function failureText(promise: Promise<unknown>, logger: ReturnType<typeof capturingLogger>['logger']) {
  const error = await promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e as Error,
  );
  logger.error({ err: error }, 'request failed');
  return `${error.message}\n${error.stack ?? ''}`;
}

describe('credentials never reach logs or errors', () => {
  it('keeps token file contents out of the rotation warning', async () => {
    const { logger, lines } = capturingLogger();
    const clock = new FakeClock();
    const path = join(await tempDir('kubeloop-token-'), 'token');
    await writeFile(path, 'tf-secret-0d9c');
    const auth = createAuthenticator({ host, bearerTokenFile: path }, { logger, clock });
    await auth.headers();
    await rm(path);
    clock.advance(tokenFileRereadMs);
    await auth.headers();
    const log = lines.join('');
    expect(log).toContain('keeping the previous token');
    expect(log).toContain(path);
    expect(log).not.toContain('tf-secret-0d9c');
  });

  it('keeps exec tokens, args and env values out of logs and errors of every exec failure', async () => {
    const { logger, lines } = capturingLogger();
    const secret = 'exec-secret-77aa';
    const cases = [
      { PLUGIN_STDOUT: `{"token": "${secret}"` },
      { PLUGIN_STDOUT: `${secret}` },
      { PLUGIN_TOKENS: secret, PLUGIN_API_VERSION: 'client.authentication.k8s.io/v1beta1' },
      { PLUGIN_TOKENS: secret, PLUGIN_EXPIRES: `not-a-time-${secret}` },
      { PLUGIN_TOKENS: secret, PLUGIN_EXIT: '2' },
      { PLUGIN_TOKENS: secret, PLUGIN_SLEEP_MS: '60000' },
    ];
    let errors = '';
    for (const env of cases) {
      const config = execRestConfig(
        { ...env, API_KEY: `env-${secret}` },
        { args: [pluginScript, `--key=arg-${secret}`] },
        { logger },
      );
      errors += await failureText(createAuthenticator(config, { ...base, execTimeoutMs: 500 }).headers(), logger);
    }
    const good = createAuthenticator(execRestConfig({ PLUGIN_TOKENS: secret }, {}, { logger }), base);
    expect(await good.headers()).toEqual({ Authorization: `Bearer ${secret}` });
    expect(lines.join('')).toContain('running exec credential plugin');
    expect(errors).toContain('exit code 2');
    expect(errors).not.toContain(secret);
    expect(lines.join('')).not.toContain(secret);
  });

  it('keeps the private key of an exec client certificate out of errors', async () => {
    const { logger, lines } = capturingLogger();
    const pki = generatePki({ admin: { name: 'a', groups: [] }, user: { name: 'u', groups: [] } });
    const dir = await tempDir('kubeloop-exec-');
    await writeFile(join(dir, 'cert.pem'), pki.user.certPem);
    await writeFile(join(dir, 'key.pem'), pki.admin.keyPem);
    const config = execRestConfig({ PLUGIN_CERT_FILE: join(dir, 'cert.pem'), PLUGIN_KEY_FILE: join(dir, 'key.pem') });
    const text = await failureText(createAuthenticator(config, { ...base, logger }).clientCertificate(), logger);
    const keyBody = pki.admin.keyPem.split('\n')[1] ?? 'unreachable';
    expect(text).toContain('not a matching PEM pair');
    expect(text).not.toContain(keyBody);
    expect(lines.join('')).not.toContain(keyBody);
  });

  it('keeps passwords and tokens out of configuration errors', async () => {
    const { logger, lines } = capturingLogger();
    const build = async () =>
      createAuthenticator({ host, bearerToken: 'tok-5e1f', username: 'u', password: 'pw-5e1f' });
    const text = await failureText(build(), logger);
    expect(text).toContain('not both');
    expect(text).not.toMatch(/tok-5e1f|pw-5e1f/);
    expect(lines.join('')).not.toMatch(/tok-5e1f|pw-5e1f/);
  });
});
