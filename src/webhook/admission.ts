/** Builds typed validating and mutating admission webhooks: decode the review, run the handler, answer (with a JSON Patch). */
import { createPatch } from 'rfc6902';
import type { KubeObject } from '../client/meta.js';
import {
  type AdmissionRequest,
  type AdmissionResponse,
  admissionRequestOf,
  admissionReviewOf,
} from './admission-review.js';
import { Denial } from './denial.js';
import type { ReviewContext, WebhookEndpoint } from './endpoint.js';
import { WebhookOptionsError } from './errors.js';
import { type Outcome, runHandler } from './run-handler.js';

/** What a handler may do besides answering. */
export interface AdmissionContext {
  /** Aborts when the handler's `timeoutMs` passed, the apiserver hung up or the server stops. */
  readonly signal: AbortSignal;
  /** Adds a warning to the answer (kubectl prints it), allowed or denied. */
  warn(message: string): void;
}

/**
 * What happens to a request whose handler throws or times out: `Fail` denies it (reason `InternalError` or
 * `Timeout`, with the error's message), `Ignore` allows it unchanged with a warning saying so.
 */
export type FailurePolicy = 'Fail' | 'Ignore';

/** Options common to validating and mutating webhooks. */
export interface AdmissionWebhookOptions {
  /** Names the webhook in logs and in the warning of an ignored failure. */
  readonly name: string;
  /**
   * How long a handler may take; default 9 s: under the apiserver's default webhook timeout (10 s), so the client
   * sees our message rather than the apiserver's generic timeout. Keep it under the configuration's timeoutSeconds.
   */
  readonly timeoutMs?: number;
  /** Default `Fail`, like a webhook configuration's default. */
  readonly failurePolicy?: FailurePolicy;
}

/** What a validating handler answers: nothing to allow, a {@link Denial} (from `deny`) to refuse. */
export type Verdict = Denial | undefined;

/**
 * A validating webhook.
 *
 * @typeParam T - the type of the objects it admits.
 */
export interface ValidatingWebhookOptions<T extends KubeObject> extends AdmissionWebhookOptions {
  /** Judges one request: its old and new objects, operation, user and dryRun are in `request`. */
  validate(request: AdmissionRequest<T>, context: AdmissionContext): Verdict | Promise<Verdict>;
}

/**
 * A mutating webhook.
 *
 * @typeParam T - the type of the objects it admits.
 */
export interface MutatingWebhookOptions<T extends KubeObject> extends AdmissionWebhookOptions {
  /**
   * Returns the object as it should be admitted, or a Denial. `object` is the caller's own deep copy of
   * `request.object`: change it in place and return it, or return a new one. Not called when the request has no
   * object (DELETE): such requests are allowed unchanged.
   */
  mutate(object: T, request: AdmissionRequest<T>, context: AdmissionContext): T | Denial | Promise<T | Denial>;
}

/** Why: the apiserver's default webhook timeout is 10 s; answering before it lets our message reach the client. */
const defaultTimeoutMs = 9_000;

/**
 * A validating admission webhook to register on a WebhookServer path.
 *
 * Guarantees: answers every AdmissionReview v1 (any other version is refused with 400); the handler runs once per
 * request; a throw, a rejection or a timeout is answered per `failurePolicy` and logged, never crashing the server.
 */
export function validatingWebhook<T extends KubeObject>(options: ValidatingWebhookOptions<T>): WebhookEndpoint {
  const settings = checked(options);
  return {
    name: options.name,
    review: (body, context) =>
      admit(body, context, settings, async (request, admission) => {
        const verdict = await options.validate(request as AdmissionRequest<T>, admission);
        return verdict instanceof Denial ? verdict : {};
      }),
  };
}

/**
 * A mutating admission webhook to register on a WebhookServer path: the returned object is diffed against the
 * request's object and sent back as an RFC 6902 JSON Patch.
 *
 * Guarantees: those of {@link validatingWebhook}; no patch is sent when the handler changed nothing; the patch
 * turns exactly the request's object into the returned one.
 */
export function mutatingWebhook<T extends KubeObject>(options: MutatingWebhookOptions<T>): WebhookEndpoint {
  const settings = checked(options);
  return {
    name: options.name,
    review: (body, context) =>
      admit(body, context, settings, async (request, admission) => {
        if (request.object === undefined || request.object === null) return {};
        const original = request.object as T;
        const result = await options.mutate(structuredClone(original), request as AdmissionRequest<T>, admission);
        if (result instanceof Denial) return result;
        const operations = createPatch(original, result);
        if (operations.length === 0) return {};
        return { patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(operations)).toString('base64') };
      }),
  };
}

interface Settings {
  readonly name: string;
  readonly timeoutMs: number;
  readonly failurePolicy: FailurePolicy;
}

function checked(options: AdmissionWebhookOptions): Settings {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new WebhookOptionsError(`webhook ${options.name}: timeoutMs must be a positive number, got ${timeoutMs}`);
  }
  const failurePolicy = options.failurePolicy ?? 'Fail';
  if (failurePolicy !== 'Fail' && failurePolicy !== 'Ignore') {
    throw new WebhookOptionsError(`webhook ${options.name}: failurePolicy must be Fail or Ignore`);
  }
  return { name: options.name, timeoutMs, failurePolicy };
}

/** What a handler run adds to an allowed answer. */
type Allowed = Pick<AdmissionResponse, 'patch' | 'patchType'>;

async function admit(
  body: unknown,
  context: ReviewContext,
  settings: Settings,
  handle: (request: AdmissionRequest, admission: AdmissionContext) => Promise<Denial | Allowed>,
): Promise<unknown> {
  const request = admissionRequestOf(body);
  const warnings: string[] = [];
  const outcome = await runHandler(
    (signal) => handle(request, { signal, warn: (message) => warnings.push(message) }),
    settings.timeoutMs,
    context.signal,
  );
  if (!outcome.ok) return admissionReviewOf(failed(request, settings, outcome, warnings, context));
  const result = outcome.value;
  if (result instanceof Denial) {
    warnings.push(...result.warnings);
    return admissionReviewOf({ uid: request.uid, allowed: false, status: result.toStatus(), ...listed(warnings) });
  }
  return admissionReviewOf({ uid: request.uid, allowed: true, ...result, ...listed(warnings) });
}

function failed(
  request: AdmissionRequest,
  settings: Settings,
  outcome: Extract<Outcome<unknown>, { ok: false }>,
  warnings: string[],
  context: ReviewContext,
): AdmissionResponse {
  const reason = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
  const where = { webhook: settings.name, uid: request.uid, operation: request.operation, name: request.name };
  context.logger.error({ ...where, err: outcome.error }, 'admission handler failed');
  if (settings.failurePolicy === 'Ignore') {
    warnings.push(`webhook ${settings.name} failed and the request was allowed (failurePolicy Ignore): ${reason}`);
    return { uid: request.uid, allowed: true, ...listed(warnings) };
  }
  const status = outcome.timedOut
    ? { status: 'Failure' as const, message: reason, reason: 'Timeout', code: 504 }
    : { status: 'Failure' as const, message: `the handler failed: ${reason}`, reason: 'InternalError', code: 500 };
  return { uid: request.uid, allowed: false, status, ...listed(warnings) };
}

const listed = (warnings: readonly string[]): { warnings?: readonly string[] } =>
  warnings.length > 0 ? { warnings } : {};
