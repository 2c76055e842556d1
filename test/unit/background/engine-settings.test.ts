/**
 * The levers the engine is configured from: the worker's heartbeat (on unless
 * `tuning.workerSleeps`), and the notification words the engine gets only when
 * it shows the notification itself (it has no chrome.i18n).
 */
import { describe, expect, it } from 'vitest';
import { engineConfigFor } from '../../../src/background/engine-settings';
import { tuningFrom, WORKER_HEARTBEAT_SECONDS } from '../../../src/shared/tuning';
import { goodGrant } from '../../fakes/grant';

const session = { account: { ...goodGrant.account, server: 'https://x.test', username: 'alice' }, routing: goodGrant.routing, sip: goodGrant.sip, api: goodGrant.api };
const identity = { instanceId: 'urn:uuid:1', contactUser: 'c1' };

describe('engine settings', () => {
  it('keeps the worker up with a heartbeat under its 30 s idle limit, unless told to let it sleep', () => {
    expect(WORKER_HEARTBEAT_SECONDS).toBeLessThan(30);
    expect(engineConfigFor(session as never, identity as never, tuningFrom({})).workerHeartbeatSeconds).toBe(WORKER_HEARTBEAT_SECONDS);
    expect(engineConfigFor(session as never, identity as never, tuningFrom({ workerSleeps: 1 })).workerHeartbeatSeconds).toBe(0);
  });

  it('gives the engine the call notification words in the agent language only when it shows it itself', () => {
    expect(engineConfigFor(session as never, identity as never, tuningFrom({})).alertWords).toBeUndefined();
    const words = engineConfigFor(session as never, identity as never, tuningFrom({ engineNotifies: 1 })).alertWords;
    expect(words).toMatchObject({ incoming: 'Incoming call', answer: 'Answer', decline: 'Decline', holdAndAnswer: 'Hold & answer' });
  });
});
