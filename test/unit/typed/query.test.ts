import { describe, expect, it } from 'vitest';
import {
  applyParams,
  deleteBody,
  deleteCollectionParams,
  getParams,
  listParams,
  logParams,
  watchParams,
  writeParams,
} from '../../../src/client/typed/query.js';

const defined = (params: Readonly<Record<string, unknown>>) =>
  Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));

describe('typed-client options as apiserver queries', () => {
  it('sends nothing for empty options', () => {
    for (const params of [getParams({}), listParams({}), watchParams({}), writeParams({}), logParams({})]) {
      expect(defined(params)).toEqual({});
    }
    expect(deleteBody({})).toEqual({ apiVersion: 'v1', kind: 'DeleteOptions' });
  });

  it('maps list options to their metav1.ListOptions names', () => {
    const params = listParams({
      labelSelector: 'app=web',
      fieldSelector: 'metadata.name=x',
      limit: 5,
      continue: 'token',
      resourceVersion: '10',
      resourceVersionMatch: 'NotOlderThan',
      timeoutSeconds: 30,
    });
    expect(defined(params)).toEqual({
      labelSelector: 'app=web',
      fieldSelector: 'metadata.name=x',
      limit: 5,
      continue: 'token',
      resourceVersion: '10',
      resourceVersionMatch: 'NotOlderThan',
      timeoutSeconds: 30,
    });
  });

  it('keeps the client-side idle timeout and signal out of a watch query', () => {
    const signal = new AbortController().signal;
    const params = watchParams({ allowWatchBookmarks: true, sendInitialEvents: true, idleTimeoutMs: 5, signal });
    expect(defined(params)).toEqual({ allowWatchBookmarks: true, sendInitialEvents: true });
  });

  it('sends dryRun as "All", the only value metav1 accepts, and apply with its field manager and force', () => {
    expect(defined(writeParams({ dryRun: true, fieldValidation: 'Strict' }))).toEqual({
      dryRun: 'All',
      fieldValidation: 'Strict',
    });
    expect(defined(writeParams({ dryRun: false }))).toEqual({});
    expect(defined(applyParams({ fieldManager: 'me', force: true }))).toEqual({ fieldManager: 'me', force: true });
  });

  it('puts delete options in the DeleteOptions body and selectors of a deleteCollection in the query', () => {
    const options = {
      dryRun: true,
      gracePeriodSeconds: 0,
      propagationPolicy: 'Foreground',
      preconditions: { uid: 'u', resourceVersion: '7' },
      labelSelector: 'fate=doomed',
    } as const;
    expect(deleteBody(options)).toEqual({
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      dryRun: ['All'],
      gracePeriodSeconds: 0,
      propagationPolicy: 'Foreground',
      preconditions: { uid: 'u', resourceVersion: '7' },
    });
    expect(defined(deleteCollectionParams(options))).toEqual({ labelSelector: 'fate=doomed' });
  });

  it('maps pod log options to corev1.PodLogOptions', () => {
    const params = logParams({
      container: 'main',
      follow: true,
      previous: false,
      sinceSeconds: 60,
      tailLines: 10,
      timestamps: true,
      limitBytes: 1024,
    });
    expect(defined(params)).toEqual({
      container: 'main',
      follow: true,
      previous: false,
      sinceSeconds: 60,
      tailLines: 10,
      timestamps: true,
      limitBytes: 1024,
    });
  });
});
