/** Exports kubeloop's webhooks: typed admission and conversion handlers, the HTTPS server, development certificates. @module kubeloop/webhook */
// First: fails clearly on an unsupported Node.js before any dependency loads.
import '../runtime-check.js';

export {
  type AdmissionContext,
  type AdmissionWebhookOptions,
  type FailurePolicy,
  type MutatingWebhookOptions,
  mutatingWebhook,
  type ValidatingWebhookOptions,
  type Verdict,
  validatingWebhook,
} from './admission.js';
export {
  type AdmissionOperation,
  type AdmissionRequest,
  type AdmissionResponse,
  type AdmissionReview,
  type AdmissionStatus,
  admissionReviewVersion,
  type GroupVersionKind,
  type GroupVersionResource,
} from './admission-review.js';
export { type CABundleTarget, withCABundle } from './ca-bundle.js';
export {
  type CertificateFiles,
  generateCA,
  generateWebhookCertificates,
  issueServingCertificate,
  type KeyPair,
  type ServingCertificateOptions,
  type WebhookCertificates,
  writeServingCertificate,
} from './certificates.js';
export {
  type ConversionWebhook,
  type ConversionWebhookOptions,
  conversionReviewVersion,
  conversionWebhook,
  type Spoke,
} from './conversion.js';
export { Denial, type DenyOptions, deny } from './denial.js';
export type { ReviewContext, WebhookEndpoint } from './endpoint.js';
export {
  WebhookCertificateError,
  WebhookConversionError,
  WebhookListenError,
  WebhookOptionsError,
  WebhookRequestError,
  WebhookServerStateError,
  WebhookTimeoutError,
} from './errors.js';
export { WebhookServer, type WebhookServerOptions } from './server.js';
