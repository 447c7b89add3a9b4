/** Defines the errors of the webhook server: bad options, unusable certificates, refused requests, failed conversions. */
import { KubeloopError } from '../errors.js';

/**
 * Thrown when building a webhook, a server or a certificate from options it cannot honour (a path without a
 * leading slash, a path registered twice, a negative timeout, a CA that is not one of ours, …).
 *
 * Guarantees: thrown synchronously, before anything listens; `message` names the option and the rule.
 */
export class WebhookOptionsError extends KubeloopError<'WEBHOOK_OPTIONS'> {
  readonly code = 'WEBHOOK_OPTIONS';
}

/**
 * A serving certificate, key or client CA that cannot be read or does not make a TLS context (a key that does not
 * match its certificate, a file that is not PEM).
 *
 * Guarantees: at start it rejects `WebhookServer.start` before the port is bound; on a reload it is only logged and
 * the previous certificate keeps serving. `file` names what failed to load; `message` never contains key material.
 */
export class WebhookCertificateError extends KubeloopError<'WEBHOOK_CERTIFICATE'> {
  readonly code = 'WEBHOOK_CERTIFICATE';
  readonly file: string;

  constructor(message: string, file: string, options?: ErrorOptions) {
    super(message, options);
    this.file = file;
  }
}

/**
 * Refuses an HTTP request to a webhook path: a body over the size cap (413), a review of an unknown apiVersion or
 * kind, or one that is not JSON (400), a wrong method (405) or content type (415).
 *
 * Guarantees: `status` is the HTTP status the server answers with; `message` is the plain-text body.
 */
export class WebhookRequestError extends KubeloopError<'WEBHOOK_REQUEST'> {
  readonly code = 'WEBHOOK_REQUEST';
  readonly status: 400 | 405 | 413 | 415;

  constructor(status: 400 | 405 | 413 | 415, message: string, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}

/**
 * The abort reason of a handler's signal when the handler ran past its `timeoutMs`.
 *
 * Guarantees: the request is answered at that moment (a denial with reason `Timeout`, or allowed under
 * `failurePolicy: 'Ignore'`) whether or not the handler ever settles; its later result is dropped.
 */
export class WebhookTimeoutError extends KubeloopError<'WEBHOOK_TIMEOUT'> {
  readonly code = 'WEBHOOK_TIMEOUT';
}

/**
 * A conversion the webhook cannot do: an apiVersion it has no spoke for, or a conversion function that threw.
 *
 * Guarantees: never escapes the server: it becomes the ConversionReview's `Failure` result, whose message this is.
 */
export class WebhookConversionError extends KubeloopError<'WEBHOOK_CONVERSION'> {
  readonly code = 'WEBHOOK_CONVERSION';
}

/**
 * The webhook server could not bind its port (in use, not permitted, no such address).
 *
 * Guarantees: rejects `WebhookServer.start` (and `serving()`); nothing is left listening. `cause` is Node's error.
 */
export class WebhookListenError extends KubeloopError<'WEBHOOK_LISTEN'> {
  readonly code = 'WEBHOOK_LISTEN';
}

/**
 * A server used out of order: `start` called twice, or a path registered after it stopped.
 *
 * Guarantees: the server's state is not changed by the call that threw.
 */
export class WebhookServerStateError extends KubeloopError<'WEBHOOK_SERVER_STATE'> {
  readonly code = 'WEBHOOK_SERVER_STATE';
}
