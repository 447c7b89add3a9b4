/** Exports kubeloop's client, cache and controller surfaces; each is also its own entry point (`kubeloop/client`, …). @module kubeloop */
// First: fails clearly on an unsupported Node.js before any dependency loads.
import './runtime-check.js';

// Each re-exported index lists its names explicitly; `kubeloop/testing` stays separate (it spawns processes).
export * from './cache/index.js';
export * from './client/index.js';
// Both surfaces name a `Request`: at the root the RESTClient's keeps the name, the reconcile request is renamed.
export { Request } from './client/index.js';
export type { Request as ReconcileRequest } from './controller/index.js';
export * from './controller/index.js';
