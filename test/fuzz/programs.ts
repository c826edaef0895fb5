// Owns the programs the fuzzer attacks: the operator (REST API, auth off, and a second replica with
// Kubernetes auth on) and the workflow client (a bearer token configured), each a child process of
// its own against the test environment's API server and Temporal, with every security-relevant
// setting given explicitly so the fuzz does not depend on the defaults of the day.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { kubectl, REPO_ROOT } from '../../testenv/env.js';
import { freePort } from '../../testenv/ports.js';
import { logTail } from '../../testenv/processes.js';
import type { EnvInfo } from '../../testenv/types.js';
import { installCrdAndRbac, kubeconfigFileFor } from '../support/operator.js';
import { inspectorUrlIn, memoryAfterGc, type MemorySample } from './memory-probe.js';

/** The operator's request timeout in the fuzz (`TAC_REST_REQUEST_TIMEOUT`): bounds an ordinary request. */
export const OPERATOR_REQUEST_TIMEOUT_MS = 15_000;
/**
 * How long the operator waits for a whole request (`TAC_REST_RECEIVE_TIMEOUT`) and for its headers
 * (`TAC_REST_HEADERS_TIMEOUT`): a stalled request is answered 408 by then. Releases without these
 * settings ignore them and answer a body still arriving at the request timeout with 408 instead.
 */
export const OPERATOR_RECEIVE_TIMEOUT_MS = 10_000;
export const OPERATOR_HEADERS_TIMEOUT_MS = 5_000;
/** The only workflow-client endpoint the fuzzed operator may call: nothing listens on port 1. */
export const ALLOWED_CLIENT_ENDPOINT = '127.0.0.1:1';

