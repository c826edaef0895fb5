// Small fixture builders for TemporalActionIntent objects in tests.
import type { TaiSpec, TemporalActionIntent } from '../../common/model/types.js';

export interface IntentFixture {
  name?: string;
  namespace?: string;
  hookType?: string;
  blocking?: boolean;
  timeout?: number | string;
  taskQueue?: string;
  workflowId?: string;
  endpoint?: { host: string; port: number };
  clientName?: string;
  dig?: { project: string; compositeApp: string; compositeAppVersion: string; deploymentIntentGroup: string };
  annotations?: Record<string, string>;
  activityParams?: Record<string, Record<string, string>>;
}

export function intentSpec(f: IntentFixture = {}): TaiSpec {
  const dig = f.dig ?? {
    project: 'proj1',
    compositeApp: 'app1',
    compositeAppVersion: 'v1',
    deploymentIntentGroup: 'dig1',
  };
  return {
    ...dig,
    hookType: (f.hookType ?? 'pre-install') as TaiSpec['hookType'],
    hookBlocking: f.blocking ?? true,
    ...(f.timeout !== undefined ? { hookBlockingTimeout: f.timeout } : {}),
    workflowClient: {
      clientEndpointName: f.endpoint?.host ?? '127.0.0.1',
      clientEndpointPort: f.endpoint?.port ?? 9090,
    },
    temporal: {
      workflowClientName: f.clientName ?? 'default',
      workflowStartOptions: {
        ...(f.workflowId !== undefined ? { id: f.workflowId } : {}),
        taskQueue: f.taskQueue ?? 'noop',
      },
      workflowParams: f.activityParams !== undefined ? { activityParams: f.activityParams } : {},
    },
  };
}

export function intent(f: IntentFixture = {}): TemporalActionIntent {
  return {
    apiVersion: 'tac.emco.io/v1alpha1',
    kind: 'TemporalActionIntent',
    metadata: {
      name: f.name ?? 'intent1',
      namespace: f.namespace ?? 'default',
      generation: 1,
      uid: 'uid-1',
      resourceVersion: '1',
      creationTimestamp: new Date('2026-01-01T00:00:00Z'),
      finalizers: ['tac.emco.io/run-cleanup'],
      ...(f.annotations !== undefined ? { annotations: f.annotations } : {}),
    },
    spec: intentSpec(f),
  };
}
