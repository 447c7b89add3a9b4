import { describe, expect, it } from 'vitest';
import { AuthConfigError, createAuthenticator, escapeExtraKey } from '../../../src/client/rest/auth/index.js';

const host = 'https://127.0.0.1:6443';

describe('createAuthenticator', () => {
  it('sends a static bearer token as an Authorization header', async () => {
    const auth = createAuthenticator({ host, bearerToken: 'static-token-123' });
    expect(await auth.headers()).toEqual({ Authorization: 'Bearer static-token-123' });
    expect(await auth.clientCertificate()).toBeUndefined();
  });

  it('does not ask for a retry after a 401 with a static token', async () => {
    const auth = createAuthenticator({ host, bearerToken: 'static-token-123' });
    expect(await auth.refresh()).toBe(false);
  });

  it('sends basic auth as base64 of user:password', async () => {
    const auth = createAuthenticator({ host, username: 'alice', password: 'pä:ss' });
    const expected = `Basic ${Buffer.from('alice:pä:ss', 'utf8').toString('base64')}`;
    expect(await auth.headers()).toEqual({ Authorization: expected });
    expect(await auth.refresh()).toBe(false);
  });

  it('rejects a bearer token together with basic auth, naming the fields but not the values', () => {
    const build = () => createAuthenticator({ host, bearerToken: 'tok-secret', username: 'u', password: 'pw-secret' });
    expect(build).toThrow(AuthConfigError);
    expect(build).toThrow(/basic auth.*bearer token/);
    expect(build).not.toThrow(/tok-secret|pw-secret/);
  });

  it('sends no headers when the only credential is the client certificate', async () => {
    const auth = createAuthenticator({ host, certData: 'PEM', keyData: 'PEM' });
    expect(await auth.headers()).toEqual({});
    expect(await auth.clientCertificate()).toBeUndefined();
    expect(await auth.refresh()).toBe(false);
  });

  it('sends one Impersonate-Group value per group and one Impersonate-Extra value per extra value', async () => {
    const auth = createAuthenticator({
      host,
      bearerToken: 'tok',
      impersonate: {
        userName: 'jane',
        uid: 'uid-42',
        groups: ['devs', 'ops'],
        extra: { scopes: ['view', 'edit'], 'example.com/team': ['blue'] },
      },
    });
    expect(await auth.headers()).toEqual({
      Authorization: 'Bearer tok',
      'Impersonate-User': 'jane',
      'Impersonate-Uid': 'uid-42',
      'Impersonate-Group': ['devs', 'ops'],
      'Impersonate-Extra-scopes': ['view', 'edit'],
      'Impersonate-Extra-example.com%2Fteam': ['blue'],
    });
  });

  it('omits impersonation headers for empty groups and extras', async () => {
    const auth = createAuthenticator({ host, impersonate: { userName: 'jane', groups: [], extra: { a: [] } } });
    expect(await auth.headers()).toEqual({ 'Impersonate-User': 'jane' });
  });
});

describe('escapeExtraKey', () => {
  it.each([
    ['scopes', 'scopes'],
    ['example.com/team', 'example.com%2Fteam'],
    ['100%', '100%25'],
    ['a b', 'a%20b'],
    ["tilde~and!#$&'*+-.^_`|", "tilde~and!#$&'*+-.^_`|"],
    ['ünï', '%C3%BCn%C3%AF'],
  ])('escapes %j as %j like client-go', (key, escaped) => {
    expect(escapeExtraKey(key)).toBe(escaped);
  });
});
