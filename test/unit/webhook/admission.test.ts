import { applyPatch } from 'rfc6902';
import { describe, expect, it } from 'vitest';
import type { ConfigMap } from '../../../src/client/kubernetes/core-v1/types.js';
import { createLogger } from '../../../src/logger.js';
import { deny } from '../../../src/webhook/denial.js';
import { WebhookOptionsError, WebhookRequestError } from '../../../src/webhook/errors.js';
import {
  type AdmissionRequest,
  type AdmissionReview,
  mutatingWebhook,
  validatingWebhook,
} from '../../../src/webhook/index.js';

const context = () => ({ signal: new AbortController().signal, logger: createLogger({ level: 'silent' }) });

function review(request: Partial<AdmissionRequest<ConfigMap>> = {}): AdmissionReview<ConfigMap> {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'uid-1',
      kind: { group: '', version: 'v1', kind: 'ConfigMap' },
      resource: { group: '', version: 'v1', resource: 'configmaps' },
      name: 'settings',
      namespace: 'team-a',
      operation: 'CREATE',
      userInfo: { username: 'alice', groups: ['devs'] },
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'fast' } },
      dryRun: false,
      ...request,
    },
  };
}

const responseOf = (answer: unknown) => (answer as AdmissionReview).response;

describe('validatingWebhook', () => {
  it('allows a request the handler returns nothing for, echoing the uid', async () => {
    const webhook = validatingWebhook<ConfigMap>({ name: 'cm', validate: () => undefined });
    expect(await webhook.review(review(), context())).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'uid-1', allowed: true },
    });
  });

  it('hands the handler the old and new objects, the operation, the user and dryRun', async () => {
    const seen: AdmissionRequest<ConfigMap>[] = [];
    const webhook = validatingWebhook<ConfigMap>({ name: 'cm', validate: (request) => void seen.push(request) });
    const old = { metadata: { name: 'settings' }, data: { mode: 'slow' } };
    await webhook.review(review({ operation: 'UPDATE', oldObject: old, dryRun: true }), context());
    expect(seen[0]).toMatchObject({
      operation: 'UPDATE',
      userInfo: { username: 'alice' },
      dryRun: true,
      oldObject: { data: { mode: 'slow' } },
      object: { data: { mode: 'fast' } },
    });
  });

  it('leaves out the objects the apiserver sends as null (oldObject on CREATE)', async () => {
    const seen: AdmissionRequest<ConfigMap>[] = [];
    const webhook = validatingWebhook<ConfigMap>({ name: 'cm', validate: (request) => void seen.push(request) });
    await webhook.review({ ...review(), request: { ...review().request, oldObject: null, options: null } }, context());
    expect(seen[0]).not.toHaveProperty('oldObject');
    expect(seen[0]).not.toHaveProperty('options');
    expect(seen[0]?.object?.data).toEqual({ mode: 'fast' });
  });

  it('denies with the message, field causes as 422 Invalid, and the warnings of the denial and the context', async () => {
    const webhook = validatingWebhook<ConfigMap>({
      name: 'cm',
      validate: (request, admission) => {
        admission.warn('mode is deprecated');
        return request.object?.data?.mode === 'fast'
          ? deny('mode may not be fast', {
              causes: [{ field: 'data.mode', message: 'not fast' }],
              warnings: ['slow down'],
            })
          : undefined;
      },
    });
    expect(responseOf(await webhook.review(review(), context()))).toEqual({
      uid: 'uid-1',
      allowed: false,
      status: {
        status: 'Failure',
        message: 'mode may not be fast',
        reason: 'Invalid',
        code: 422,
        details: { causes: [{ field: 'data.mode', message: 'not fast' }] },
      },
      warnings: ['mode is deprecated', 'slow down'],
    });
  });

  it('denies without causes as 403 Forbidden unless told another code and reason', async () => {
    const plain = validatingWebhook({ name: 'a', validate: () => deny('no') });
    const custom = validatingWebhook({
      name: 'b',
      validate: () => deny('later', { code: 429, reason: 'TooManyRequests' }),
    });
    expect(responseOf(await plain.review(review(), context()))?.status).toMatchObject({
      code: 403,
      reason: 'Forbidden',
    });
    expect(responseOf(await custom.review(review(), context()))?.status).toMatchObject({
      code: 429,
      reason: 'TooManyRequests',
    });
  });

  it('denies with InternalError and the message when the handler throws, under failurePolicy Fail', async () => {
    const webhook = validatingWebhook({
      name: 'cm',
      validate: () => {
        throw new Error('database unreachable');
      },
    });
    expect(responseOf(await webhook.review(review(), context()))).toEqual({
      uid: 'uid-1',
      allowed: false,
      status: {
        status: 'Failure',
        message: 'the handler failed: database unreachable',
        reason: 'InternalError',
        code: 500,
      },
    });
  });

  it('denies with Timeout when the handler outlives timeoutMs, and aborts its signal', async () => {
    let handlerSignal: AbortSignal | undefined;
    const webhook = validatingWebhook({
      name: 'cm',
      timeoutMs: 20,
      validate: (_request, admission) => {
        handlerSignal = admission.signal;
        return new Promise<undefined>(() => undefined);
      },
    });
    expect(responseOf(await webhook.review(review(), context()))).toMatchObject({
      allowed: false,
      status: { reason: 'Timeout', code: 504, message: 'the handler did not answer within 20 ms' },
    });
    expect(handlerSignal?.aborted).toBe(true);
  });

  it('allows with a warning when the handler rejects under failurePolicy Ignore', async () => {
    const webhook = validatingWebhook({
      name: 'cm',
      failurePolicy: 'Ignore',
      validate: () => Promise.reject(new Error('flaky')),
    });
    expect(responseOf(await webhook.review(review(), context()))).toEqual({
      uid: 'uid-1',
      allowed: true,
      warnings: ['webhook cm failed and the request was allowed (failurePolicy Ignore): flaky'],
    });
  });

  it.each([
    ['an unknown AdmissionReview version', { ...review(), apiVersion: 'admission.k8s.io/v1beta1' }],
    ['another kind', { ...review(), kind: 'ConversionReview' }],
    ['a review without request', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }],
    ['a body that is not an object', [1, 2]],
  ])('refuses %s with a 400 request error', async (_what, body) => {
    const webhook = validatingWebhook({ name: 'cm', validate: () => undefined });
    const refusal = webhook.review(body, context());
    await expect(refusal).rejects.toBeInstanceOf(WebhookRequestError);
    await expect(refusal).rejects.toMatchObject({ status: 400, code: 'WEBHOOK_REQUEST' });
  });

  it.each([0, -1, Number.NaN])('refuses timeoutMs %s when built', (timeoutMs) => {
    expect(() => validatingWebhook({ name: 'cm', timeoutMs, validate: () => undefined })).toThrow(WebhookOptionsError);
  });
});

