import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import type { ConfigMap } from '../../../src/client/kubernetes/core-v1/types.js';
import { isNotFound, StatusError } from '../../../src/client/rest/index.js';
import { deny, mutatingWebhook, validatingWebhook, withCABundle } from '../../../src/webhook/index.js';
import { createNamespace, deleteNamespace } from '../support.js';
import { adminClients, configMapWebhook, type RunningServer, runServer } from './support.js';

const id = randomUUID().slice(0, 8);
const configName = `kubeloop-admission-${id}`;
// Generous: the apiserver loads webhook configurations through an informer; nothing here measures speed.
const patience = { timeout: 30_000, interval: 100 };

let clients: ClientSet;
let namespace: string;
let running: RunningServer;
/** What the validating handler saw, by object name: the operation and dryRun of each call. */
const seen = new Map<string, { operation: string; dryRun: boolean | undefined; user: string | undefined }[]>();

const validate = validatingWebhook<ConfigMap>({
  name: 'configmap-rules',
  validate: (request) => {
    const name = request.object?.metadata?.name ?? '';
    seen.set(name, [
      ...(seen.get(name) ?? []),
      { operation: request.operation, dryRun: request.dryRun, user: request.userInfo.username },
    ]);
    const mode = request.object?.data?.mode;
    return mode === 'reckless'
      ? deny('mode "reckless" is not allowed in this namespace', {
          causes: [{ field: 'data.mode', message: 'must not be reckless', reason: 'FieldValueForbidden' }],
        })
      : undefined;
  },
});

const defaults = mutatingWebhook<ConfigMap>({
  name: 'configmap-defaults',
  mutate: (object) => {
    object.data = { level: 'info', ...object.data };
    return object;
  },
});

const configMaps = () => clients.coreV1().configMaps(namespace);

beforeAll(async () => {
  clients = await adminClients();
  namespace = await createNamespace('webhook-admission');
  running = await runServer();
  running.server.register('/validate-configmaps', validate);
  running.server.register('/mutate-configmaps', defaults);
  const admission = clients.admissionregistrationV1();
  await admission.validatingWebhookConfigurations().create(
    withCABundle(
      {
        metadata: { name: configName },
        webhooks: [configMapWebhook('validate.kubeloop.test', `${running.url}/validate-configmaps`, namespace)],
      },
      running.ca.certPem,
    ),
  );
  await admission.mutatingWebhookConfigurations().create(
    withCABundle(
      {
        metadata: { name: configName },
        webhooks: [configMapWebhook('defaults.kubeloop.test', `${running.url}/mutate-configmaps`, namespace)],
      },
      running.ca.certPem,
    ),
  );
  // Both webhooks are in effect once a dry-run create is denied by one and defaulted by the other.
  await vi.waitFor(async () => {
    const probe = { metadata: { name: 'probe' }, data: { mode: 'reckless' } };
    await expect(configMaps().create(probe, { dryRun: true })).rejects.toThrow(/denied the request/);
    expect((await configMaps().create({ metadata: { name: 'probe' } }, { dryRun: true })).data?.level).toBe('info');
  }, patience);
});

afterAll(async () => {
  const admission = clients.admissionregistrationV1();
  await admission.validatingWebhookConfigurations().delete(configName);
  await admission.mutatingWebhookConfigurations().delete(configName);
  await running.close();
  await deleteNamespace(namespace);
});

describe('admission webhooks called by the real apiserver', () => {
  it("refuses an invalid create with the handler's message and field causes", async () => {
    const refusal = configMaps().create({ metadata: { name: 'invalid' }, data: { mode: 'reckless' } });
    await expect(refusal).rejects.toBeInstanceOf(StatusError);
    const error = (await refusal.catch((caught: unknown) => caught)) as StatusError;
    expect(error.message).toBe(
      'admission webhook "validate.kubeloop.test" denied the request: mode "reckless" is not allowed in this namespace',
    );
    expect(error.statusCode).toBe(422);
    expect(error.reason).toBe('Invalid');
    expect(error.causes).toContainEqual({
      field: 'data.mode',
      message: 'must not be reckless',
      reason: 'FieldValueForbidden',
    });
    await expect(configMaps().get('invalid')).rejects.toSatisfy(isNotFound);
  });

  it('admits a valid create, which the handler saw as a real CREATE by the admin', async () => {
    const created = await configMaps().create({ metadata: { name: 'valid' }, data: { mode: 'careful' } });
    expect(created.metadata?.uid).toBeDefined();
    expect(seen.get('valid')).toEqual([{ operation: 'CREATE', dryRun: false, user: 'kubeloop-admin' }]);
  });

  it('passes dry-run requests as dry-run, and the object is not stored', async () => {
    await configMaps().create({ metadata: { name: 'dry' }, data: { mode: 'careful' } }, { dryRun: true });
    expect(seen.get('dry')).toEqual([{ operation: 'CREATE', dryRun: true, user: 'kubeloop-admin' }]);
    await expect(configMaps().get('dry')).rejects.toSatisfy(isNotFound);
  });

  it('validates updates too, with the old object', async () => {
    const created = await configMaps().create({ metadata: { name: 'updated' }, data: { mode: 'careful' } });
    await expect(configMaps().update({ ...created, data: { mode: 'reckless' } })).rejects.toThrow(/not allowed/);
    expect(seen.get('updated')?.map((call) => call.operation)).toEqual(['CREATE', 'UPDATE']);
  });

  it('stores the field the mutating webhook defaulted, and keeps one the client set', async () => {
    await configMaps().create({ metadata: { name: 'defaulted' }, data: { mode: 'careful' } });
    await configMaps().create({ metadata: { name: 'explicit' }, data: { level: 'debug' } });
    expect((await configMaps().get('defaulted')).data).toEqual({ level: 'info', mode: 'careful' });
    expect((await configMaps().get('explicit')).data).toEqual({ level: 'debug' });
  });
});
