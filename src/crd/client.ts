/** Implements the typed client of a custom resource: ResourceClient's verbs plus its status and scale subresources. */
import type { Scale } from '../client/kubernetes/autoscaling-v1/types.js';
import type { KubeList, KubeObject } from '../client/meta.js';
import type { ApplyConfiguration } from '../client/typed/apply-configuration.js';
import type { ApplyOptions, GetOptions, PatchOptions, UpdateOptions } from '../client/typed/options.js';
import { type PatchFormat, ResourceClient } from '../client/typed/resource-client.js';
import type { ScaleSubresourceClient, StatusSubresourceClient } from './types.js';

/**
 * The client `defineCustomResource(...).client()` builds. It has every subresource method; the type `client()`
 * returns shows only those the version serves (a call to another one would get the server's 404).
 *
 * Guarantees: those of ResourceClient; each subresource call is one request to `<plural>/{name}/<subresource>`.
 */
export class CustomResourceRESTClient<T extends KubeObject>
  extends ResourceClient<T, KubeList<T>>
  implements StatusSubresourceClient<T>, ScaleSubresourceClient
{
  updateStatus(object: T, options: UpdateOptions = {}): Promise<T> {
    return this.updateSubresource(object, 'status', object, options);
  }

  patchStatus(name: string, format: PatchFormat, patch: unknown, options: PatchOptions = {}): Promise<T> {
    return this.patchSubresource(name, ['status'], format, patch, options);
  }

  applyStatus(configuration: ApplyConfiguration<T>, options: ApplyOptions): Promise<T> {
    return this.applySubresource(configuration, ['status'], options);
  }

  getScale(name: string, options: GetOptions = {}): Promise<Scale> {
    return this.getSubresource(name, 'scale', options);
  }

  updateScale(name: string, scale: Scale, options: UpdateOptions = {}): Promise<Scale> {
    return this.updateSubresource(name, 'scale', scale, options);
  }

  patchScale(name: string, format: PatchFormat, patch: unknown, options: PatchOptions = {}): Promise<Scale> {
    return this.patchSubresource(name, ['scale'], format, patch, options);
  }
}
