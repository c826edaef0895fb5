// Owns running the product's three programs (operator, workflow client, worker) as separate
// processes against an environment, for the demo and the benchmarks: free ports, logs in files,
// readiness waits, and a stop that leaves nothing running.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './env.js';
import { freePort } from './ports.js';
import { logTail } from './processes.js';
import { writeInvokeAuth } from './invoke-auth.js';

export interface Program {
  name: string;
  child: ChildProcess;
  logPath: string;
  stop(): Promise<void>;
}

export interface ProgramsOptions {
  kubeconfigPath: string;
  temporalAddress: string;
  temporalNamespace: string;
  temporalUiUrl?: string;
  /** Namespace of REST-created intents (and the operator's Lease). */
  namespace: string;
  logDir: string;
  logLevel?: string;
  extraOperatorEnv?: Record<string, string>;
}

export interface RunningPrograms {
  operatorUrl: string;
  clientPort: number;
  programs: Program[];
  stop(): Promise<void>;
}

function startProgram(name: string, entry: string, env: Record<string, string>, logDir: string): Program {
  const logPath = path.join(logDir, `${name}.log`);
  const out = createWriteStream(logPath, { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, entry)], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    child,
    logPath,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitHttpOk(program: Program, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (program.child.exitCode !== null) {
      throw new Error(
        `${program.name} exited (code ${program.child.exitCode}); log tail:\n${logTail(program.logPath)}`,
      );
    }
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `${program.name} not ready at ${url} after ${timeoutMs} ms; log tail:\n${logTail(program.logPath)}`,
  );
}

/** Starts worker, workflow client and operator; resolves when the client and operator are ready. */
export async function startPrograms(options: ProgramsOptions): Promise<RunningPrograms> {
  const [clientPort, operatorPort] = [await freePort(), await freePort()];
  const temporalEnv = {
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_NAMESPACE: options.temporalNamespace,
  };
  const logLevel = options.logLevel ?? 'info';
  const invokeAuth = await writeInvokeAuth(options.logDir);
  const programs: Program[] = [];
  const stop = async (): Promise<void> => {
    for (const p of [...programs].reverse()) await p.stop();
  };
  try {
    programs.push(
      startProgram(
        'worker',
        'worker/main.ts',
        // Its monitoring port on loopback, any free port: a second demo on the machine must start.
        {
          ...temporalEnv,
          LOG_LEVEL: logLevel,
          TAC_WORKER_MONITOR_HOST: '127.0.0.1',
          TAC_WORKER_MONITOR_PORT: '0',
        },
        options.logDir,
      ),
    );
    const client = startProgram(
      'workflow-client',
      'client/main.ts',
      {
        ...temporalEnv,
        TAC_CLIENT_HOST: '127.0.0.1',
        TAC_CLIENT_PORT: String(clientPort),
        ...invokeAuth.clientEnv,
        LOG_LEVEL: logLevel,
      },
      options.logDir,
    );
    programs.push(client);
    const operator = startProgram(
      'operator',
      'operator/main.ts',
      {
        ...temporalEnv,
        KUBECONFIG: options.kubeconfigPath,
        TAC_REST_HOST: '127.0.0.1',
        TAC_REST_PORT: String(operatorPort),
        TAC_REST_AUTH: 'none',
        TAC_DEFAULT_NAMESPACE: options.namespace,
        TAC_LEASE_NAMESPACE: options.namespace,
        POD_NAME: 'tac-operator-local',
        ...invokeAuth.operatorEnv,
        LOG_LEVEL: logLevel,
        ...(options.temporalUiUrl !== undefined ? { TEMPORAL_UI_URL: options.temporalUiUrl } : {}),
        ...options.extraOperatorEnv,
      },
      options.logDir,
    );
    programs.push(operator);
    const operatorUrl = `http://127.0.0.1:${operatorPort}`;
    await waitHttpOk(client, `http://127.0.0.1:${clientPort}/healthz`, 60_000);
    await waitHttpOk(operator, `${operatorUrl}/readyz`, 60_000);
    return { operatorUrl, clientPort, programs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
