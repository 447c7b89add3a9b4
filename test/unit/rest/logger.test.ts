import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, redactPaths } from '../../../src/logger.js';
import { type MockServer, mockServer } from './mock-server.js';

function capture(): { lines: string[]; destination: Writable } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('redacts credentials at the top level and nested in headers and configs', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ destination, level: 'info' });
    logger.info({
      token: 'tok-1',
      headers: { authorization: 'Bearer tok-2', Authorization: 'Bearer tok-3' },
      config: { password: 'pw-1', keyData: 'KEY', certData: 'CERT', bearerToken: 'tok-4' },
      req: { headers: { 'proxy-authorization': 'Basic pw-2', cookie: 'c=1' } },
      user: { 'client-key-data': 'S0VZ', 'client-certificate-data': 'Q0VSVA==' },
      name: 'kept',
    });
    const line = lines.join('');
    for (const secret of [
      'tok-1',
      'tok-2',
      'tok-3',
      'tok-4',
      'pw-1',
      'pw-2',
      'KEY',
      'CERT',
      'S0VZ',
      'Q0VSVA==',
      'c=1',
    ]) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain('[REDACTED]');
    expect(line).toContain('"name":"kept"');
  });

  it('lists its redaction paths for loggers built elsewhere', () => {
    expect(redactPaths).toEqual(
      expect.arrayContaining(['authorization', '*.authorization', 'password', '*["client-key-data"]']),
    );
  });

  it('returns independent loggers', () => {
    const a = createLogger({ level: 'debug', destination: capture().destination });
    const b = createLogger({ level: 'error', destination: capture().destination });
    expect([a.level, b.level]).toEqual(['debug', 'error']);
  });
});

describe('what the RESTClient logs', () => {
  let server: MockServer;
  afterEach(async () => {
    await server.agent.close();
  });

  it('never contains the credentials of a retried request', async () => {
    const { lines, destination } = capture();
    server = mockServer({
      logger: createLogger({ destination, level: 'trace' }),
      authenticator: {
        headers: async () => ({ Authorization: 'Bearer very-secret-token' }),
        clientCertificate: async () => undefined,
        refresh: async () => false,
      },
      defaultWarnings: true,
    });
    server.pool.intercept({ path: (p) => p.startsWith('/x') }).reply(429, 'x', { headers: { 'retry-after': '1' } });
    server.pool.intercept({ path: (p) => p.startsWith('/x') }).reply(200, {}, { headers: { warning: '299 - "w"' } });
    await server.client.get().absPath('/x').param('token', 'query-secret').do();
    const output = lines.join('');
    expect(output).toContain('retrying request');
    expect(output).toContain('the server sent a warning');
    expect(output).not.toContain('very-secret-token');
    expect(output).not.toContain('query-secret');
  });
});
