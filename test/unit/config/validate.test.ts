import { describe, expect, it } from 'vitest';
import { decodeKubeConfig } from '../../../src/client/config/validate.js';
import { parseKubeConfigYaml } from '../../../src/client/config/yaml.js';

function decode(text: string) {
  const parsed = parseKubeConfigYaml(text);
  if ('problem' in parsed) throw new Error(parsed.problem.reason);
  return decodeKubeConfig(parsed.value, '/kube/config');
}

describe('decodeKubeConfig', () => {
  it('reads YAML 1.1 booleans, as kubectl does', () => {
    const config = decode('clusters: [{name: c, cluster: {insecure-skip-tls-verify: yes, disable-compression: off}}]');
    expect(config.clusters?.[0]?.cluster).toEqual({ 'insecure-skip-tls-verify': true });
  });

  it('hints at quoting when YAML 1.1 turned a name into a boolean', () => {
    expect(() => decode('contexts: [{name: y, context: {}}]')).toThrow(/got a boolean \(YAML 1\.1 .*quote the value\)/);
  });

  it('drops unknown fields and empty values, and reads null as absent', () => {
    const config = decode('bogus: 1\nclusters: [{name: c, cluster: {server: ~, proxy-url: "", extra: 1}}]');
    expect(config).toEqual({ clusters: [{ name: 'c', cluster: {} }] });
  });

  it('re-encodes base64 data without its line breaks', () => {
    const config = decode('users: [{name: u, user: {client-key-data: "Zm9v\\nYmFy"}}]');
    expect(config.users?.[0]?.user['client-key-data']).toBe('Zm9vYmFy');
  });

  it('defaults interactiveMode to IfAvailable for v1beta1 exec plugins only', () => {
    const config = decode(
      'users: [{name: a, user: {exec: {command: p, apiVersion: client.authentication.k8s.io/v1beta1}}}, ' +
        '{name: b, user: {exec: {command: p, apiVersion: client.authentication.k8s.io/v1}}}]',
    );
    expect(config.users?.[0]?.user.exec?.interactiveMode).toBe('IfAvailable');
    expect(config.users?.[1]?.user.exec?.interactiveMode).toBeUndefined();
  });

  it('keeps a __proto__ key as an ordinary key', () => {
    const config = decode('users: [{name: u, user: {as: a, as-user-extra: {__proto__: [x]}}}]');
    expect(Object.keys(config.users?.[0]?.user['as-user-extra'] ?? {})).toEqual(['__proto__']);
  });
});
