// Owns the long polls that tell the controller a followed workflow has closed: one background wait
// per intent, which re-queues the intent when the run closes (or the wait runs out), so following
// a run costs no polling loop over all objects.
import { errorFields, type Logger } from '../../common/log.js';
import type { TemporalGateway, WorkflowRef } from '../temporal/temporal-gateway.js';

/** A long poll never outlives this; the reconciler re-arms it. */
const MAX_WAIT_MS = 5 * 60_000;

interface Watch {
  ref: WorkflowRef;
  abort: AbortController;
}

export class RunWatcher {
  private readonly watches = new Map<string, Watch>();
  private stopped = false;

  constructor(
    private readonly temporal: TemporalGateway,
    private readonly enqueue: (key: string) => void,
    private readonly logger: Logger,
  ) {}

  /** Starts waiting on `ref` for `key`, unless the same run is already watched. */
  watch(key: string, ref: WorkflowRef): void {
    if (this.stopped) return;
    const current = this.watches.get(key);
    if (current !== undefined && current.ref.workflowId === ref.workflowId && current.ref.runId === ref.runId)
      return;
    current?.abort.abort();
    const watch: Watch = { ref, abort: new AbortController() };
    this.watches.set(key, watch);
    this.temporal
      .waitForResult(ref, MAX_WAIT_MS, watch.abort.signal)
      .catch((err: unknown) => {
        this.logger.debug('Wait for workflow ended with an error', {
          key,
          workflowId: ref.workflowId,
          ...errorFields(err),
        });
      })
      .finally(() => {
        if (this.watches.get(key) === watch) this.watches.delete(key);
        if (!watch.abort.signal.aborted && !this.stopped) this.enqueue(key);
      });
  }

  forget(key: string): void {
    this.watches.get(key)?.abort.abort();
    this.watches.delete(key);
  }

  size(): number {
    return this.watches.size;
  }

  /** Accepts watches again after stop() (leadership regained). */
  resume(): void {
    this.stopped = false;
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watches.values()) w.abort.abort();
    this.watches.clear();
  }
}
