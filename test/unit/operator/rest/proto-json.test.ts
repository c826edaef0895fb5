import { temporal } from '@temporalio/proto';
import { expect } from 'chai';
import { protoToGoJson, rfc3339 } from '../../../../operator/rest/proto-json.js';

describe('operator/rest/proto-json', () => {
  it("writes a history event as EMCO's Go JSON does", () => {
    const { HistoryEvent } = temporal.api.history.v1;
    const encoded = HistoryEvent.encode(
      HistoryEvent.fromObject({
        eventId: 1,
        eventTime: { seconds: 1700000000, nanos: 120000000 },
        eventType: temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        taskId: 1048576,
        workflowExecutionStartedEventAttributes: {
          workflowType: { name: 'hello' },
          workflowRunTimeout: { seconds: 60 },
          input: {
            payloads: [{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"x"') }],
          },
          memo: { fields: { someKey: { data: Buffer.from('1') } } },
        },
      }),
    ).finish();
    const out = protoToGoJson(HistoryEvent.decode(encoded)) as Record<string, unknown>;
    expect(out).to.deep.equal({
      event_id: 1,
      event_time: '2023-11-14T22:13:20.12Z',
      event_type: 1,
      task_id: 1048576,
      Attributes: {
        workflow_execution_started_event_attributes: {
          workflow_type: { name: 'hello' },
          workflow_run_timeout: 60000000000,
          input: {
            payloads: [
              { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: 'Ingi' },
            ],
          },
          memo: { fields: { someKey: { data: 'MQ==' } } },
        },
      },
    });
  });

  it('formats timestamps like Go (trailing zeros trimmed)', () => {
    expect(rfc3339(0n, 0)).to.equal('1970-01-01T00:00:00Z');
    expect(rfc3339(1n, 1)).to.equal('1970-01-01T00:00:01.000000001Z');
  });

  it('keeps int64 values exact', () => {
    expect(protoToGoJson(2n ** 60n)).to.equal(2n ** 60n);
  });
});