describe('mutatingWebhook', () => {
  const decode = (patch: string | undefined) => JSON.parse(Buffer.from(patch ?? '', 'base64').toString('utf8'));

  it('answers a base64 JSON Patch that turns the request object into the returned one', async () => {
    const webhook = mutatingWebhook<ConfigMap>({
      name: 'defaults',
      mutate: (object) => {
        object.data = { ...object.data, level: 'info' };
        object.metadata = { ...object.metadata, labels: { 'app.kubernetes.io/managed-by': 'kubeloop' } };
        return object;
      },
    });
    const request = review();
    const response = responseOf(await webhook.review(request, context()));
    expect(response).toMatchObject({ uid: 'uid-1', allowed: true, patchType: 'JSONPatch' });
    const patched = structuredClone(request.request?.object);
    expect(applyPatch(patched, decode(response?.patch)).every((error) => error === null)).toBe(true);
    expect(patched).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', labels: { 'app.kubernetes.io/managed-by': 'kubeloop' } },
      data: { mode: 'fast', level: 'info' },
    });
  });

  it('escapes JSON Pointer characters in keys it adds', async () => {
    const webhook = mutatingWebhook<ConfigMap>({
      name: 'defaults',
      mutate: (object) => ({ ...object, metadata: { ...object.metadata, annotations: { 'a/b~c': 'x' } } }),
    });
    const response = responseOf(await webhook.review(review(), context()));
    expect(decode(response?.patch)).toEqual([{ op: 'add', path: '/metadata/annotations', value: { 'a/b~c': 'x' } }]);
  });

  it('gives the handler a copy: the request object is not changed, and an unchanged result sends no patch', async () => {
    const request = review();
    const webhook = mutatingWebhook<ConfigMap>({ name: 'noop', mutate: (object) => object });
    const mutator = mutatingWebhook<ConfigMap>({
      name: 'changes',
      mutate: (object) => Object.assign(object, { data: {} }),
    });
    expect(responseOf(await webhook.review(request, context()))).toEqual({ uid: 'uid-1', allowed: true });
    await mutator.review(request, context());
    expect(request.request?.object?.data).toEqual({ mode: 'fast' });
  });

  it('allows a DELETE (no object) unchanged without calling the handler', async () => {
    let calls = 0;
    const webhook = mutatingWebhook<ConfigMap>({
      name: 'd',
      mutate: (object) => {
        calls++;
        return object;
      },
    });
    const { object: _ignored, ...rest } = review().request as AdmissionRequest<ConfigMap>;
    // As the apiserver sends it: `object: null`.
    const body = { ...review(), request: { ...rest, operation: 'DELETE', object: null, oldObject: { metadata: {} } } };
    expect(responseOf(await webhook.review(body, context()))).toEqual({ uid: 'uid-1', allowed: true });
    expect(calls).toBe(0);
  });

  it('denies when the handler returns a denial, and per failurePolicy when it throws', async () => {
    const denying = mutatingWebhook<ConfigMap>({ name: 'd', mutate: () => deny('immutable') });
    const ignoring = mutatingWebhook<ConfigMap>({
      name: 'i',
      failurePolicy: 'Ignore',
      mutate: () => {
        throw new TypeError('bug');
      },
    });
    expect(responseOf(await denying.review(review(), context()))).toMatchObject({
      allowed: false,
      status: { message: 'immutable', code: 403 },
    });
    const ignored = responseOf(await ignoring.review(review(), context()));
    expect(ignored).toMatchObject({ allowed: true });
    expect(ignored?.patch).toBeUndefined();
  });
});
