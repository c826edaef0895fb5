import { expect } from 'chai';
import { status } from '@grpc/grpc-js';
import {
  postEventReply,
  terminateReply,
  updateReply,
} from '../../../../operator/grpc/contextupdate-server.js';

describe('operator/grpc/contextupdate-server replies', () => {
  it('success: the flag true and EMCO text, no error', () => {
    expect(updateReply({ ok: true, message: 'Context updated successfully.' })).to.deep.equal({
      response: { app_context_updated: true, app_context_update_message: 'Context updated successfully.' },
    });
  });

  it('failure: the flag false with the text, and a gRPC error UNKNOWN with the same text', () => {
    for (const reply of [
      updateReply({ ok: false, message: 'boom' }),
      terminateReply({ ok: false, message: 'boom' }),
      postEventReply({ ok: false, message: 'boom' }),
    ]) {
      expect(Object.values(reply.response)).to.deep.equal([false, 'boom']);
      expect(reply.error?.code).to.equal(status.UNKNOWN);
      expect(reply.error?.details).to.equal('boom');
      expect(reply.error?.message).to.equal('boom');
    }
  });
});
