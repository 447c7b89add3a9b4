import { describe, expect, it } from 'vitest';
import { InformerFactoryOptionsError, newSharedInformerFactory } from '../../../../src/cache/informer-factory.js';
import { ClientSet } from '../../../../src/client/kubernetes/clientset.js';
import { RESTClient } from '../../../../src/client/rest/rest-client.js';
import { obj, type TestObject } from '../objects.js';
import { capturedLogger } from './helpers.js';
import { ScriptedListerWatcher } from './scripted-lister-watcher.js';

// Never dialled: the factory only builds clients here, informers built from them are not started.
const rest = RESTClient.forConfig({ host: 'https://127.0.0.1:1' });

describe('SharedInformerFactory', () => {
  it('refuses a dynamic or metadata informer when it was given no client, naming what is missing', () => {
    const factory = newSharedInformerFactory();
    const gvr = { group: 'example.com', version: 'v1', resource: 'widgets' };
    expect(() => factory.forResource(gvr)).toThrow(InformerFactoryOptionsError);
    expect(() => factory.forMetadata(gvr)).toThrow('forMetadata needs a restClient, clientSet or dynamicClient');
  });

  it('returns one informer per key, building its lister-watcher once', () => {
    const factory = newSharedInformerFactory({ logger: capturedLogger().logger });
    let built = 0;
    const lw = () => {
      built++;
      return new ScriptedListerWatcher<TestObject>([], '1');
    };
    const first = factory.informerFor('configmaps', lw);
    expect(factory.informerFor('configmaps', lw)).toBe(first);
    expect(factory.informerFor('secrets', lw)).not.toBe(first);
    expect(built).toBe(2);
  });

  it('keys typed, dynamic and metadata informers by group/version/resource and scopes them to its namespace', () => {
    const factory = newSharedInformerFactory({ restClient: rest, namespace: 'team-a' });
    const clientSet = new ClientSet(rest);
    const namespaces: (string | undefined)[] = [];
    const pods = factory.forClient((ns) => {
      namespaces.push(ns);
      return clientSet.coreV1().pods(ns);
    });
    expect(factory.forClient((ns) => clientSet.coreV1().pods(ns))).toBe(pods);
    expect(pods.name).toBe('typed:/v1/pods');
    expect(namespaces).toEqual(['team-a']);
    const gvr = { group: 'apps', version: 'v1', resource: 'deployments' };
    expect(factory.forResource(gvr).name).toBe('dynamic:apps/v1/deployments');
    expect(factory.forResource(gvr)).toBe(factory.forResource(gvr));
    expect(factory.forMetadata(gvr).name).toBe('metadata:apps/v1/deployments');
  });

  it('needs a client for dynamic and metadata informers', () => {
    const factory = newSharedInformerFactory();
    expect(() => factory.forMetadata({ group: '', version: 'v1', resource: 'pods' })).toThrow(/restClient/);
  });

  it('starts the informers not yet started, reports each one synced, and waits for all at shutdown', async () => {
    const factory = newSharedInformerFactory({ logger: capturedLogger().logger, watchList: 'off' });
    const a = factory.informerFor('a', () => new ScriptedListerWatcher([obj('ns', 'x', '1')], '1'));
    const stop = new AbortController();
    factory.start(stop.signal);
    const b = factory.informerFor('b', () => new ScriptedListerWatcher<TestObject>([], '1'));
    factory.start(stop.signal);
    expect(await factory.waitForCacheSync(AbortSignal.timeout(10_000))).toEqual(
      new Map([
        ['a', true],
        ['b', true],
      ]),
    );
    expect(a.getIndexer().listKeys()).toEqual(['ns/x']);
    await factory.shutdown();
    expect(a.isStopped() && b.isStopped()).toBe(true);
    expect(stop.signal.aborted).toBe(false);
  });
});
