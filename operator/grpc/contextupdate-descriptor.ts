// Generated from contextupdate.proto by scripts/gen-grpc-descriptor.ts: do not edit by hand.
// The protobuf.js JSON form of the service (what @grpc/proto-loader `fromJSON` takes).
export const CONTEXTUPDATE_DESCRIPTOR = {
  nested: {
    contextupdate: {
      methods: {
        UpdateAppContext: {
          requestType: 'ContextUpdateRequest',
          responseType: 'ContextUpdateResponse',
        },
        TerminateAppContext: {
          requestType: 'TerminateRequest',
          responseType: 'TerminateResponse',
        },
        PostEvent: {
          requestType: 'PostEventRequest',
          responseType: 'PostEventResponse',
        },
      },
    },
    ContextUpdateRequest: {
      fields: {
        app_context: {
          type: 'string',
          id: 1,
        },
        intent_name: {
          type: 'string',
          id: 2,
        },
        update_from_appContext: {
          type: 'string',
          id: 3,
        },
      },
    },
    ContextUpdateResponse: {
      fields: {
        app_context_updated: {
          type: 'bool',
          id: 1,
        },
        app_context_update_message: {
          type: 'string',
          id: 2,
        },
      },
    },
    TerminateRequest: {
      fields: {
        app_context: {
          type: 'string',
          id: 1,
        },
      },
    },
    TerminateResponse: {
      fields: {
        app_context_terminated: {
          type: 'bool',
          id: 1,
        },
        app_context_terminated_message: {
          type: 'string',
          id: 2,
        },
      },
    },
    EventType: {
      values: {
        INSTANTIATE: 0,
        TERMINATE: 1,
        UPDATE: 2,
      },
    },
    PostEventRequest: {
      fields: {
        app_context: {
          type: 'string',
          id: 1,
        },
        event_type: {
          type: 'EventType',
          id: 2,
        },
      },
    },
    PostEventResponse: {
      fields: {
        success: {
          type: 'bool',
          id: 1,
        },
        post_event_message: {
          type: 'string',
          id: 2,
        },
      },
    },
  },
};
