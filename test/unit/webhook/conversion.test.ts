import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/client/meta.js';
import { createLogger } from '../../../src/logger.js';
import { conversionWebhook, type Spoke } from '../../../src/webhook/conversion.js';
import { WebhookConversionError, WebhookOptionsError, WebhookRequestError } from '../../../src/webhook/errors.js';

/** The hub: `replicas` and a nested `appearance`. */
interface WidgetV1 extends KubeObject {
  spec: { replicas: number; appearance: { color: string } };
}
/** The old version: flat `size` and `color`. */
interface WidgetV1alpha1 extends KubeObject {
  spec: { size: number; color: string };
}
/** A second spoke that drops color: its round trip keeps only what it has. */
interface WidgetV1beta1 extends KubeObject {
  spec: { count: number };
}

const v1alpha1: Spoke<WidgetV1, WidgetV1alpha1> = {
  toHub: ({ spec, ...rest }) => ({ ...rest, spec: { replicas: spec.size, appearance: { color: spec.color } } }),
  fromHub: ({ spec, ...rest }) => ({ ...rest, spec: { size: spec.replicas, color: spec.appearance.color } }),
};
const v1beta1: Spoke<WidgetV1, WidgetV1beta1> = {
  toHub: ({ spec, ...rest }) => ({ ...rest, spec: { replicas: spec.count, appearance: { color: 'unset' } } }),
  fromHub: ({ spec, ...rest }) => ({ ...rest, spec: { count: spec.replicas } }),
};
const webhook = conversionWebhook<WidgetV1>({
  name: 'widgets',
  hub: 'example.com/v1',
  spokes: { 'example.com/v1alpha1': v1alpha1, 'example.com/v1beta1': v1beta1 },
});
const context = { signal: new AbortController().signal, logger: createLogger({ level: 'silent' }) };
const metadata = { name: 'w', namespace: 'ns', uid: 'u-1', resourceVersion: '7', labels: { tier: 'gold' } };
const alpha: WidgetV1alpha1 = {
  apiVersion: 'example.com/v1alpha1',
  kind: 'Widget',
  metadata,
  spec: { size: 3, color: 'red' },
};
const hub: WidgetV1 = {
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata,
  spec: { replicas: 3, appearance: { color: 'red' } },
};

describe('conversionWebhook', () => {
  it('converts a spoke to the hub and back losslessly (v1alpha1 → v1 → v1alpha1)', () => {
    const up = webhook.convert(alpha, 'example.com/v1');
    expect(up).toEqual(hub);
    expect(webhook.convert(up, 'example.com/v1alpha1')).toEqual(alpha);
  });

  it('converts the hub to a spoke and back losslessly for the fields the spoke keeps (v1 → v1beta1 → v1)', () => {
    const down = webhook.convert(hub, 'example.com/v1beta1');
    expect(down).toEqual({ apiVersion: 'example.com/v1beta1', kind: 'Widget', metadata, spec: { count: 3 } });
    expect((webhook.convert(down, 'example.com/v1') as WidgetV1).spec.replicas).toBe(3);
  });

  it('converts spoke to spoke through the hub, and leaves an object already at the version untouched', () => {
    expect(webhook.convert(alpha, 'example.com/v1beta1')).toMatchObject({ spec: { count: 3 } });
    expect(webhook.convert(alpha, 'example.com/v1alpha1')).toBe(alpha);
  });

  it('carries metadata over when a spoke returns none, and never mutates its input', () => {
    const bare = conversionWebhook<WidgetV1>({
      name: 'bare',
      hub: 'example.com/v1',
      spokes: { 'example.com/v1alpha1': { toHub: () => ({ spec: hub.spec }), fromHub: () => ({}) } },
    });
    const input = structuredClone(alpha);
    expect(bare.convert(input, 'example.com/v1')).toEqual(hub);
    expect(input).toEqual(alpha);
  });

  it('throws a WebhookConversionError for a version it has no spoke for', () => {
    expect(() => webhook.convert(alpha, 'example.com/v2')).toThrow(WebhookConversionError);
    expect(() => webhook.convert({ ...alpha, apiVersion: 'example.com/v0' }, 'example.com/v1')).toThrow(
      /does not know apiVersion example.com\/v0/,
    );
  });

  it('answers a ConversionReview with every object converted, in order, and Success', async () => {
    const answer = await webhook.review(
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'ConversionReview',
        request: { uid: 'r-1', desiredAPIVersion: 'example.com/v1', objects: [alpha, hub] },
      },
      context,
    );
    expect(answer).toEqual({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'ConversionReview',
      response: { uid: 'r-1', convertedObjects: [hub, hub], result: { status: 'Success' } },
    });
  });

  it('answers Failure naming the object, and converts none, when one object cannot be converted', async () => {
    const answer = await webhook.review(
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'ConversionReview',
        request: {
          uid: 'r-2',
          desiredAPIVersion: 'example.com/v1',
          objects: [alpha, { ...alpha, apiVersion: 'x/v9' }],
        },
      },
      context,
    );
    expect(answer).toMatchObject({
      response: {
        uid: 'r-2',
        convertedObjects: [],
        result: { status: 'Failure', message: expect.stringContaining('converting ns/w from x/v9 to example.com/v1') },
      },
    });
  });

  it.each([
    ['v1beta1 reviews', { apiVersion: 'apiextensions.k8s.io/v1beta1', kind: 'ConversionReview', request: {} }],
    [
      'a request without objects',
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', request: { uid: 'x' } },
    ],
  ])('refuses %s with 400', async (_what, body) => {
    await expect(webhook.review(body, context)).rejects.toMatchObject({ status: 400 });
    await expect(webhook.review(body, context)).rejects.toBeInstanceOf(WebhookRequestError);
  });

  it('refuses a hub listed among its own spokes', () => {
    expect(() =>
      conversionWebhook<WidgetV1>({ name: 'x', hub: 'example.com/v1', spokes: { 'example.com/v1': v1alpha1 } }),
    ).toThrow(WebhookOptionsError);
  });
});
