// Owns the test suite's access to the shared local environment (started once per run by the root
// hooks): connection details, client-node configs per identity, and test helpers.
import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import type { EnvInfo } from '../../testenv/types.js';

let current: EnvInfo | undefined;

export function setTestEnv(info: EnvInfo | undefined): void {
  current = info;
}

/** The running environment. Throws outside an integration run (unit tests have none). */
export function testEnv(): EnvInfo {
  if (current === undefined) {
    throw new Error('no test environment: run integration tests with --config .mocharc.integration.json');
  }
  return current;
}

/** A client-node config for one of the environment's identities (kubeconfig context names). */
export function kubeConfig(identity = 'admin'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(testEnv().kubeconfigPath);
  kc.setCurrentContext(identity);
  return kc;
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** What is awaited, for the timeout message. */
  what: string;
}

/**
 * Polls `probe` until it returns a value other than undefined/false, and returns that value.
 * Errors thrown by the probe count as "not yet"; the last one is the timeout's cause.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const interval = options.intervalMs ?? 200;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${options.timeoutMs ?? 30_000} ms waiting for ${options.what}`, {
        cause: lastError,
      });
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** A fresh DNS-1123 name for one test: `prefix-<random>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
