import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KubeConfigError } from '../../../src/client/config/errors.js';
import { loadKubeConfig } from '../../../src/client/config/loader.js';
import { tempFiles } from './temp-files.js';

// Every case hides this value somewhere near the problem; it must never reach a message.
const secret = 'c2VjcmV0LXRva2VuLTQy';

interface BadCase {
  readonly yaml: string;
  readonly entry?: string;
  readonly field?: string;
  readonly says: string;
}

const cases: Record<string, BadCase> = {
  'broken YAML (with its line)': {
    yaml: `clusters: []\nusers:\n- name: alice\n  user: {token: ${secret}, ]\n`,
    says: 'invalid YAML at line 4',
  },
  'an unquoted password read as a YAML tag': {
    yaml: `users:\n- name: alice\n  user:\n    username: a\n    password: !${secret}\n`,
    says: 'invalid YAML at line 6: unknown tag a tag',
  },
  'an unquoted token read as a YAML alias': {
    yaml: `users: [{name: alice, user: {token: *${secret}}}]\n`,
    says: 'invalid YAML at line 1: unidentified alias a name',
  },
  'clusters that is not a list': {
    yaml: `clusters: {a: ${secret}}\n`,
    field: 'clusters',
    says: 'expected a list, got a mapping',
  },
  'a server that is a number': {
    yaml: `clusters: [{name: prod, cluster: {server: 6443, certificate-authority-data: ${secret}}}]\n`,
    entry: 'clusters[prod]',
    field: 'server',
    says: 'expected a string, got a number',
  },
  'insecure-skip-tls-verify that is a string': {
    yaml: `clusters: [{name: prod, cluster: {insecure-skip-tls-verify: "true"}}]\nusers: [{name: u, user: {token: ${secret}}}]\n`,
    entry: 'clusters[prod]',
    field: 'insecure-skip-tls-verify',
    says: 'expected a boolean, got a string',
  },
  'a token that is a list': {
    yaml: `users: [{name: alice, user: {token: [${secret}]}}]\n`,
    entry: 'users[alice]',
    field: 'token',
    says: 'expected a string, got a list',
  },
  'a password that is a mapping': {
    yaml: `users: [{name: alice, user: {username: a, password: {p: ${secret}}}}]\n`,
    entry: 'users[alice]',
    field: 'password',
    says: 'expected a string',
  },
  'as-groups holding a number': {
    yaml: `users: [{name: alice, user: {token: ${secret}, as-groups: [a, 7]}}]\n`,
    entry: 'users[alice]',
    field: 'as-groups',
    says: 'expected a string, got a number',
  },
  'two users of the same name in one file': {
    yaml: `users: [{name: alice, user: {token: ${secret}}}, {name: alice, user: {token: ${secret}}}]\n`,
    entry: 'users[alice]',
    says: 'duplicate name',
  },
  'certificate-authority-data that is not base64': {
    yaml: `clusters: [{name: prod, cluster: {certificate-authority-data: "${secret}!"}}]\n`,
    entry: 'clusters[prod]',
    field: 'certificate-authority-data',
    says: 'not valid base64',
  },
  'client-key-data without base64 padding': {
    yaml: `users: [{name: alice, user: {client-key-data: ${secret}a}}]\n`,
    entry: 'users[alice]',
    field: 'client-key-data',
    says: 'not valid base64',
  },
  'a document that is a list': { yaml: `- ${secret}\n`, says: 'expected a mapping, got a list' },
  'a document that is a scalar': { yaml: `${secret}\n`, says: 'expected a mapping, got a string' },
  'another kind': { yaml: 'kind: Pod\n', field: 'kind', says: 'must be Config' },
  'another apiVersion': { yaml: 'apiVersion: v2\n', field: 'apiVersion', says: 'must be v1' },
  'an unknown exec interactiveMode': {
    yaml: `users: [{name: alice, user: {exec: {command: c, apiVersion: v, interactiveMode: Sometimes, args: [${secret}]}}}]\n`,
    entry: 'users[alice]',
    field: 'exec.interactiveMode',
    says: 'must be Never, IfAvailable or Always',
  },
  'exec env that is not a list': {
    yaml: `users: [{name: alice, user: {exec: {command: c, env: {TOKEN: ${secret}}}}}]\n`,
    entry: 'users[alice]',
    field: 'exec.env',
    says: 'expected a list',
  },
  'a context that is not a mapping': {
    yaml: 'contexts: [{name: dev, context: [a, b]}]\n',
    entry: 'contexts[dev]',
    field: 'context',
    says: 'expected a mapping, got a list',
  },
  'a current-context that is a number': {
    yaml: 'current-context: 7\n',
    field: 'current-context',
    says: 'expected a string',
  },
  'an extension holding an infinite number, which kubectl cannot encode': {
    yaml: `extensions: [{name: e, extension: {a: [.inf], token: ${secret}}}]\n`,
    entry: 'extensions[e]',
    field: 'extension',
    says: 'holds an infinite or NaN number',
  },
  'an extension list that is a mapping': {
    yaml: 'clusters: [{name: prod, cluster: {extensions: {a: 1}}}]\n',
    entry: 'clusters[prod]',
    field: 'extensions',
    says: 'expected a list',
  },
};

describe('a bad kubeconfig', () => {
  it.each(Object.entries(cases))('is rejected with KUBECONFIG_INVALID for %s', async (_name, bad) => {
    const dir = await tempFiles({ config: bad.yaml });
    const file = join(dir, 'config');
    const error = await loadKubeConfig({ env: { KUBECONFIG: file } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeConfigError);
    expect(error).toMatchObject({ code: 'KUBECONFIG_INVALID', file, entry: bad.entry, field: bad.field });
    const message = (error as KubeConfigError).message;
    for (const part of [file, bad.entry, bad.field, bad.says]) if (part !== undefined) expect(message).toContain(part);
    expect(message).not.toContain(secret);
    expect(String(error)).not.toContain(secret);
  });

  it('is rejected when the path is a directory that cannot be read as a file', async () => {
    const dir = await tempFiles({ 'config/inside': secret });
    const file = join(dir, 'config');
    const error = await loadKubeConfig({ env: { KUBECONFIG: file } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KUBECONFIG_INVALID', file });
    expect(String(error)).toContain(`kubeconfig ${file}: cannot read file (EISDIR)`);
  });

  it('names the later file when only that one is bad', async () => {
    const dir = await tempFiles({ good: 'clusters: []\n', bad: 'users: 3\n' });
    const env = { KUBECONFIG: `${join(dir, 'good')}:${join(dir, 'bad')}` };
    await expect(loadKubeConfig({ env })).rejects.toMatchObject({ file: join(dir, 'bad'), field: 'users' });
  });
});
