// Owns turning an EMCO app context id into its deployment intent group: EMCO's orchestrator keeps
// app contexts in its etcd ("contextdb") as JSON values, the root handle under `/context/<id>/` and
// the composite app's metadata under `/context/<id>/meta/`. Read-only; nothing is ever written.
import { readFile } from 'node:fs/promises';
import type { Etcd3, IOptions } from 'etcd3';
import type { DigRef } from '../../common/emco/types.js';
import type { EmcoEtcdConfig } from '../config.js';

/** The app context's root handle key, as EMCO's contextdb names it. */
export function contextRootKey(id: string): string {
  return `/context/${id}/`;
}

export function contextMetaKey(id: string): string {
  return `/context/${id}/meta/`;
}

/** The app context is absent or unusable; `message` says why (EMCO's wrapping is added by the caller). */
export class AppContextError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppContextError';
  }
}

export interface AppContextReader {
  /** The DIG an app context belongs to. Throws AppContextError when it cannot be read. */
  dig(appContextId: string): Promise<DigRef>;
  close(): Promise<void>;
}

/** The raw values of the two keys (undefined when a key is absent). */
export interface ContextValues {
  root: string | undefined;
  meta: string | undefined;
}

/** Validates the two stored values and picks the DIG out of the metadata (pure). */
export function digFromContextValues(id: string, values: ContextValues): DigRef {
  if (values.root === undefined) {
    throw new AppContextError(`no app context ${contextRootKey(id)} in EMCO's contextdb`);
  }
  if (values.meta === undefined) {
    throw new AppContextError(`the app context has no metadata at ${contextMetaKey(id)}`);
  }
  let meta: unknown;
  try {
    meta = JSON.parse(values.meta);
  } catch (err) {
    throw new AppContextError(`the metadata at ${contextMetaKey(id)} is not JSON`, { cause: err });
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
    throw new AppContextError(`the metadata at ${contextMetaKey(id)} is not a JSON object`);
  }
  const m = meta as Record<string, unknown>;
  const field = (name: string): string => {
    const v = m[name];
    if (typeof v !== 'string' || v === '') {
      throw new AppContextError(`the metadata at ${contextMetaKey(id)} has no ${name}`);
    }
    return v;
  };
  return {
    project: field('Project'),
    compositeApp: field('CompositeApp'),
    compositeAppVersion: field('Version'),
    deploymentIntentGroup: field('DeploymentIntentGroup'),
  };
}

/** App context ids are EMCO-generated numbers; anything that could not be one is refused before etcd. */
const ID = /^[A-Za-z0-9_.-]{1,128}$/;

/** Reads app contexts from EMCO's etcd with a maintained etcd v3 client (loaded on first use). */
export class EtcdAppContextReader implements AppContextReader {
  private client: Promise<Etcd3> | undefined;

  constructor(private readonly config: EmcoEtcdConfig) {}

  private connect(): Promise<Etcd3> {
    this.client ??= (async () => {
      const c = this.config;
      const [{ Etcd3 }, ca, key, cert, password] = await Promise.all([
        import('etcd3'),
        c.caFile !== undefined ? readFile(c.caFile) : undefined,
        c.keyFile !== undefined ? readFile(c.keyFile) : undefined,
        c.certFile !== undefined ? readFile(c.certFile) : undefined,
        c.passwordFile !== undefined ? readFile(c.passwordFile, 'utf8') : undefined,
      ]);
      const options: IOptions = {
        hosts: [...c.endpoints],
        dialTimeout: c.timeoutMs,
        defaultCallOptions: () => ({ deadline: Date.now() + c.timeoutMs }),
        ...(ca !== undefined
          ? {
              credentials: {
                rootCertificate: ca,
                ...(key !== undefined && cert !== undefined ? { privateKey: key, certChain: cert } : {}),
              },
            }
          : {}),
        ...(c.username !== undefined && password !== undefined
          ? { auth: { username: c.username, password: password.trim() } }
          : {}),
      };
      return new Etcd3(options);
    })();
    return this.client;
  }

  async dig(appContextId: string): Promise<DigRef> {
    if (!ID.test(appContextId)) {
      throw new AppContextError(`${JSON.stringify(appContextId.slice(0, 140))} is not an app context id`);
    }
    let values: ContextValues;
    try {
      const etcd = await this.connect();
      const [root, meta] = await Promise.all([
        etcd.get(contextRootKey(appContextId)).string(),
        etcd.get(contextMetaKey(appContextId)).string(),
      ]);
      values = { root: root ?? undefined, meta: meta ?? undefined };
    } catch (err) {
      throw new AppContextError(
        `EMCO's etcd could not be read: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
    return digFromContextValues(appContextId, values);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) (await client).close();
  }
}
