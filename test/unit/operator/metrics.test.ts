import { expect } from 'chai';
import { createOperatorMetrics } from '../../../operator/metrics.js';

describe('operator/metrics', () => {
  it('registers every operator series on its own registry', async () => {
    const m = createOperatorMetrics({ processMetrics: false });
    const names = (await m.registry.getMetricsAsJSON()).map((x) => x.name).sort();
    expect(names).to.deep.equal([
      'emco_tac_intent',
      'tac_leader',
      'tac_lifecycle_events_total',
      'tac_reconcile_duration_seconds',
      'tac_reconcile_errors_total',
      'tac_rest_request_duration_seconds',
      'tac_run_duration_seconds',
      'tac_runs_total',
      'tac_workqueue_adds_total',
      'tac_workqueue_depth',
      'tac_workqueue_retries_total',
    ]);
  });

  it('includes the default process metrics unless turned off', async () => {
    const text = await createOperatorMetrics().registry.metrics();
    expect(text).to.include('process_cpu_user_seconds_total');
    expect(text).to.include('nodejs_eventloop_lag_seconds');
  });

  it('keeps separate values per object (no global registry)', async () => {
    const a = createOperatorMetrics({ processMetrics: false });
    const b = createOperatorMetrics({ processMetrics: false });
    a.runsTotal.inc({ hook_type: 'pre-install', outcome: 'Succeeded' });
    a.runsTotal.inc({ hook_type: 'pre-install', outcome: 'Succeeded' });
    expect(await a.registry.getSingleMetricAsString('tac_runs_total')).to.include(
      'tac_runs_total{hook_type="pre-install",outcome="Succeeded"} 2',
    );
    expect(await b.registry.getSingleMetricAsString('tac_runs_total')).not.to.include('pre-install');
  });

  it("exposes EMCO's gauge with EMCO's label spelling", async () => {
    const m = createOperatorMetrics({ processMetrics: false });
    m.emcoTacIntent.set(
      {
        name: 'hello',
        project: 'p',
        composite_app: 'ca',
        composite_app_version: 'v1',
        deployment_intent_group: 'dig',
        hoot_type: 'pre-install',
        client_endpoint_name: 'client.tac',
        client_endpoint_port: '9090',
        workflow_client_name: 'wfc',
      },
      1,
    );
    const text = await m.registry.getSingleMetricAsString('emco_tac_intent');
    expect(text).to.include('hoot_type="pre-install"');
    expect(text).to.include('client_endpoint_port="9090"');
    expect(text).to.match(/emco_tac_intent\{[^}]*name="hello"[^}]*\} 1/);
  });

  it('routes the queue subset to the work queue series', async () => {
    const m = createOperatorMetrics({ processMetrics: false });
    m.queue.added();
    m.queue.added();
    m.queue.retried();
    m.queue.setDepth(7);
    expect(await m.registry.getSingleMetricAsString('tac_workqueue_adds_total')).to.include(
      'tac_workqueue_adds_total 2',
    );
    expect(await m.registry.getSingleMetricAsString('tac_workqueue_retries_total')).to.include(
      'tac_workqueue_retries_total 1',
    );
    expect(await m.registry.getSingleMetricAsString('tac_workqueue_depth')).to.include(
      'tac_workqueue_depth 7',
    );
  });

  it('observes durations in seconds with a route label', async () => {
    const m = createOperatorMetrics({ processMetrics: false });
    m.restRequestDuration.observe({ method: 'GET', route: '/v2/projects/:project', code: '200' }, 0.02);
    m.leader.set(1);
    const text = await m.registry.metrics();
    expect(text).to.include(
      'tac_rest_request_duration_seconds_bucket{le="0.025",method="GET",route="/v2/projects/:project",code="200"} 1',
    );
    expect(text).to.include('tac_leader 1');
  });
});
