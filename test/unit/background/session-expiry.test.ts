/**
 * Session expiry in the worker, over in-memory fakes: noticed with the
 * softphone off (no REGISTER refresh to be refused), and held back while a call
 * is in progress. The end-to-end side is test/e2e/session-lifecycle.test.ts.
 */
import { newCall } from '../../../src/shared/call-state';
import { describe, expect, it } from 'vitest';
import { goodGrant } from '../../fakes/grant';
import { fakeWorker } from '../../fakes/worker';
import { fact } from '../../fakes/fake-ports';

const PAST_EXPIRY_MS = Date.parse(goodGrant.sip.expiresAt) - 1_800_000_000_000 + 1000;

const worker = fakeWorker;

const settle = () => new Promise((r) => setTimeout(r, 0));
const call = newCall({ id: 'c1', remoteName: 'Carol', remoteNumber: '+15550200', startedAt: 1 });
const refused = fact('registration-failed', { error: 'sip_auth_failed', cause: 'Forbidden', status: 403, reason: 'Credentials Expired' });

describe('session expiry', () => {
  it('the watchdog notices expiresAt with the softphone off; signing in again keeps it off', async () => {
    const w = worker();
    await w.auth.login('https://api.example.test', 'alice', 'pw');
    expect(w.store.get()).toMatchObject({ softphoneEnabled: false, registration: 'off' });
    w.advance(PAST_EXPIRY_MS);
    await w.phone.watchdog();
    expect(w.store.get()).toMatchObject({ login: 'signed-out', registration: 'session-expired', loginError: 'session_expired' });
    expect(w.notifications.get('session')).toMatchObject({ title: 'Your session expired' });
    expect(w.local.data.session).toBeUndefined();

    await w.auth.login('https://api.example.test', 'alice', 'pw');
    expect(w.store.get()).toMatchObject({ login: 'signed-in', softphoneEnabled: false, registration: 'off' });
    expect(w.engine.types()).not.toContain('engine-enable');
  });

  it('during a call the expiry is held back, then handled when the call ends', async () => {
    const w = worker();
    await w.auth.login('https://api.example.test', 'alice', 'pw');
    await w.phone.setEnabled(true);
    w.onFact(fact('registered', {}));
    w.onFact(fact('call-incoming', { call, waiting: false, engineNotifies: false }));
    w.onFact(fact('call-updated', { call: { ...call, phase: 'active', answeredAt: 2 } }));

    w.onFact(refused);
    w.advance(PAST_EXPIRY_MS);
    await w.phone.watchdog();
    await settle();
    // Still signed in, so the popup keeps the call's controls; the engine is not told to stop.
    expect(w.store.get()).toMatchObject({ login: 'signed-in', registration: 'registered', calls: [{ phase: 'active' }] });
    expect(w.engine.types()).not.toContain('engine-disable');
    expect(w.notifications.has('session')).toBe(false);

    w.onFact(fact('call-ended', { callId: 'c1', reason: 'remote-hangup', cause: 'BYE' }));
    await settle();
    await settle();
    expect(w.store.get()).toMatchObject({ login: 'signed-out', registration: 'session-expired', calls: [] });
    expect(w.engine.types()).toContain('engine-disable');
    expect(w.notifications.get('session')).toMatchObject({ title: 'Your session expired' });
  });

  it('a credential renewed during the call cancels the held-back expiry', async () => {
    const w = worker();
    await w.auth.login('https://api.example.test', 'alice', 'pw');
    await w.phone.setEnabled(true);
    w.onFact(fact('registered', {}));
    w.onFact(fact('call-incoming', { call, waiting: false, engineNotifies: false }));
    w.onFact(refused);
    await settle();
    await w.auth.login('https://api.example.test', 'alice', 'pw');
    w.onFact(fact('call-ended', { callId: 'c1', reason: 'remote-hangup', cause: 'BYE' }));
    await settle();
    await settle();
    expect(w.store.get()).toMatchObject({ login: 'signed-in', calls: [] });
    expect(w.store.get().registration).not.toBe('session-expired');
  });
});
