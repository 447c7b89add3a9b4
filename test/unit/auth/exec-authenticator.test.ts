import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthConfigError, createAuthenticator, ExecPluginError } from '../../../src/client/rest/auth/index.js';
import { generatePki } from '../../../src/testing/pki.js';
import {
  execRestConfig,
  FakeClock,
  pluginScript,
  pluginWorkspace,
  v1,
  v1beta1,
} from '../../fixtures/exec-plugin/exec-config.js';

const noTerminal = { stdinIsTerminal: false, env: { PATH: process.env.PATH ?? '' } };

async function rejection(promise: Promise<unknown>): Promise<ExecPluginError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExecPluginError);
  return error as ExecPluginError;
}

describe('exec credential plugins', () => {
  it('runs the command with its args and env on top of the process env, and sends the printed token', async () => {
    const ws = await pluginWorkspace();
    const config = execRestConfig(
      {
        PLUGIN_RECORD: ws.record,
        PLUGIN_TOKENS: 'tok-v1',
        PLUGIN_ECHO_ENV: 'FROM_CONFIG,FROM_PROCESS',
        FROM_CONFIG: 'c',
      },
      { args: [pluginScript, '--region', 'eu west'] },
    );
    const auth = createAuthenticator(config, { ...noTerminal, env: { ...noTerminal.env, FROM_PROCESS: 'p' } });
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer tok-v1' });
    const [run] = await ws.runs();
    expect(run?.args).toEqual(['--region', 'eu west']);
    expect(run?.env).toEqual({ FROM_CONFIG: 'c', FROM_PROCESS: 'p' });
    expect(run?.execInfo).toEqual({ apiVersion: v1, kind: 'ExecCredential', spec: { interactive: false } });
  });

  it('lets a config env entry override the same variable of the process env', async () => {
    const ws = await pluginWorkspace();
    const config = execRestConfig({
      PLUGIN_RECORD: ws.record,
      PLUGIN_TOKENS: 't',
      PLUGIN_ECHO_ENV: 'SHARED',
      SHARED: 'config',
    });
    await createAuthenticator(config, { ...noTerminal, env: { ...noTerminal.env, SHARED: 'process' } }).headers();
    expect((await ws.runs())[0]?.env).toEqual({ SHARED: 'config' });
  });

  it('speaks v1beta1, defaulting interactiveMode to IfAvailable', async () => {
    const ws = await pluginWorkspace();
    const config = execRestConfig(
      { PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: 'tok-beta' },
      { apiVersion: v1beta1, interactiveMode: undefined },
    );
    const auth = createAuthenticator(config, { ...noTerminal, stdinIsTerminal: true });
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer tok-beta' });
    expect((await ws.runs())[0]?.execInfo).toEqual({
      apiVersion: v1beta1,
      kind: 'ExecCredential',
      spec: { interactive: true },
    });
  });

  it('passes the configured cluster in KUBERNETES_EXEC_INFO when provideClusterInfo is set', async () => {
    const ws = await pluginWorkspace();
    const cluster = {
      server: 'https://127.0.0.1:6443',
      'tls-server-name': 'kubernetes',
      'certificate-authority-data': Buffer.from('CA PEM').toString('base64'),
      'proxy-url': 'http://127.0.0.1:3128',
      config: { audience: 'kubeloop' },
    };
    const config = execRestConfig(
      { PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: 't' },
      { provideClusterInfo: true, cluster },
    );
    await createAuthenticator(config, noTerminal).headers();
    expect((await ws.runs())[0]?.execInfo.spec).toEqual({ interactive: false, cluster });
  });

  it('derives the cluster from the RestConfig when the config carries none', async () => {
    const ws = await pluginWorkspace();
    const config = execRestConfig(
      { PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: 't' },
      { provideClusterInfo: true },
      { host: 'https://127.0.0.1:7443', caData: 'CA PEM', tlsServerName: 'kubernetes', insecureSkipTLSVerify: false },
    );
    await createAuthenticator(config, noTerminal).headers();
    expect((await ws.runs())[0]?.execInfo.spec.cluster).toEqual({
      server: 'https://127.0.0.1:7443',
      'tls-server-name': 'kubernetes',
      'insecure-skip-tls-verify': false,
      'certificate-authority-data': Buffer.from('CA PEM').toString('base64'),
    });
  });

  it('omits the cluster when provideClusterInfo is not set', async () => {
    const ws = await pluginWorkspace();
    const config = execRestConfig(
      { PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: 't' },
      { cluster: { server: 'https://127.0.0.1:6443' } },
    );
    await createAuthenticator(config, noTerminal).headers();
    expect((await ws.runs())[0]?.execInfo.spec).toEqual({ interactive: false });
  });

  it('reuses the credential until its expirationTimestamp passes', async () => {
    const ws = await pluginWorkspace();
    const clock = new FakeClock();
    const expires = new Date(clock.now() + 60_000).toISOString();
    const config = execRestConfig({ PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: 'first,second', PLUGIN_EXPIRES: expires });
    const auth = createAuthenticator(config, { ...noTerminal, clock });
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer first' });
    clock.advance(60_000);
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer first' });
    expect(await ws.runs()).toHaveLength(1);
    clock.advance(1);
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer second' });
    expect(await ws.runs()).toHaveLength(2);
  });

  it('reuses a credential without expirationTimestamp until a refresh', async () => {
    const ws = await pluginWorkspace();
    const clock = new FakeClock();
    const config = execRestConfig({ PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: 'first,second' });
    const auth = createAuthenticator(config, { ...noTerminal, clock });
    await auth.headers();
    clock.advance(365 * 24 * 3600_000);
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer first' });
    expect(await ws.runs()).toHaveLength(1);
    expect(await auth.refresh()).toBe(true);
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer second' });
    expect(await ws.runs()).toHaveLength(2);
  });

  it('runs the plugin once for many concurrent requests', async () => {
    const ws = await pluginWorkspace();
    const config = execRestConfig({ PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: 'shared', PLUGIN_SLEEP_MS: '200' });
    const auth = createAuthenticator(config, noTerminal);
    const all = await Promise.all(Array.from({ length: 12 }, () => auth.headers()));
    expect(new Set(all.map((h) => h.Authorization))).toEqual(new Set(['Bearer shared']));
    expect(await ws.runs()).toHaveLength(1);
  });

  it('runs the plugin once when a burst of requests is rejected with the same credential', async () => {
    const ws = await pluginWorkspace();
    const config = execRestConfig({ PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: 'bad,good' });
    const auth = createAuthenticator(config, noTerminal);
    const rejected = await auth.headers();
    expect(await auth.refresh(rejected)).toBe(true);
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer good' });
    // A request sent with the old token comes back 401 after the rotation (header names lower-cased by the
    // transport): no new run.
    expect(await auth.refresh({ authorization: rejected.Authorization ?? '' })).toBe(true);
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer good' });
    expect(await ws.runs()).toHaveLength(2);
  });

  it('lets an aborted caller stop waiting while the shared run still serves the others', async () => {
    const ws = await pluginWorkspace();
    const config = execRestConfig({ PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: 'shared', PLUGIN_SLEEP_MS: '300' });
    const auth = createAuthenticator(config, noTerminal);
    const controller = new AbortController();
    const abandoned = auth.headers(controller.signal);
    const kept = auth.headers();
    controller.abort(new Error('request cancelled'));
    await expect(abandoned).rejects.toThrow('request cancelled');
    expect(await kept).toEqual({ Authorization: 'Bearer shared' });
    expect(await ws.runs()).toHaveLength(1);
  });

  it('finds a bare command name on the PATH of the plugin environment', async () => {
    const ws = await pluginWorkspace();
    const bin = join(ws.dir, 'bin');
    await mkdir(bin);
    const launcher = join(bin, 'kubeloop-test-plugin');
    await writeFile(launcher, `#!/bin/sh\nexec "${process.execPath}" "${pluginScript}" "$@"\n`);
    await chmod(launcher, 0o755);
    const config = execRestConfig(
      { PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: 'from-path' },
      { command: 'kubeloop-test-plugin', args: ['--flag'] },
    );
    const auth = createAuthenticator(config, { ...noTerminal, env: { PATH: `${bin}:${noTerminal.env.PATH}` } });
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer from-path' });
    expect((await ws.runs())[0]?.args).toEqual(['--flag']);
  });

  it('runs the plugin again after a failed run instead of caching the failure', async () => {
    const ws = await pluginWorkspace();
    const config = execRestConfig({ PLUGIN_RECORD: ws.record, PLUGIN_STDOUT: 'garbage' });
    const auth = createAuthenticator(config, noTerminal);
    await rejection(auth.headers());
    await rejection(auth.headers());
    expect(await ws.runs()).toHaveLength(2);
  });

  it('returns a client certificate the plugin prints', async () => {
    const ws = await pluginWorkspace();
    const pki = generatePki({ admin: { name: 'a', groups: [] }, user: { name: 'exec-user', groups: [] } });
    await writeFile(join(ws.dir, 'cert.pem'), pki.user.certPem);
    await writeFile(join(ws.dir, 'key.pem'), pki.user.keyPem);
    const config = execRestConfig({
      PLUGIN_CERT_FILE: join(ws.dir, 'cert.pem'),
      PLUGIN_KEY_FILE: join(ws.dir, 'key.pem'),
    });
    const auth = createAuthenticator(config, noTerminal);
    expect(await auth.clientCertificate()).toEqual({ cert: pki.user.certPem, key: pki.user.keyPem });
    expect(await auth.headers()).toEqual({});
  });

  it('rejects a certificate whose key does not match', async () => {
    const ws = await pluginWorkspace();
    const pki = generatePki({ admin: { name: 'a', groups: [] }, user: { name: 'u', groups: [] } });
    await writeFile(join(ws.dir, 'cert.pem'), pki.user.certPem);
    await writeFile(join(ws.dir, 'key.pem'), pki.admin.keyPem);
    const config = execRestConfig({
      PLUGIN_CERT_FILE: join(ws.dir, 'cert.pem'),
      PLUGIN_KEY_FILE: join(ws.dir, 'key.pem'),
    });
    const error = await rejection(createAuthenticator(config, noTerminal).clientCertificate());
    expect(error.failure).toBe('bad-output');
    expect(error.message).toMatch(/not a matching PEM pair/);
    expect(error.message).not.toContain('PRIVATE KEY');
  });

  it('does not run the plugin when a bearer token or client certificate is configured', async () => {
    const ws = await pluginWorkspace();
    const withToken = execRestConfig({ PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: 'x' }, {}, { bearerToken: 'static' });
    expect(await createAuthenticator(withToken, noTerminal).headers()).toEqual({ Authorization: 'Bearer static' });
    const withCert = execRestConfig(
      { PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: 'x' },
      {},
      { certData: 'C', keyData: 'K' },
    );
    expect(await createAuthenticator(withCert, noTerminal).headers()).toEqual({});
    expect(await ws.runs()).toHaveLength(0);
  });
});

