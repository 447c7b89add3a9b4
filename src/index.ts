/** Exports kubeloop's client, cache and controller surfaces; each is also its own entry point (`kubeloop/client`, …). */
// Each re-exported index lists its names explicitly; `kubeloop/testing` stays separate (it spawns processes).
export * from './cache/index.js';
export * from './client/index.js';
export * from './controller/index.js';
