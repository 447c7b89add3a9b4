import { describe, expect, it } from 'vitest';
import { KubeConfigError } from '../../../src/client/config/errors.js';
import type { AuthInfo, Cluster, KubeConfigFile } from '../../../src/client/config/kubeconfig-file.js';
import { mergeKubeConfigs } from '../../../src/client/config/merge.js';
import { type KubeConfigOverrides, restConfigFromKubeConfig } from '../../../src/client/config/rest-config.js';
import { generatePki } from '../../../src/testing/pki.js';

const pki = generatePki({ admin: { name: 'admin', groups: [] }, user: { name: 'u', groups: [] } });
const b64 = (text: string) => Buffer.from(text).toString('base64');
const file = '/kube/config';
const secretToken = 'never-print-this-token-77';
const secretKey = b64(pki.admin.keyPem);
const garbagePem = b64('-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');

function build(cluster: Cluster, user: AuthInfo, overrides: KubeConfigOverrides = {}, extra: KubeConfigFile = {}) {
  const config: KubeConfigFile = {
    clusters: [{ name: 'c', cluster }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'x',
    ...extra,
  };
  return () => restConfigFromKubeConfig(mergeKubeConfigs([{ file, config }]), overrides);
}

const server = 'https://127.0.0.1:6443';
const tokenUser: AuthInfo = { token: secretToken };

interface ErrorCase {
  readonly run: () => unknown;
  readonly code: KubeConfigError['code'];
  readonly entry: string;
  readonly field?: string;
  readonly says: string;
}

const cases: Record<string, ErrorCase> = {
  'a context override that does not exist': {
    run: build({ server }, tokenUser, { context: 'nope' }),
    code: 'KUBECONFIG_ENTRY_MISSING',
    entry: 'contexts[nope]',
    says: 'context "nope" does not exist',
  },
  'a current-context that does not exist': {
    run: build({ server }, tokenUser, {}, { 'current-context': 'gone' }),
    code: 'KUBECONFIG_ENTRY_MISSING',
    entry: 'contexts[gone]',
    says: 'does not exist',
  },
  'no current-context at all': {
    run: build({ server }, tokenUser, {}, { 'current-context': '' }),
    code: 'KUBECONFIG_ENTRY_MISSING',
    entry: 'current-context',
    says: 'no current-context',
  },
  'a context naming a missing cluster': {
    run: build({ server }, tokenUser, {}, { contexts: [{ name: 'x', context: { cluster: 'gone', user: 'u' } }] }),
    code: 'KUBECONFIG_ENTRY_MISSING',
    entry: 'clusters[gone]',
    says: 'cluster "gone" does not exist (named by context "x")',
  },
  'a user override that does not exist': {
    run: build({ server }, tokenUser, { user: 'ghost' }),
    code: 'KUBECONFIG_ENTRY_MISSING',
    entry: 'users[ghost]',
    says: 'user "ghost" does not exist',
  },
  'certificate-authority-data that is base64 but not PEM': {
    run: build({ server, 'certificate-authority-data': b64('plain text') }, tokenUser),
    code: 'KUBECONFIG_INVALID',
    entry: 'clusters[c]',
    field: 'certificate-authority-data',
    says: 'holds no PEM certificate',
  },
  'certificate-authority-data whose PEM does not parse': {
    run: build({ server, 'certificate-authority-data': garbagePem }, tokenUser),
    code: 'KUBECONFIG_INVALID',
    entry: 'clusters[c]',
    field: 'certificate-authority-data',
    says: 'does not parse',
  },
  'certificate-authority-data that is not base64 (built by hand)': {
    run: build({ server, 'certificate-authority-data': '%%%' }, tokenUser),
    code: 'KUBECONFIG_INVALID',
    entry: 'clusters[c]',
    field: 'certificate-authority-data',
    says: 'not valid base64',
  },
  'client-certificate-data whose PEM does not parse': {
    run: build({ server }, { 'client-certificate-data': garbagePem, 'client-key-data': secretKey }),
    code: 'KUBECONFIG_INVALID',
    entry: 'users[u]',
    field: 'client-certificate-data',
    says: 'does not parse',
  },
  'client-key-data that is not a key': {
    run: build({ server }, { 'client-certificate-data': b64(pki.admin.certPem), 'client-key-data': b64(secretToken) }),
    code: 'KUBECONFIG_INVALID',
    entry: 'users[u]',
    field: 'client-key-data',
    says: 'holds no PEM private key',
  },
  'certificate-authority data and file together (kubectl rejects it)': {
    run: build(
      { server, 'certificate-authority-data': b64(pki.ca.certPem), 'certificate-authority': '/ca' },
      tokenUser,
    ),
    code: 'KUBECONFIG_INVALID',
    entry: 'clusters[c]',
    field: 'certificate-authority-data',
    says: 'both set',
  },
  'client certificate data and file together': {
    run: build(
      { server },
      { 'client-certificate-data': b64(pki.admin.certPem), 'client-certificate': '/c', 'client-key': '/k' },
    ),
    code: 'KUBECONFIG_INVALID',
    entry: 'users[u]',
    field: 'client-certificate-data',
    says: 'both set',
  },
  'client key data and file together': {
    run: build({ server }, { 'client-certificate': '/c', 'client-key-data': secretKey, 'client-key': '/k' }),
    code: 'KUBECONFIG_INVALID',
    entry: 'users[u]',
    field: 'client-key-data',
    says: 'both set',
  },
  'a client certificate without a key': {
    run: build({ server }, { 'client-certificate': '/c' }),
    code: 'KUBECONFIG_INVALID',
    entry: 'users[u]',
    field: 'client-key',
    says: 'needs client-key-data or client-key',
  },
  'a CA together with insecure-skip-tls-verify': {
    run: build({ server, 'certificate-authority': '/ca', 'insecure-skip-tls-verify': true }, tokenUser),
    code: 'KUBECONFIG_INVALID',
    entry: 'clusters[c]',
    field: 'insecure-skip-tls-verify',
    says: 'may not be given together',
  },
  'a token together with basic auth': {
    run: build({ server }, { token: secretToken, username: 'a', password: secretToken }),
    code: 'KUBECONFIG_INVALID',
    entry: 'users[u]',
    field: 'token',
    says: 'more than one authentication method',
  },
  'impersonated groups without a user to impersonate': {
    run: build({ server }, { token: secretToken, 'as-groups': ['g'] }),
    code: 'KUBECONFIG_INVALID',
    entry: 'users[u]',
    field: 'as',
    says: 'need `as`',
  },
  'an exec plugin without a command': {
    run: build({ server }, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: '' } }),
    code: 'KUBECONFIG_INVALID',
    entry: 'users[u]',
    field: 'exec.command',
    says: 'needs a command',
  },
  'an exec plugin without an apiVersion': {
    run: build({ server }, { exec: { apiVersion: '', command: 'p' } }),
    code: 'KUBECONFIG_INVALID',
    entry: 'users[u]',
    field: 'exec.apiVersion',
    says: 'needs an apiVersion',
  },
  'an auth-provider user': {
    run: build({ server }, { 'auth-provider': { name: 'oidc', config: { 'id-token': secretToken } } }),
    code: 'KUBECONFIG_INVALID',
    entry: 'users[u]',
    field: 'auth-provider',
    says: 'not supported',
  },
  'a cluster without a server': {
    run: build({}, tokenUser),
    code: 'KUBECONFIG_INVALID',
    entry: 'clusters[c]',
    field: 'server',
    says: 'no server is set',
  },
  'a server that is not http(s)': {
    run: build({ server: 'ftp://127.0.0.1' }, tokenUser),
    code: 'KUBECONFIG_INVALID',
    entry: 'clusters[c]',
    field: 'server',
    says: 'must be an http or https URL',
  },
};

describe('restConfigFromKubeConfig on an unusable kubeconfig', () => {
  it.each(Object.entries(cases))('throws a typed error for %s', (_name, bad) => {
    let error: unknown;
    try {
      bad.run();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KubeConfigError);
    expect(error).toMatchObject({ code: bad.code, entry: bad.entry, field: bad.field });
    const message = String(error);
    for (const part of [bad.entry, bad.field, bad.says]) if (part !== undefined) expect(message).toContain(part);
    for (const secret of [secretToken, secretKey, pki.admin.keyPem, garbagePem]) {
      expect(message).not.toContain(secret);
      expect((error as Error).message).not.toContain(secret);
    }
  });

  it('names the file the entry came from', () => {
    expect(build({ server }, tokenUser, { user: 'ghost' }, {})).toThrow(/kubeconfig \/kube\/config: users\[ghost\]/);
  });
});