describe('exec plugin failures', () => {
  it('shows the installHint when the command is not found', async () => {
    const config = execRestConfig(
      {},
      { command: 'kubeloop-no-such-plugin', args: [], installHint: 'Install it with: brew install kubeloop-plugin' },
    );
    const error = await rejection(createAuthenticator(config, noTerminal).headers());
    expect(error.failure).toBe('not-found');
    expect(error.message).toContain('kubeloop-no-such-plugin not found');
    expect(error.message).toContain('Install it with: brew install kubeloop-plugin');
  });

  it('reports the exit code of a failing plugin, not its stderr', async () => {
    const config = execRestConfig({ PLUGIN_EXIT: '3', PLUGIN_STDERR: 'login required: run kubeloop login' });
    const error = await rejection(createAuthenticator(config, noTerminal).headers());
    expect(error.failure).toBe('exit');
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain('failed with exit code 3 (its stderr was discarded');
    expect(error.message).not.toContain('login required');
  });

  it('reports arguments the OS cannot take without quoting them', async () => {
    const config = execRestConfig({}, { args: [pluginScript, '--token=sekrit\u0000'] });
    const error = await rejection(createAuthenticator(config, noTerminal).headers());
    expect(error.failure).toBe('spawn');
    expect(error.message).not.toContain('sekrit');
  });

  it('kills a plugin that runs past the time limit', async () => {
    const ws = await pluginWorkspace();
    const config = execRestConfig({ PLUGIN_RECORD: ws.record, PLUGIN_SLEEP_MS: '60000', PLUGIN_TOKENS: 'late' });
    const error = await rejection(createAuthenticator(config, { ...noTerminal, execTimeoutMs: 300 }).headers());
    expect(error.failure).toBe('timeout');
    expect(error.message).toMatch(/did not finish within 300 ms/);
  });

  it('refuses interactiveMode Always when stdin is not a terminal, without running the plugin', async () => {
    const ws = await pluginWorkspace();
    const config = execRestConfig({ PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: 't' }, { interactiveMode: 'Always' });
    const error = await rejection(createAuthenticator(config, noTerminal).headers());
    expect(error.failure).toBe('interactive');
    expect(error.message).toMatch(/standard input is not a terminal/);
    expect(await ws.runs()).toHaveLength(0);
  });

  it('tells the plugin it is interactive under Always with a terminal, and not under Never', async () => {
    const ws = await pluginWorkspace();
    const always = execRestConfig({ PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: 't' }, { interactiveMode: 'Always' });
    await createAuthenticator(always, { ...noTerminal, stdinIsTerminal: true }).headers();
    const never = execRestConfig({ PLUGIN_RECORD: ws.record, PLUGIN_TOKENS: 't' }, { interactiveMode: 'Never' });
    await createAuthenticator(never, { ...noTerminal, stdinIsTerminal: true }).headers();
    expect((await ws.runs()).map((r) => r.execInfo.spec.interactive)).toEqual([true, false]);
  });

  it('requires interactiveMode for v1', () => {
    const config = execRestConfig({}, { interactiveMode: undefined });
    expect(() => createAuthenticator(config, noTerminal)).toThrow(AuthConfigError);
    expect(() => createAuthenticator(config, noTerminal)).toThrow(/interactiveMode must be specified/);
  });

  it.each(['client.authentication.k8s.io/v1alpha1', 'v1', ''])('rejects apiVersion %j', (apiVersion) => {
    const config = execRestConfig({}, { apiVersion });
    expect(() => createAuthenticator(config, noTerminal)).toThrow(/exec plugin: invalid apiVersion/);
  });

  it.each([
    ['output that is not JSON', { PLUGIN_STDOUT: 'token=sekrit-not-json' }, /output is not JSON/],
    ['an object of another kind', { PLUGIN_STDOUT: '{"kind":"Secret","apiVersion":"v1"}' }, /not an ExecCredential/],
    [
      'another apiVersion',
      { PLUGIN_TOKENS: 'sekrit', PLUGIN_API_VERSION: v1beta1 },
      /configured to use API version client.authentication.k8s.io\/v1, plugin returned version .*v1beta1/,
    ],
    ['no status', { PLUGIN_STDOUT: JSON.stringify({ kind: 'ExecCredential', apiVersion: v1 }) }, /has no status/],
    ['an empty status', { PLUGIN_TOKENS: '' }, /neither a token nor a cert\/key pair/],
    ['a key without its certificate', { PLUGIN_KEY_FILE: pluginScript }, /only a certificate or a key/],
    [
      'an unparsable expirationTimestamp',
      { PLUGIN_TOKENS: 'sekrit', PLUGIN_EXPIRES: 'tomorrow-ish' },
      /expirationTimestamp is not an RFC 3339 time/,
    ],
  ])('rejects %s without quoting it', async (_what, env, message) => {
    const error = await rejection(createAuthenticator(execRestConfig(env), noTerminal).headers());
    expect(error.failure).toBe('bad-output');
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('sekrit');
  });
});
