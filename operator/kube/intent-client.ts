// Owns the operator's writes of TemporalActionIntent objects to the API server: create, replace,
// delete, metadata patches (finalizers, annotations) and status replacement, each classified into a
// StoreError on failure.
import { type KubeConfig, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, type TemporalActionIntent } from '../../common/model/types.js';
import { StoreError, type MetadataPatch } from '../ports.js';
import { classifyKubeError } from './errors.js';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function toStoreError(err: unknown, what: string): StoreError {
  const c = classifyKubeError(err);
  const kind =
    c.kind === 'NotFound' ||
    c.kind === 'AlreadyExists' ||
    c.kind === 'Conflict' ||
    c.kind === 'Invalid' ||
    c.kind === 'Forbidden'
      ? c.kind
      : c.kind === 'Unauthorized'
        ? 'Forbidden'
        : 'Unavailable';
  return new StoreError(kind, `${what}: ${c.message}`, { cause: err });
}

export class IntentClient {
  private readonly api: CustomObjectsApi;

  constructor(kc: KubeConfig) {
    this.api = kc.makeApiClient(CustomObjectsApi);
  }

  private base(namespace: string) {
    return { group: GROUP, version: VERSION, plural: PLURAL, namespace };
  }

  async get(namespace: string, name: string): Promise<TemporalActionIntent> {
    try {
      return (await this.api.getNamespacedCustomObject({
        ...this.base(namespace),
        name,
      })) as TemporalActionIntent;
    } catch (err) {
      throw toStoreError(err, `get ${namespace}/${name}`);
    }
  }

  async create(obj: TemporalActionIntent): Promise<TemporalActionIntent> {
    const ns = obj.metadata?.namespace ?? '';
    try {
      return (await this.api.createNamespacedCustomObject({
        ...this.base(ns),
        body: obj,
      })) as TemporalActionIntent;
    } catch (err) {
      throw toStoreError(err, `create ${ns}/${obj.metadata?.name ?? ''}`);
    }
  }

  async replace(obj: TemporalActionIntent): Promise<TemporalActionIntent> {
    const ns = obj.metadata?.namespace ?? '';
    const name = obj.metadata?.name ?? '';
    try {
      return (await this.api.replaceNamespacedCustomObject({
        ...this.base(ns),
        name,
        body: obj,
      })) as TemporalActionIntent;
    } catch (err) {
      throw toStoreError(err, `replace ${ns}/${name}`);
    }
  }

  async delete(namespace: string, name: string): Promise<void> {
    try {
      await this.api.deleteNamespacedCustomObject({ ...this.base(namespace), name });
    } catch (err) {
      throw toStoreError(err, `delete ${namespace}/${name}`);
    }
  }

  /** JSON merge patch of metadata; with a resourceVersion it fails with Conflict when stale. */
  async patchMetadata(
    namespace: string,
    name: string,
    patch: MetadataPatch,
    resourceVersion?: string,
  ): Promise<TemporalActionIntent> {
    const body = { metadata: { ...patch, ...(resourceVersion !== undefined ? { resourceVersion } : {}) } };
    try {
      return (await this.api.patchNamespacedCustomObject(
        { ...this.base(namespace), name, body },
        mergePatch,
      )) as TemporalActionIntent;
    } catch (err) {
      throw toStoreError(err, `patch metadata of ${namespace}/${name}`);
    }
  }

  /** Replaces the status subresource; `obj.metadata.resourceVersion` makes it fail with Conflict when stale. */
  async replaceStatus(obj: TemporalActionIntent): Promise<TemporalActionIntent> {
    const ns = obj.metadata?.namespace ?? '';
    const name = obj.metadata?.name ?? '';
    try {
      return (await this.api.replaceNamespacedCustomObjectStatus({
        ...this.base(ns),
        name,
        body: obj,
      })) as TemporalActionIntent;
    } catch (err) {
      throw toStoreError(err, `write status of ${ns}/${name}`);
    }
  }
}
