import { expect } from 'chai';
import { silentLogger } from '../../../../common/log.js';
import type { AppContextReader } from '../../../../operator/emco/app-context.js';
import { AppContextError } from '../../../../operator/emco/app-context.js';
import {
  ContextActions,
  contextEventId,
  hookOf,
  isGoInt,
  type ContextCall,
} from '../../../../operator/emco/context-actions.js';
import type {
  EventOutcome,
  IntentStore,
  LifecycleEvent,
  LifecycleService,
  PolledEvent,
} from '../../../../operator/ports.js';

const dig = { project: 'p', compositeApp: 'a', compositeAppVersion: 'v1', deploymentIntentGroup: 'd' };

function outcome(event: LifecycleEvent, succeeded: boolean): EventOutcome {
  return {
    eventId: event.eventId ?? '',
    dig: event.dig,
    hookType: event.hookType,
    succeeded,
    ...(succeeded ? {} : { failedIntent: 'hook-1' }),
    intents: [
      {
        intent: 'hook-1',
        namespace: 'ns',
        resourceName: 'hook-1',
        blocking: true,
        phase: succeeded ? 'Succeeded' : 'Failed',
        ...(succeeded ? {} : { message: 'workflow failed: boom' }),
      },
    ],
    startTime: 't0',
    endTime: 't1',
  };
}

class FakeLifecycle implements LifecycleService {
  readonly fired: LifecycleEvent[] = [];
  succeed = true;
  fire(event: LifecycleEvent): Promise<EventOutcome> {
    this.fired.push(event);
    return Promise.resolve(outcome(event, this.succeed));
  }
  pollId(): string {
    return 'poll';
  }
  poll(): PolledEvent | undefined {
    return undefined;
  }
}

const contexts: AppContextReader = {
  dig: (id) =>
    id === 'missing'
      ? Promise.reject(new AppContextError('no app context /context/missing/'))
      : Promise.resolve(dig),
  close: () => Promise.resolve(),
};

const emptyStore = { listByDig: () => [] } as unknown as IntentStore;

function actions(lifecycle: LifecycleService): ContextActions {
  return new ContextActions({
    lifecycle,
    contexts,
    store: emptyStore,
    namespace: 'ns',
    logger: silentLogger(),
  });
}

describe('operator/emco/context-actions', () => {
  it('picks the hook as EMCO does: a numeric update-from selects pre-update, anything else pre-install', () => {
    const update = (from: string): ContextCall => ({
      method: 'UpdateAppContext',
      appContext: '1',
      intentName: 'x',
      updateFromAppContext: from,
    });
    expect(hookOf(update('<nil>'))).to.equal('pre-install');
    expect(hookOf(update(''))).to.equal('pre-install');
    expect(hookOf(update('12a'))).to.equal('pre-install');
    expect(hookOf(update('8345678901234567890'))).to.equal('pre-update');
    expect(hookOf(update('-3'))).to.equal('pre-update');
    expect(hookOf({ method: 'TerminateAppContext', appContext: '1' })).to.equal('pre-termination');
    expect(
      [0, 1, 2].map((eventType) => hookOf({ method: 'PostEvent', appContext: '1', eventType })),
    ).to.deep.equal(['post-install', 'post-termination', 'post-update']);
    expect(hookOf({ method: 'PostEvent', appContext: '1', eventType: 7 })).to.deep.equal({
      error: 'PostEvent: unknown event type 7',
    });
    expect(isGoInt('+5')).to.equal(true);
    expect(isGoInt('1.0')).to.equal(false);
  });

  it('keys events by app context and hook; odd ids are hashed into the event id pattern', () => {
    expect(contextEventId('8345678901234567890', 'pre-install')).to.equal(
      'emco-8345678901234567890-pre-install',
    );
    expect(contextEventId('8345678901234567890', 'post-install')).to.not.equal(
      contextEventId('8345678901234567890', 'pre-install'),
    );
    expect(contextEventId('a/b c', 'pre-install')).to.match(/^emco-h[0-9a-f]{32}-pre-install$/);
  });

  it('fires the event through the lifecycle service with the app context, and answers EMCO texts', async () => {
    const lifecycle = new FakeLifecycle();
    const result = await actions(lifecycle).handle({ method: 'TerminateAppContext', appContext: '77' });
    expect(result).to.include({ ok: true, message: 'Context Terminated successfully.' });
    expect(lifecycle.fired).to.deep.equal([
      {
        dig,
        hookType: 'pre-termination',
        eventId: 'emco-77-pre-termination',
        appContextId: '77',
        namespace: 'ns',
      },
    ]);
  });

  it('names the failed hook in the text: "pre-install hook" for every pre hook, "PostEvent hook" for post', async () => {
    const lifecycle = new FakeLifecycle();
    lifecycle.succeed = false;
    const a = actions(lifecycle);
    expect((await a.handle({ method: 'TerminateAppContext', appContext: '1' })).message).to.equal(
      'Failed to run workflow in pre-install hook: hook-1: workflow failed: boom',
    );
    expect((await a.handle({ method: 'PostEvent', appContext: '1', eventType: 2 })).message).to.equal(
      'Failed to run workflow in PostEvent hook: hook-1: workflow failed: boom',
    );
  });

  it("a missing app context fails with EMCO's wrapping and fires nothing", async () => {
    const lifecycle = new FakeLifecycle();
    const a = actions(lifecycle);
    expect(
      await a.handle({
        method: 'UpdateAppContext',
        appContext: 'missing',
        intentName: '',
        updateFromAppContext: '',
      }),
    ).to.deep.equal({
      ok: false,
      message: 'Failed to get the appContext with ID: missing.: no app context /context/missing/',
    });
    expect((await a.handle({ method: 'PostEvent', appContext: 'missing', eventType: 0 })).message).to.match(
      /^PostEvent Failed to get the appContext with ID: missing\.: /,
    );
    expect(lifecycle.fired).to.deep.equal([]);
  });

  it('a repeat of a call in flight attaches to it (one event fired)', async () => {
    const lifecycle = new FakeLifecycle();
    const a = actions(lifecycle);
    const call: ContextCall = { method: 'PostEvent', appContext: '9', eventType: 0 };
    const [x, y] = await Promise.all([a.handle(call), a.handle(call)]);
    expect(x).to.equal(y);
    expect(lifecycle.fired).to.have.length(1);
  });
});
