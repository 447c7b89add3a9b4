/** Builds a CRD conversion webhook (ConversionReview v1) from hub-and-spoke conversion functions. */
import type { KubeObject } from '../client/meta.js';
import type { ReviewContext, WebhookEndpoint } from './endpoint.js';
import { WebhookConversionError, WebhookOptionsError, WebhookRequestError } from './errors.js';

/** The only ConversionReview version we answer; list it in the CRD's `conversionReviewVersions`. */
export const conversionReviewVersion = 'apiextensions.k8s.io/v1';

/**
 * How one version converts to and from the hub. Both directions get their own copy of the object and may change it.
 * `metadata` must be carried over unchanged (the apiserver refuses any other change than labels and annotations);
 * a result without `metadata` gets the source's. `apiVersion` and `kind` are set by the webhook.
 *
 * @typeParam Hub - the hub version's type.
 * @typeParam S - this version's type.
 */
export interface Spoke<Hub extends KubeObject, S extends KubeObject = KubeObject> {
  /** Converts an object of this version to the hub version. */
  toHub(object: S): Hub;
  /** Converts a hub-version object to this version. */
  fromHub(hub: Hub): S;
}

/**
 * Options of {@link conversionWebhook}.
 *
 * @typeParam Hub - the hub version's type.
 */
export interface ConversionWebhookOptions<Hub extends KubeObject> {
  /** Names the webhook in logs. */
  readonly name: string;
  /** The hub's apiVersion, e.g. `example.com/v1` (usually the storage version). */
  readonly hub: string;
  /** Every other served version by apiVersion (`example.com/v1alpha1`), each converting to and from the hub. */
  readonly spokes: Readonly<Record<string, Spoke<Hub>>>;
}

/** A conversion webhook, also usable directly (e.g. in round-trip tests). */
export interface ConversionWebhook extends WebhookEndpoint {
  /**
   * Converts one object to `apiVersion`: unchanged if already there, else through the hub. Throws a
   * WebhookConversionError for a version with no spoke or a conversion function that threw.
   */
  convert(object: KubeObject, apiVersion: string): KubeObject;
}

interface ConversionRequest {
  readonly uid: string;
  readonly desiredAPIVersion: string;
  readonly objects: readonly KubeObject[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A ConversionReview v1 webhook converting between versions through one hub (controller-runtime's hub and spokes):
 * n versions need 2(n − 1) functions, not n(n − 1).
 *
 * Guarantees: a review is converted whole or not at all: one failing object answers `Failure` (naming it) and
 * no objects; objects are converted in order; the review's objects are never mutated. Any review other than
 * ConversionReview v1 is refused with 400.
 */
export function conversionWebhook<Hub extends KubeObject>(options: ConversionWebhookOptions<Hub>): ConversionWebhook {
  if (Object.hasOwn(options.spokes, options.hub)) {
    throw new WebhookOptionsError(`conversion webhook ${options.name}: the hub ${options.hub} cannot be a spoke`);
  }
  const spokeOf = (apiVersion: string): Spoke<Hub> => {
    const spoke = Object.hasOwn(options.spokes, apiVersion) ? options.spokes[apiVersion] : undefined;
    if (spoke) return spoke;
    throw new WebhookConversionError(`conversion webhook ${options.name} does not know apiVersion ${apiVersion}`);
  };
  const convert = (object: KubeObject, apiVersion: string): KubeObject => {
    const from = object.apiVersion ?? '';
    if (from === apiVersion) return object;
    const copy = structuredClone(object);
    const hub = from === options.hub ? (copy as Hub) : spokeOf(from).toHub(copy);
    const result: KubeObject = apiVersion === options.hub ? hub : spokeOf(apiVersion).fromHub(hub);
    const metadata = result.metadata ?? object.metadata;
    return { ...result, apiVersion, ...(object.kind ? { kind: object.kind } : {}), ...(metadata ? { metadata } : {}) };
  };
  return {
    name: options.name,
    convert,
    review: async (body, context) => answer(options.name, conversionRequestOf(body), convert, context),
  };
}

function answer(
  name: string,
  request: ConversionRequest,
  convert: (object: KubeObject, apiVersion: string) => KubeObject,
  context: ReviewContext,
): unknown {
  const review = (response: Record<string, unknown>) => ({
    apiVersion: conversionReviewVersion,
    kind: 'ConversionReview',
    response: { uid: request.uid, ...response },
  });
  const converted: KubeObject[] = [];
  for (const object of request.objects) {
    try {
      converted.push(convert(object, request.desiredAPIVersion));
    } catch (error) {
      const which = `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
      const message = `converting ${which} from ${object.apiVersion} to ${request.desiredAPIVersion}: ${
        error instanceof Error ? error.message : String(error)
      }`;
      context.logger.error({ webhook: name, uid: request.uid, err: error }, message);
      return review({ convertedObjects: [], result: { status: 'Failure', message } });
    }
  }
  return review({ convertedObjects: converted, result: { status: 'Success' } });
}

function conversionRequestOf(body: unknown): ConversionRequest {
  if (!isRecord(body)) throw new WebhookRequestError(400, 'the body is not a JSON object');
  if (body.apiVersion !== conversionReviewVersion || body.kind !== 'ConversionReview') {
    throw new WebhookRequestError(
      400,
      `expected a ConversionReview of ${conversionReviewVersion}, got kind ${JSON.stringify(body.kind)} of ` +
        `apiVersion ${JSON.stringify(body.apiVersion)} (list only "v1" in conversionReviewVersions)`,
    );
  }
  const request = body.request;
  if (
    !isRecord(request) ||
    typeof request.uid !== 'string' ||
    typeof request.desiredAPIVersion !== 'string' ||
    !Array.isArray(request.objects) ||
    !request.objects.every(isRecord)
  ) {
    throw new WebhookRequestError(400, 'the ConversionReview has no request with a uid, desiredAPIVersion and objects');
  }
  return request as unknown as ConversionRequest;
}
