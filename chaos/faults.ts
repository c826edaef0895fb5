// Owns the catalogue of faults: what each one waits for (a trigger seen from outside), what it
// breaks, how long, and how it is healed. Each acts only through processes, signals, the servers'
// restarts and the fault proxy's links; none reaches into a program.
import type { CustomObjectsApi } from '@kubernetes/client-node';
import type { LinkFault } from './fault-proxy.js';
import { INVOKE_TIMEOUT_MS, type ChaosStack, type Replica } from './stack.js';
import { signalGroup } from './signals.js';
import {
  closedNotRecorded,
  eventInFlight,
  requestedNotRecorded,
  runInProgress,
  startedNotRecorded,
  type Trigger,
} from './triggers.js';
import type { Workload } from './workload.js';
import { startConflictWriter } from './conflicts.js';

export class FaultError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FaultError';
  }
}

export interface FaultContext {
  stack: ChaosStack;
  api: CustomObjectsApi;
  fault: string;
  log: (m: string) => void;
}

export interface Fault {
  id: string;
  /** The row of the report: what breaks, and when. */
  title: string;
  /** Which of the suite's fault families it belongs to (1–7). */
  family: number;
  blockingWorkflow?: Workload;
  /** Before the events: e.g. latency that widens the window the trigger waits for. */
  setup?(ctx: FaultContext): Promise<void>;
  teardown?(ctx: FaultContext): Promise<void>;
  trigger: Trigger;
  /**
   * Breaks something; resolves with the heal. `injection` counts from 0 (faults that vary per
   * injection, e.g. latency, then a cut, then a black hole).
   */
  inject(ctx: FaultContext, injection: number): Promise<() => Promise<void>>;
  /** How long the fault holds before it is healed (ms). */
  holdMs: number;
  /** Injections at least, whatever the run's size (a fault that varies per injection shows each kind). */
  minInjections?: number;
  /** Exactly this many injections, whatever the run's size (a fault that lasts the whole run). */
  fixedInjections?: number;
  /** Whether the fault lasts until the events are done (write conflicts). */
  holdUntilDone?: boolean;
}

async function leaderOf(stack: ChaosStack): Promise<Replica> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const leader = await stack.leader();
      if (leader !== undefined) return leader;
    } catch {
      // The API server may be the thing that is down; the Lease comes back with it.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new FaultError('no operator replica holds the Lease after 30 s');
}

async function killLeader(ctx: FaultContext): Promise<() => Promise<void>> {
  const leader = await leaderOf(ctx.stack);
  ctx.log(`[chaos] ${ctx.fault}: SIGKILL operator-${leader.name} (${leader.identity()})`);
  await leader.kill();
  return () => leader.start();
}

const linkFaults: LinkFault[] = [
  { kind: 'latency', ms: 1500, jitterMs: 200 },
  { kind: 'cut' },
  { kind: 'blackhole' },
];

function netFault(
  id: string,
  peer: string,
  links: (s: ChaosStack) => Array<{ apply(f: LinkFault): Promise<void>; heal(): Promise<void> }>,
): Fault {
  return {
    id,
    title: `Network between the operators and ${peer}: latency 1.5 s, cut connections, black hole (in turn)`,
    family: 6,
    trigger: runInProgress,
    holdMs: 6000,
    minInjections: linkFaults.length,
    async inject(ctx, injection) {
      const fault = linkFaults[injection % linkFaults.length] ?? { kind: 'cut' };
      ctx.log(`[chaos] ${ctx.fault}: ${fault.kind} on the links to ${peer}`);
      const targets = links(ctx.stack);
      for (const l of targets) await l.apply(fault);
      return async () => {
        for (const l of targets) await l.heal();
      };
    },
  };
}

function serverRestart(
  id: string,
  title: string,
  pick: (s: ChaosStack) => { kill(): Promise<void>; start(): Promise<void> },
  family: number,
): Fault {
  return {
    id,
    title,
    family,
    trigger: runInProgress,
    holdMs: 2000,
    async inject(ctx) {
      const server = pick(ctx.stack);
      ctx.log(`[chaos] ${ctx.fault}: SIGKILL`);
      await server.kill();
      return () => server.start();
    },
  };
}

