import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubeConfigPaths, resolveAuthInfoPaths, resolveClusterPaths } from '../../../src/client/config/paths.js';

const home = '/home/tester';

describe('kubeConfigPaths', () => {
  it('uses explicit paths first, and marks them explicit', () => {
    const picked = kubeConfigPaths({ paths: ['/a', '/b'], env: { KUBECONFIG: '/c' }, homeDir: home });
    expect(picked).toEqual({ files: ['/a', '/b'], explicit: true });
  });

  it('splits KUBECONFIG on the path-list separator, dropping empty entries and later duplicates', () => {
    const picked = kubeConfigPaths({ env: { KUBECONFIG: '/a::/b:/a:./a:' }, homeDir: home });
    expect(picked).toEqual({ files: ['/a', '/b', './a'], explicit: false });
  });

  it('selects no file when KUBECONFIG holds only separators, as kubectl does', () => {
    expect(kubeConfigPaths({ env: { KUBECONFIG: ':' }, homeDir: home }).files).toEqual([]);
  });

  it('falls back to ~/.kube/config when KUBECONFIG is unset or empty', () => {
    expect(kubeConfigPaths({ env: {}, homeDir: home }).files).toEqual([join(home, '.kube', 'config')]);
    expect(kubeConfigPaths({ env: { KUBECONFIG: '' }, homeDir: home }).files).toEqual([join(home, '.kube', 'config')]);
  });
});

describe('relative path resolution', () => {
  it("resolves a cluster's certificate-authority against the file's folder", () => {
    expect(resolveClusterPaths({ 'certificate-authority': '../ca.crt' }, '/etc/kube/dir')).toEqual({
      'certificate-authority': '/etc/kube/ca.crt',
    });
  });

  it('keeps absolute and empty paths as written', () => {
    expect(resolveClusterPaths({ 'certificate-authority': '/x/./ca.crt' }, '/base')).toEqual({
      'certificate-authority': '/x/./ca.crt',
    });
    expect(resolveClusterPaths({ server: 'https://a' }, '/base')).toEqual({ server: 'https://a' });
  });

  it('resolves client-certificate, client-key and tokenFile of a user', () => {
    const user = resolveAuthInfoPaths(
      { 'client-certificate': 'c.crt', 'client-key': './k/../c.key', tokenFile: 'tok', token: 'not-a-path' },
      '/base',
    );
    expect(user).toEqual({
      'client-certificate': '/base/c.crt',
      'client-key': '/base/c.key',
      tokenFile: '/base/tok',
      token: 'not-a-path',
    });
  });

  it('resolves an exec command holding a path separator but leaves a bare command for PATH lookup', () => {
    const exec = { apiVersion: 'client.authentication.k8s.io/v1', command: './bin/plugin' };
    expect(resolveAuthInfoPaths({ exec }, '/base').exec?.command).toBe('/base/bin/plugin');
    expect(resolveAuthInfoPaths({ exec: { ...exec, command: 'plugin' } }, '/base').exec?.command).toBe('plugin');
    expect(resolveAuthInfoPaths({ exec: { ...exec, command: '/abs/plugin' } }, '/base').exec?.command).toBe(
      '/abs/plugin',
    );
  });
});
