// The widget operator's admission rules: pinned images and bounded scale-ups with field causes, and the label default.

import type { AdmissionRequest, AdmissionReview, Denial } from 'kubeloop/webhook';
import { pino } from 'pino';
import { applyPatch } from 'rfc6902';
import { describe, expect, it } from 'vitest';
import {
  defaultWidget,
  defaultWidgets,
  managedByLabel,
  unpinned,
  validateWidget,
  validateWidgets,
} from '../../../examples/widget-operator/admission.ts';
import type { Widget } from '../../../examples/widget-operator/widget.ts';

const widget = (image: string, replicas = 2): Widget => ({
  apiVersion: 'demo.kubeloop.dev/v1',
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'ns' },
  spec: { replicas, image },
});

function request(object: Widget, change: Partial<AdmissionRequest<Widget>> = {}): AdmissionRequest<Widget> {
  return {
    uid: 'uid-1',
    kind: { group: 'demo.kubeloop.dev', version: 'v1', kind: 'Widget' },
    resource: { group: 'demo.kubeloop.dev', version: 'v1', resource: 'widgets' },
    name: 'w',
    namespace: 'ns',
    operation: 'CREATE',
    userInfo: { username: 'alice' },
    object,
    ...change,
  };
}

const context = () => ({ signal: new AbortController().signal, logger: pino({ level: 'silent' }) });
const review = (r: AdmissionRequest<Widget>): AdmissionReview<Widget> => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: r,
});
const responseOf = (answer: unknown) => (answer as AdmissionReview).response;

describe('unpinned', () => {
  it.each([
    ['nginx:1.27', undefined],
    ['registry.example:5000/team/nginx:1.27', undefined],
    ['nginx@sha256:0123abcd', undefined],
    ['nginx:latest@sha256:0123abcd', undefined],
    ['nginx', 'has no tag, so it means :latest'],
    ['registry.example:5000/team/nginx', 'has no tag, so it means :latest'],
    ['nginx:latest', 'is tagged :latest, which moves'],
  ])('judges %s', (image, reason) => {
    expect(unpinned(image)).toBe(reason);
  });
});

describe('validateWidget', () => {
  it('allows a Widget with a pinned image', () => {
    expect(validateWidget(request(widget('nginx:1.27')))).toBeUndefined();
  });

  it('denies an unpinned image as Invalid, with a cause on spec.image', () => {
    const denial = validateWidget(request(widget('nginx:latest'))) as Denial;
    expect(denial.code).toBe(422);
    expect(denial.reason).toBe('Invalid');
    expect(denial.message).toBe(
      'Widget w is invalid: spec.image "nginx:latest" is tagged :latest, which moves: pin a tag or a digest',
    );
    expect(denial.causes).toEqual([
      { field: 'spec.image', reason: 'FieldValueInvalid', message: expect.stringContaining('pin a tag or a digest') },
    ]);
  });

  it('compares old and new replicas on update: up by 10 passes, up by 11 does not, down always passes', () => {
    const update = (from: number, to: number) =>
      validateWidget(request(widget('nginx:1.27', to), { operation: 'UPDATE', oldObject: widget('nginx:1.27', from) }));
    expect(update(3, 13)).toBeUndefined();
    expect(update(50, 0)).toBeUndefined();
    expect((update(3, 14) as Denial).causes).toEqual([
      {
        field: 'spec.replicas',
        reason: 'FieldValueInvalid',
        message: 'may grow by at most 10 in one update, not from 3 to 14',
      },
    ]);
  });

  it('lets a create start at any size, and reports every broken rule at once', () => {
    expect(validateWidget(request(widget('nginx:1.27', 90)))).toBeUndefined();
    const both = validateWidget(
      request(widget('nginx', 30), { operation: 'UPDATE', oldObject: widget('nginx:1.27', 3) }),
    ) as Denial;
    expect(both.causes.map((c) => c.field)).toEqual(['spec.image', 'spec.replicas']);
  });
});

describe('the admission webhooks', () => {
  it('answer a denial with its message and causes in the AdmissionReview', async () => {
    const answer = responseOf(await validateWidgets.review(review(request(widget('nginx'))), context()));
    expect(answer).toMatchObject({
      uid: 'uid-1',
      allowed: false,
      status: { code: 422, reason: 'Invalid', details: { causes: [{ field: 'spec.image' }] } },
    });
  });

  it('default the managed-by label with a JSON Patch that turns the request object into the defaulted one', async () => {
    const original = widget('nginx:1.27');
    const answer = responseOf(await defaultWidgets.review(review(request(original)), context()));
    expect(answer).toMatchObject({ allowed: true, patchType: 'JSONPatch' });
    const patched = structuredClone(original);
    applyPatch(patched, JSON.parse(Buffer.from(answer?.patch ?? '', 'base64').toString()));
    expect(patched.metadata?.labels).toEqual({ [managedByLabel]: 'widget-operator' });
    expect(patched).toEqual(defaultWidget(original));
  });

  it('keep a label the Widget already has: no patch', async () => {
    const own = { ...widget('nginx:1.27'), metadata: { name: 'w', labels: { [managedByLabel]: 'me', tier: 'gold' } } };
    expect(defaultWidget(own)).toEqual(own);
    const answer = responseOf(await defaultWidgets.review(review(request(own)), context()));
    expect(answer).toEqual({ uid: 'uid-1', allowed: true });
  });
});
