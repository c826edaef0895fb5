import { expect } from 'chai';
import { CONTEXTUPDATE_DESCRIPTOR } from '../../../../operator/grpc/contextupdate-descriptor.js';
import { contextUpdateService, METHOD_PATHS } from '../../../../operator/grpc/contextupdate-service.js';
import { contextUpdateDescriptorFromProto } from '../../../../scripts/grpc-proto-source.js';

describe('operator/grpc/contextupdate descriptor', () => {
  it('is what scripts/gen-grpc-descriptor.ts makes of contextupdate.proto (regenerate after editing the .proto)', async () => {
    expect(JSON.parse(JSON.stringify(CONTEXTUPDATE_DESCRIPTOR))).to.deep.equal(
      JSON.parse(JSON.stringify(await contextUpdateDescriptorFromProto())),
    );
  });

  it("has EMCO's method paths, field numbers and enum values", () => {
    const service = contextUpdateService();
    expect(Object.fromEntries(Object.entries(service).map(([k, v]) => [k, v.path]))).to.deep.equal(
      METHOD_PATHS,
    );
    const n = CONTEXTUPDATE_DESCRIPTOR.nested;
    expect(n.ContextUpdateRequest.fields).to.deep.equal({
      app_context: { type: 'string', id: 1 },
      intent_name: { type: 'string', id: 2 },
      update_from_appContext: { type: 'string', id: 3 },
    });
    expect(n.PostEventRequest.fields.event_type).to.deep.equal({ type: 'EventType', id: 2 });
    expect(n.EventType.values).to.deep.equal({ INSTANTIATE: 0, TERMINATE: 1, UPDATE: 2 });
    expect(n.PostEventResponse.fields).to.deep.equal({
      success: { type: 'bool', id: 1 },
      post_event_message: { type: 'string', id: 2 },
    });
  });

  it('decodes an absent event_type as INSTANTIATE (0): proto3 does not send default values', () => {
    const method = contextUpdateService().PostEvent!;
    const wire = method.requestSerialize({ app_context: '7' });
    expect(method.requestDeserialize(wire)).to.deep.equal({ app_context: '7', event_type: 0 });
  });
});