export const FAULTS: Fault[] = [
  {
    id: 'kill-requested',
    title: 'Operator SIGKILL after the run-request annotation, before the run is recorded',
    family: 1,
    // A slower workflow client widens the window between the request and the recorded start.
    async setup(ctx) {
      await ctx.stack.clientLink.apply({ kind: 'latency', ms: 400 });
    },
    async teardown(ctx) {
      await ctx.stack.clientLink.heal();
    },
    trigger: requestedNotRecorded,
    holdMs: 0,
    inject: killLeader,
  },
  {
    id: 'kill-started',
    title: 'Operator SIGKILL after the workflow started, before the status write',
    family: 1,
    // Slow API-server links: the status write after the invoke answer takes long.
    async setup(ctx) {
      for (const r of ctx.stack.replicas) await r.kube.apply({ kind: 'latency', ms: 400 });
    },
    async teardown(ctx) {
      for (const r of ctx.stack.replicas) await r.kube.heal();
    },
    trigger: startedNotRecorded,
    holdMs: 0,
    inject: killLeader,
  },
  {
    id: 'kill-closed',
    title: 'Operator SIGKILL after the workflow closed, before the final status write',
    family: 1,
    async setup(ctx) {
      for (const r of ctx.stack.replicas) await r.kube.apply({ kind: 'latency', ms: 400 });
    },
    async teardown(ctx) {
      for (const r of ctx.stack.replicas) await r.kube.heal();
    },
    trigger: closedNotRecorded,
    holdMs: 0,
    inject: killLeader,
  },
  {
    id: 'leader-kill',
    title: 'Leader SIGKILL mid-event, two replicas',
    family: 2,
    trigger: runInProgress,
    holdMs: 0,
    inject: killLeader,
  },
  {
    id: 'lease-lost',
    title: "Leader's API-server connections cut past the Lease duration (no kill), two replicas",
    family: 2,
    trigger: runInProgress,
    holdMs: 7000,
    async inject(ctx) {
      const leader = await leaderOf(ctx.stack);
      ctx.log(`[chaos] ${ctx.fault}: cutting operator-${leader.name} off the API server`);
      await leader.kube.apply({ kind: 'cut' });
      return () => leader.kube.heal();
    },
  },
  serverRestart(
    'temporal-restart',
    'Temporal dev server SIGKILL and restart (database file kept) mid-run',
    (s) => s.servers.temporal,
    3,
  ),
  serverRestart(
    'apiserver-restart',
    'kube-apiserver SIGKILL and restart during events',
    (s) => s.servers.apiserver,
    4,
  ),
  serverRestart(
    'etcd-restart',
    'etcd SIGKILL and restart (data dir kept) during events',
    (s) => s.servers.etcd,
    4,
  ),
  {
    id: 'worker-kill',
    title: 'Worker SIGKILL while runs (an activity workflow) are in flight',
    family: 5,
    blockingWorkflow: 'helloWorld',
    trigger: requestedNotRecorded,
    holdMs: 2000,
    async inject(ctx) {
      await ctx.stack.worker.kill('SIGKILL');
      return () => ctx.stack.worker.start();
    },
  },
  {
    id: 'client-kill',
    title: 'Workflow client SIGKILL during /invoke',
    family: 5,
    async setup(ctx) {
      await ctx.stack.clientLink.apply({ kind: 'latency', ms: 300 });
    },
    async teardown(ctx) {
      await ctx.stack.clientLink.heal();
    },
    trigger: requestedNotRecorded,
    holdMs: 1000,
    async inject(ctx) {
      await ctx.stack.workflowClient.kill('SIGKILL');
      return () => ctx.stack.workflowClient.start();
    },
  },
  {
    id: 'client-hang',
    title: `Workflow client stopped (SIGSTOP) during /invoke, past the ${INVOKE_TIMEOUT_MS / 1000} s invoke timeout`,
    family: 5,
    async setup(ctx) {
      await ctx.stack.clientLink.apply({ kind: 'latency', ms: 300 });
    },
    async teardown(ctx) {
      await ctx.stack.clientLink.heal();
    },
    trigger: requestedNotRecorded,
    holdMs: INVOKE_TIMEOUT_MS + 2000,
    inject(ctx) {
      const pid = ctx.stack.workflowClient.child()?.pid;
      if (pid === undefined) return Promise.reject(new FaultError('the workflow client is not running'));
      signalGroup(pid, 'SIGSTOP');
      return Promise.resolve(() => Promise.resolve(signalGroup(pid, 'SIGCONT')));
    },
  },
  {
    id: 'client-lost-answer',
    title:
      "Workflow client's /invoke answers lost on the way back (the start happens, the operator never hears)",
    family: 6,
    trigger: eventInFlight,
    holdMs: INVOKE_TIMEOUT_MS + 2000,
    async inject(ctx) {
      await ctx.stack.clientLink.apply({ kind: 'hang-answers' });
      return () => ctx.stack.clientLink.heal();
    },
  },
  netFault('net-apiserver', 'the API server', (s) => s.replicas.map((r) => r.kube)),
  netFault('net-temporal', 'Temporal', (s) => s.replicas.map((r) => r.temporal)),
  netFault('net-client', 'the workflow client', (s) => [s.clientLink]),
  {
    id: 'write-conflicts',
    title: "Another client patching the intents' metadata and status while events run",
    family: 7,
    trigger: eventInFlight,
    holdMs: 0,
    holdUntilDone: true,
    fixedInjections: 1,
    inject(ctx) {
      const writer = startConflictWriter(ctx.api, ctx.fault);
      return Promise.resolve(async () => {
        const writes = await writer.stop();
        ctx.log(
          `[chaos] ${ctx.fault}: another client wrote metadata ${writes.metadata} and status ${writes.status} times, ` +
            `met ${writes.conflicts} conflicts and ${writes.errors} other errors${writes.lastError !== undefined ? ` (last: ${writes.lastError})` : ''}`,
        );
      });
    },
  },
];