export interface FuzzProgram {
  /** `operator`, `operator-auth`, `workflow-client`. */
  name: string;
  url: string;
  child: ChildProcess;
  logPath: string;
  /** Exit code or signal once the process ended; undefined while it runs. */
  exit(): string | undefined;
  memory(): Promise<MemorySample>;
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

export interface FuzzPrograms {
  env: EnvInfo;
  /** Namespace of the REST intents the fuzz creates (fresh per run, deleted at the end). */
  namespace: string;
  operator: FuzzProgram;
  operatorAuth: FuzzProgram;
  client: FuzzProgram;
  /** The workflow client's configured bearer token. */
  clientToken: string;
  /** Tokens the API server accepts, of an identity without any rights on intents. */
  unprivilegedToken: string;
  all(): FuzzProgram[];
  stop(): Promise<void>;
}

function spawnProgram(
  name: string,
  entry: string,
  env: Record<string, string>,
  url: string,
  logDir: string,
): FuzzProgram {
  const logPath = path.join(logDir, `fuzz-${name}-${Date.now()}.log`);
  const out = createWriteStream(logPath);
  const child = spawn(
    process.execPath,
    ['--inspect=127.0.0.1:0', '--import', 'tsx', path.join(REPO_ROOT, entry)],
    {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stdout?.pipe(out);
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString('utf8');
    out.write(chunk);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    url,
    child,
    logPath,
    exit() {
      if (child.exitCode !== null) return `exit code ${child.exitCode}`;
      if (child.signalCode !== null) return `signal ${child.signalCode}`;
      return undefined;
    },
    memory() {
      const inspector = inspectorUrlIn(stderr);
      if (inspector === undefined) {
        return Promise.reject(new Error(`${name}: no inspector address on stderr:\n${stderr}`));
      }
      return memoryAfterGc(inspector);
    },
    logTail: (lines = 30) => logTail(logPath, lines),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      out.end();
    },
  };
}

async function waitHealthy(program: FuzzProgram, probePath: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not listening';
  while (Date.now() < deadline) {
    const exit = program.exit();
    if (exit !== undefined) {
      throw new Error(`${program.name} exited (${exit}) while starting; log tail:\n${program.logTail()}`);
    }
    try {
      const res = await fetch(`${program.url}${probePath}`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `${program.name} not ready at ${program.url}${probePath} after ${timeoutMs} ms (${last}); log tail:\n${program.logTail()}`,
  );
}

/** Starts both operator replicas and the workflow client, in a fresh namespace; ready when they are. */
export async function startFuzzPrograms(env: EnvInfo): Promise<FuzzPrograms> {
  await installCrdAndRbac();
  const suffix = randomBytes(3).toString('hex');
  const namespace = `tac-fuzz-${suffix}`;
  await kubectl(env, ['create', 'namespace', namespace]);
  const kubeconfig = await kubeconfigFileFor('operator');
  const clientToken = randomBytes(24).toString('hex');
  const [operatorPort, authPort, clientPort] = [await freePort(), await freePort(), await freePort()];
  const operatorEnv = (port: number, pod: string, auth: 'none' | 'kubernetes') => ({
    KUBECONFIG: kubeconfig,
    TEMPORAL_ADDRESS: env.temporalAddress,
    TEMPORAL_NAMESPACE: env.temporalNamespace,
    TAC_REST_HOST: '127.0.0.1',
    TAC_REST_PORT: String(port),
    TAC_REST_AUTH: auth,
    TAC_REST_REQUEST_TIMEOUT: `${OPERATOR_REQUEST_TIMEOUT_MS}ms`,
    TAC_REST_RECEIVE_TIMEOUT: `${OPERATOR_RECEIVE_TIMEOUT_MS}ms`,
    TAC_REST_HEADERS_TIMEOUT: `${OPERATOR_HEADERS_TIMEOUT_MS}ms`,
    TAC_DEFAULT_NAMESPACE: namespace,
    TAC_WATCH_NAMESPACES: namespace,
    TAC_ALLOWED_CLIENT_ENDPOINTS: ALLOWED_CLIENT_ENDPOINT,
    TAC_INVOKE_TIMEOUT: '2s',
    TAC_LEASE_NAMESPACE: 'tac-system',
    TAC_LEASE_NAME: `tac-fuzz-${suffix}`,
    POD_NAME: pod,
    LOG_LEVEL: 'warn',
  });
  const programs: FuzzProgram[] = [];
  const stop = async (): Promise<void> => {
    for (const p of [...programs].reverse()) await p.stop();
  };
  try {
    const operator = spawnProgram(
      'operator',
      'operator/main.ts',
      operatorEnv(operatorPort, `fuzz-${suffix}-a`, 'none'),
      `http://127.0.0.1:${operatorPort}`,
      env.workDir,
    );
    programs.push(operator);
    const operatorAuth = spawnProgram(
      'operator-auth',
      'operator/main.ts',
      operatorEnv(authPort, `fuzz-${suffix}-b`, 'kubernetes'),
      `http://127.0.0.1:${authPort}`,
      env.workDir,
    );
    programs.push(operatorAuth);
    const client = spawnProgram(
      'workflow-client',
      'client/main.ts',
      {
        TEMPORAL_ADDRESS: env.temporalAddress,
        TEMPORAL_NAMESPACE: env.temporalNamespace,
        TAC_CLIENT_HOST: '127.0.0.1',
        TAC_CLIENT_PORT: String(clientPort),
        TAC_CLIENT_TOKEN: clientToken,
        LOG_LEVEL: 'warn',
      },
      `http://127.0.0.1:${clientPort}`,
      env.workDir,
    );
    programs.push(client);
    await waitHealthy(client, '/readyz', 60_000);
    await waitHealthy(operator, '/readyz', 90_000);
    await waitHealthy(operatorAuth, '/readyz', 90_000);
    const unprivileged = env.identities['nobody'];
    if (unprivileged === undefined) throw new Error('the test environment has no `nobody` identity');
    return {
      env,
      namespace,
      operator,
      operatorAuth,
      client,
      clientToken,
      unprivilegedToken: unprivileged.token,
      all: () => [...programs],
      async stop() {
        await stop();
        await kubectl(env, ['delete', 'namespace', namespace, '--wait=false']);
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
