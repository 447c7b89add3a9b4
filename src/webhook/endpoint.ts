/** Declares what the webhook server needs of a webhook: a name and a function from review body to answer. */
import type { Logger } from 'pino';

/** What the server hands a webhook with each review. */
export interface ReviewContext {
  /** Aborts when the connection closes or the server stops; the handler should give up then. */
  readonly signal: AbortSignal;
  /** The server's logger, for failures turned into answers. */
  readonly logger: Logger;
}

/**
 * One webhook served on one path: an admission webhook, a conversion webhook, or your own.
 *
 * Guarantees (of the implementations here): `review` throws only a WebhookRequestError, for a body it refuses
 * (the server answers its status); a failing or slow handler becomes an answer, never a rejection.
 */
export interface WebhookEndpoint {
  /** Names the webhook in logs and in the messages of denials it causes. */
  readonly name: string;
  /** Answers one decoded JSON review body with the JSON to send back. */
  review(body: unknown, context: ReviewContext): Promise<unknown>;
}
