// Owns the Kubernetes Events the operator emits about intents (run started, succeeded, failed,
// timed out, cancelled). Recording is best effort: a failed Event write is logged, never thrown.
import { randomBytes } from 'node:crypto';
import { type KubeConfig, CoreV1Api } from '@kubernetes/client-node';
import { errorFields, type Logger } from '../../common/log.js';
import { API_VERSION, KIND, type TemporalActionIntent } from '../../common/model/types.js';

export type EventType = 'Normal' | 'Warning';

export interface EventSink {
  record(intent: TemporalActionIntent, type: EventType, reason: string, message: string): Promise<void>;
}

export class KubeEventRecorder implements EventSink {
  private readonly api: CoreV1Api;

  constructor(
    kc: KubeConfig,
    private readonly component: string,
    private readonly logger: Logger,
  ) {
    this.api = kc.makeApiClient(CoreV1Api);
  }

  async record(
    intent: TemporalActionIntent,
    type: EventType,
    reason: string,
    message: string,
  ): Promise<void> {
    const namespace = intent.metadata?.namespace ?? 'default';
    const name = intent.metadata?.name ?? '';
    const now = new Date();
    try {
      await this.api.createNamespacedEvent({
        namespace,
        body: {
          metadata: {
            name: `${name}.${now.getTime().toString(16)}${randomBytes(3).toString('hex')}`,
            namespace,
          },
          involvedObject: {
            apiVersion: API_VERSION,
            kind: KIND,
            name,
            namespace,
            ...(intent.metadata?.uid !== undefined ? { uid: intent.metadata.uid } : {}),
            ...(intent.metadata?.resourceVersion !== undefined
              ? { resourceVersion: intent.metadata.resourceVersion }
              : {}),
          },
          type,
          reason,
          message: message.slice(0, 1024),
          source: { component: this.component },
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
          reportingComponent: this.component,
          reportingInstance: this.component,
        },
      });
    } catch (err) {
      this.logger.warn('Could not record event', { namespace, name, reason, ...errorFields(err) });
    }
  }
}
