import { describe, expect, it } from 'vitest';
import {
  genericStatus,
  isAlreadyExists,
  isBadRequest,
  isConflict,
  isForbidden,
  isGone,
  isInternalError,
  isInvalid,
  isNotFound,
  isResourceExpired,
  isServerTimeout,
  isServiceUnavailable,
  isTimeout,
  isTooManyRequests,
  isUnauthorized,
  StatusError,
  statusErrorFromResponse,
} from '../../../src/client/rest/status-error.js';
import { KubeloopError } from '../../../src/errors.js';

const predicates = {
  isNotFound,
  isAlreadyExists,
  isConflict,
  isInvalid,
  isForbidden,
  isUnauthorized,
  isTooManyRequests,
  isResourceExpired,
  isGone,
  isTimeout,
  isServerTimeout,
  isBadRequest,
  isInternalError,
  isServiceUnavailable,
} as const;
type PredicateName = keyof typeof predicates;

function errorWith(reason: string, code: number): StatusError {
  return new StatusError(
    { kind: 'Status', status: 'Failure', reason, code, message: 'm' },
    { verb: 'GET', path: '/p' },
  );
}

// Each row: a Status (reason, code) and exactly the predicates apimachinery's errors package says are true for it.
const table: readonly [reason: string, code: number, trueFor: readonly PredicateName[]][] = [
  ['NotFound', 404, ['isNotFound']],
  ['AlreadyExists', 409, ['isAlreadyExists']],
  ['Conflict', 409, ['isConflict']],
  ['Invalid', 422, ['isInvalid']],
  ['Forbidden', 403, ['isForbidden']],
  ['Unauthorized', 401, ['isUnauthorized']],
  ['TooManyRequests', 429, ['isTooManyRequests']],
  ['Expired', 410, ['isResourceExpired']],
  ['Gone', 410, ['isGone']],
  ['Timeout', 504, ['isTimeout']],
  ['ServerTimeout', 500, ['isServerTimeout']],
  ['BadRequest', 400, ['isBadRequest']],
  ['InternalError', 500, ['isInternalError']],
  ['ServiceUnavailable', 503, ['isServiceUnavailable']],
  // A known reason never falls back to its code: a 404 with reason Forbidden is Forbidden only.
  ['Forbidden', 404, ['isForbidden']],
  // An unknown (empty or unrecognised) reason falls back to the code where apimachinery does.
  ['', 404, ['isNotFound']],
  ['', 409, ['isConflict']],
  ['', 422, ['isInvalid']],
  ['', 403, ['isForbidden']],
  ['', 401, ['isUnauthorized']],
  ['', 429, ['isTooManyRequests']],
  ['', 410, ['isGone']],
  ['', 504, ['isTimeout']],
  ['', 400, ['isBadRequest']],
  ['', 500, ['isInternalError']],
  ['', 503, ['isServiceUnavailable']],
  ['SomethingNew', 404, ['isNotFound']],
  // TooManyRequests checks its code whatever the reason, for backward compatibility.
  ['ServerTimeout', 429, ['isServerTimeout', 'isTooManyRequests']],
  // AlreadyExists, Expired and ServerTimeout have no code fallback.
  ['', 418, []],
];

describe('StatusError predicates', () => {
  it.each(table)('classify reason %j with code %i', (reason, code, trueFor) => {
    const error = errorWith(reason, code);
    for (const [name, predicate] of Object.entries(predicates)) {
      expect({ [name]: predicate(error) }).toEqual({ [name]: trueFor.includes(name as PredicateName) });
    }
  });

  it('find a StatusError wrapped as the cause of another error', () => {
    const wrapped = new Error('reconcile failed', { cause: errorWith('NotFound', 404) });
    expect(isNotFound(wrapped)).toBe(true);
    expect(isConflict(wrapped)).toBe(false);
  });

  it('are false for anything that is not a StatusError', () => {
    for (const predicate of Object.values(predicates)) {
      expect(predicate(new Error('NotFound'))).toBe(false);
      expect(predicate({ reason: 'NotFound', code: 404 })).toBe(false);
      expect(predicate(undefined)).toBe(false);
    }
  });
});

describe('StatusError', () => {
  it('is a KubeloopError with code STATUS carrying the server Status, verb and path', () => {
    const error = statusErrorFromResponse(
      404,
      Buffer.from(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: 'configmaps "x" not found',
          reason: 'NotFound',
          details: { name: 'x', kind: 'configmaps', causes: [{ reason: 'r', field: 'f' }], retryAfterSeconds: 2 },
          code: 404,
        }),
      ),
      { verb: 'GET', path: '/api/v1/namespaces/a/configmaps/x' },
    );
    expect(error).toBeInstanceOf(KubeloopError);
    expect(error).toMatchObject({
      code: 'STATUS',
      statusCode: 404,
      reason: 'NotFound',
      message: 'configmaps "x" not found',
      verb: 'GET',
      path: '/api/v1/namespaces/a/configmaps/x',
      causes: [{ reason: 'r', field: 'f' }],
      retryAfterSeconds: 2,
    });
  });

  it('fills in a missing Status code from the HTTP status', () => {
    const error = statusErrorFromResponse(409, Buffer.from('{"kind":"Status","reason":"Conflict"}'), {
      verb: 'PUT',
      path: '/p',
    });
    expect(error.statusCode).toBe(409);
    expect(isConflict(error)).toBe(true);
  });
});

describe('the reason of a response whose body is not a Status', () => {
  const codes: readonly [code: number, verb: string, reason: string][] = [
    [409, 'POST', 'AlreadyExists'],
    [409, 'PUT', 'Conflict'],
    [404, 'GET', 'NotFound'],
    [400, 'GET', 'BadRequest'],
    [401, 'GET', 'Unauthorized'],
    [403, 'GET', 'Forbidden'],
    [405, 'GET', 'MethodNotAllowed'],
    [406, 'GET', 'NotAcceptable'],
    [415, 'GET', 'UnsupportedMediaType'],
    [422, 'POST', 'Invalid'],
    [429, 'GET', 'TooManyRequests'],
    [503, 'GET', 'ServiceUnavailable'],
    [504, 'GET', 'Timeout'],
    [500, 'GET', 'InternalError'],
    [502, 'GET', 'InternalError'],
    [418, 'GET', ''],
  ];

  it.each(codes)('maps %i on %s to %j', (code, verb, reason) => {
    const error = statusErrorFromResponse(code, Buffer.from('<html>proxy says no</html>'), { verb, path: '/p' });
    expect(error).toMatchObject({ statusCode: code, reason, verb });
  });

  it('quotes the body of a 5xx in the message and keeps the Retry-After seconds', () => {
    const status = genericStatus(502, 'GET', 'bad gateway\n', 7);
    expect(status.message).toBe('an error on the server ("bad gateway") has prevented the request from succeeding');
    expect(status.details?.retryAfterSeconds).toBe(7);
  });
});
