// Imports the package by its own name, through package.json `exports`, as users do: the built ESM and its types.

import * as root from 'kubeloop';
import * as cache from 'kubeloop/cache';
import * as client from 'kubeloop/client';
import * as coreV1 from 'kubeloop/client/kubernetes/core-v1';
import * as controller from 'kubeloop/controller';
import * as testing from 'kubeloop/testing';
import { describe, expect, it } from 'vitest';

describe('the published entry points', () => {
  it('resolve to the built modules with their main exports', () => {
    expect(typeof client.RESTClient.forConfig).toBe('function');
    expect(typeof client.ClientSet.forConfig).toBe('function');
    expect(typeof client.loadKubeConfig).toBe('function');
    expect(typeof cache.newIndexer).toBe('function');
    expect(typeof cache.parseSelector).toBe('function');
    expect(typeof controller.newRateLimitingQueue).toBe('function');
    expect(typeof testing.startControlPlane).toBe('function');
    expect(typeof coreV1.CoreV1Client).toBe('function');
  });

  it('re-exports the client, cache and controller surfaces at the root', () => {
    expect(root.RESTClient).toBe(client.RESTClient);
    expect(root.newIndexer).toBe(cache.newIndexer);
    expect(root.newRateLimitingQueue).toBe(controller.newRateLimitingQueue);
  });

  it('keeps a group module free of the other groups: core/v1 exports no apps/v1 client', () => {
    expect(Object.keys(coreV1)).not.toContain('AppsV1Client');
  });
});
