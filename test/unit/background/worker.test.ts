import { phoneIdentity } from '../../../src/background/engine-settings';
import { newCall } from '../../../src/shared/call-state';
import { beforeEach, describe, expect, it } from 'vitest';
import { PhoneSupervisor } from '../../../src/background/phone-supervisor';
import { restoreSnapshot } from '../../../src/background/restore';
import { SnapshotStore } from '../../../src/background/snapshot-store';
import { fakeWorker } from '../../fakes/worker';
import { fact } from '../../fakes/fake-ports';

const worker = fakeWorker;

describe('sign-in', () => {
  it('stores the session and the SIP credential, never the password', async () => {
    const w = worker();
    expect(await w.auth.login('https://api.example.test', ' alice ', 'hunter2')).toEqual({ ok: true });
    expect(w.store.get()).toMatchObject({ login: 'signed-in', account: { name: 'Alice Agent', username: 'alice' }, softphoneEnabled: false, registration: 'off' });
    expect(JSON.stringify(w.local.data)).not.toContain('hunter2');
    expect(JSON.stringify(w.session.data)).not.toContain('hunter2');
    expect(w.local.data.session?.sip.authorizationUser).toBe('1800000000:alice');
  });

  it('keeps the SIP credential on disk at most 12 h, whatever lifetime the provider gives it', async () => {
    const w = worker(); // The fake provider's credential lasts until 2030.
    await w.auth.login('https://api.example.test', 'alice', 'pw');
    expect(Date.parse(w.local.data.session?.sip.expiresAt ?? '')).toBe(w.ports.now() + 12 * 3600_000);
    expect(w.store.get().sessionExpiresAt).toBe(w.local.data.session?.sip.expiresAt);
  });

  it('a wrong password is a clear error and loses the prefilled username nowhere', async () => {
    const w = worker(async () => ({ ok: false, error: 'invalid_credentials' }));
    const r = await w.auth.login('https://api.example.test', 'alice', 'nope');
    expect(r).toMatchObject({ ok: false, error: 'invalid_credentials' });
    expect(w.store.get()).toMatchObject({ login: 'signed-out', loginError: 'invalid_credentials' });
  });

  it('refuses a plain-http server before sending the password', async () => {
    let called = false;
    const w = worker(async () => {
      called = true;
      return { ok: false, error: 'internal' };
    });
    expect(await w.auth.login('http://api.example.test', 'alice', 'pw')).toMatchObject({ error: 'invalid_server_url' });
    expect(called).toBe(false);
  });
});

describe('softphone switch', () => {
  let w: ReturnType<typeof worker>;
  beforeEach(async () => {
    w = worker();
    await w.auth.login('https://api.example.test', 'alice', 'pw');
  });

  it('enables: creates the engine, pushes the config, registers', async () => {
    expect(await w.phone.setEnabled(true)).toEqual({ ok: true });
    expect(w.engine.types()).toEqual(['engine-configure', 'engine-enable']);
    expect(w.store.get().registration).toBe('registering');
    w.onFact(fact('registered', {}));
    expect(w.store.get().registration).toBe('registered');
    expect(w.badges.at(-1)).toMatchObject({ text: 'ON' });
  });

  it('keeps one phone identity (instance id, contact) across configurations', async () => {
    await w.phone.setEnabled(true);
    const first = await phoneIdentity(w.ports);
    expect(await phoneIdentity(w.ports)).toEqual(first);
    expect(first.instanceId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('without the microphone: mic-needed, and the permission page opens once', async () => {
    w.engine.enableResult = { ok: false, error: 'mic_not_granted' };
    expect(await w.phone.setEnabled(true)).toMatchObject({ ok: false, error: 'mic_not_granted' });
    expect(w.store.get()).toMatchObject({ registration: 'mic-needed', registrationError: 'mic_not_granted' });
    await w.phone.watchdog();
    expect(w.permissionPageOpens()).toBe(1);
    w.engine.enableResult = { ok: true };
    await w.phone.onMicResult(true);
    expect(w.store.get().registration).toBe('registering');
  });

  it('disables while staying signed in', async () => {
    await w.phone.setEnabled(true);
    w.onFact(fact('registered', {}));
    await w.phone.setEnabled(false);
    expect(w.engine.types().at(-1)).toBe('engine-disable');
    expect(w.store.get()).toMatchObject({ login: 'signed-in', registration: 'off', softphoneEnabled: false });
  });

  it('a lost transport is reported, not hidden', async () => {
    await w.phone.setEnabled(true);
    w.onFact(fact('registered', {}));
    w.onFact(fact('transport', { connected: false }));
    expect(w.store.get()).toMatchObject({ registration: 'recovering', registrationError: 'sip_transport_error' });
  });

  it('the watchdog recreates a vanished engine and registers again', async () => {
    await w.phone.setEnabled(true);
    w.onFact(fact('registered', {}));
    await w.engine.close();
    w.engine.state = { ...w.engine.state, configuredFor: null, enabled: false };
    w.engine.requests = [];
    await w.phone.watchdog();
    expect(w.engine.types()).toEqual(['engine-configure', 'engine-enable']);
  });

  it('sign-out unregisters, forgets the credential and keeps the choice for next time', async () => {
    await w.phone.setEnabled(true);
    await w.auth.logout();
    expect(w.local.data.session).toBeUndefined();
    expect(w.store.get()).toMatchObject({ login: 'signed-out', account: null, registration: 'off' });
    expect(await w.engine.exists()).toBe(false);
    await w.auth.login('https://api.example.test', 'alice', 'pw');
    expect(w.store.get().softphoneEnabled).toBe(true);
  });
});

describe('calls', () => {
  const call = newCall({ id: 'c1', remoteName: 'Carol', remoteNumber: '+15550200', startedAt: 1 });
  const active = { ...call, phase: 'active' as const, answeredAt: 2 };

  it('rings with an Answer / Decline notification and answers from it', async () => {
    const w = worker();
    w.onFact(fact('call-incoming', { call, waiting: false, engineNotifies: false }));
    expect(w.notifications.get('call:c1')).toMatchObject({ title: 'Incoming call', message: 'Carol (+15550200)', buttons: ['Answer', 'Decline'] });
    expect(w.badges.at(-1)?.text).toBe('RING');
    w.calls.onNotificationButton('call:c1', 0);
    await new Promise((r) => setTimeout(r, 0));
    expect(w.engine.requests.at(-1)).toEqual({ type: 'engine-call', payload: { callId: 'c1', op: { kind: 'answer' } } });
    w.onFact(fact('call-updated', { call: active }));
    expect(w.notifications.has('call:c1')).toBe(false);
    expect(w.store.get().calls.map((c) => c.phase)).toEqual(['active']);
    expect(w.badges.at(-1)?.text).toBe('CALL');
  });

  it('the engine shows the call notification itself: the worker does not show a second; if the engine could not, the worker does', () => {
    const w = worker();
    w.onFact(fact('call-incoming', { call, waiting: false, engineNotifies: true }));
    expect(w.notifications.has('call:c1')).toBe(false);
    w.onFact(fact('call-notified', { callId: 'c1', shown: true }));
    expect(w.notifications.has('call:c1')).toBe(false);
    w.onFact(fact('call-notified', { callId: 'c1', shown: false }));
    expect(w.notifications.get('call:c1')).toMatchObject({ title: 'Incoming call', buttons: ['Answer', 'Decline'] });
    // No fallback for a call that no longer rings.
    w.onFact(fact('call-updated', { call: active }));
    w.onFact(fact('call-notified', { callId: 'c1', shown: false }));
    expect(w.notifications.has('call:c1')).toBe(false);
  });

  it('the incoming-call window, when the agent asked for it: to the front when a call rings, closed when the calls are over', async () => {
    const w = worker();
    w.onFact(fact('call-incoming', { call, waiting: false, engineNotifies: false }));
    w.onFact(fact('call-ended', { callId: 'c1', reason: 'missed', cause: 'Canceled' }));
    await new Promise((r) => setTimeout(r, 0));
    expect(w.callWindows).toEqual([false]); // Off by default: never opened.
    await w.local.set({ callPreferences: { callWaiting: true, dtmfTransport: 'rfc4733', callWindow: true } });
    w.onFact(fact('call-incoming', { call: { ...call, id: 'c2' }, waiting: false, engineNotifies: false }));
    await new Promise((r) => setTimeout(r, 0));
    expect(w.callWindows).toEqual([false, true]);
    w.onFact(fact('call-ended', { callId: 'c2', reason: 'remote-hangup', cause: 'BYE' }));
    expect(w.callWindows).toEqual([false, true, false]);
  });

  it('a double Answer is one answer; a stale id is no_such_call', async () => {
    const w = worker();
    w.onFact(fact('call-incoming', { call, waiting: false, engineNotifies: false }));
    w.onFact(fact('call-updated', { call: { ...call, phase: 'answering' } }));
    await Promise.all([w.calls.op('c1', { kind: 'answer' }), w.calls.op('c1', { kind: 'answer' })]);
    expect(w.engine.types()).not.toContain('engine-call');
    expect(await w.calls.op('zzz', { kind: 'answer' })).toMatchObject({ ok: false, error: 'no_such_call' });
  });

  it('a missed call leaves a notification; answered elsewhere does not', () => {
    const w = worker();
    w.onFact(fact('call-incoming', { call, waiting: false, engineNotifies: false }));
    w.onFact(fact('call-ended', { callId: 'c1', reason: 'missed', cause: 'Canceled' }));
    expect(w.notifications.get('missed')).toMatchObject({ title: 'Missed call', message: 'Carol (+15550200)' });
    expect(w.store.get()).toMatchObject({ calls: [], lastCall: { endReason: 'missed' }, missed: { count: 1 } });
    w.onFact(fact('call-incoming', { call: { ...call, id: 'c2' }, waiting: false, engineNotifies: false }));
    w.onFact(fact('call-ended', { callId: 'c2', reason: 'answered-elsewhere', cause: 'Canceled' }));
    expect(w.store.get().missed.count).toBe(1);
  });

  it('missed-call spam: one grouped notification, rate-limited, with the count; the popup opening clears it', async () => {
    const w = worker();
    for (let i = 0; i < 50; i++) {
      w.onFact(fact('call-incoming', { call: { ...call, id: `s${i}`, remoteName: `Spam ${i}` }, waiting: false, engineNotifies: false }));
      w.onFact(fact('call-ended', { callId: `s${i}`, reason: 'missed', cause: 'Canceled' }));
    }
    expect([...w.notifications.keys()].filter((k) => k.startsWith('missed'))).toEqual(['missed']);
    expect(w.notifications.get('missed')?.title).toBe('Missed call'); // the first, shown at once; later ones wait for the rate limit
    expect(w.store.get().missed).toEqual({ count: 50, recent: ['Spam 49 (+15550200)', 'Spam 48 (+15550200)', 'Spam 47 (+15550200)'] });
    w.advance(5000);
    await new Promise((r) => setTimeout(r, 5100));
    expect(w.notifications.get('missed')).toMatchObject({ title: '50 missed calls', message: 'Spam 49 (+15550200), Spam 48 (+15550200), Spam 47 (+15550200) and 47 more' });
    w.calls.missedSeen();
    expect(w.notifications.has('missed')).toBe(false);
    expect(w.store.get().missed.count).toBe(0);
  }, 10_000);
});

describe('two calls', () => {
  const first = { ...newCall({ id: 'c1', remoteName: 'Carol', remoteNumber: '+15550200', startedAt: 1 }), phase: 'active' as const, answeredAt: 2 };
  const second = newCall({ id: 'c2', remoteName: 'Dave', remoteNumber: '+15550300', startedAt: 3 });

  it('a call during a call is call waiting: its notification offers Hold & answer', () => {
    const w = worker();
    w.onFact(fact('call-incoming', { call: { ...first, phase: 'ringing', answeredAt: null }, waiting: false, engineNotifies: false }));
    w.onFact(fact('call-updated', { call: first }));
    w.onFact(fact('call-incoming', { call: second, waiting: true, engineNotifies: false }));
    expect(w.notifications.get('call:c2')).toMatchObject({ title: 'Call waiting', buttons: ['Hold & answer', 'Decline'] });
    expect(w.badges.at(-1)).toMatchObject({ text: 'RING' });
    expect(w.badges.at(-1)?.title).toContain('Call waiting');
    expect(w.store.get().calls.map((c) => c.id)).toEqual(['c1', 'c2']);
  });

  it('Decline on the waiting call ends only that call; the first stays', async () => {
    const w = worker();
    w.onFact(fact('call-incoming', { call: { ...first, phase: 'ringing', answeredAt: null }, waiting: false, engineNotifies: false }));
    w.onFact(fact('call-updated', { call: first }));
    w.onFact(fact('call-incoming', { call: second, waiting: true, engineNotifies: false }));
    w.calls.onNotificationButton('call:c2', 1);
    await new Promise((r) => setTimeout(r, 0));
    expect(w.engine.requests.at(-1)).toEqual({ type: 'engine-call', payload: { callId: 'c2', op: { kind: 'hangup' } } });
    w.onFact(fact('call-ended', { callId: 'c2', reason: 'declined', cause: 'Busy' }));
    expect(w.store.get().calls.map((c) => c.id)).toEqual(['c1']);
    expect(w.badges.at(-1)?.text).toBe('CALL');
  });

  it('the mute shortcut mutes the call the agent talks in, not the held one', async () => {
    const w = worker();
    w.onFact(fact('call-incoming', { call: { ...first, phase: 'ringing', answeredAt: null }, waiting: false, engineNotifies: false }));
    w.onFact(fact('call-updated', { call: { ...first, held: true } }));
    w.onFact(fact('call-incoming', { call: second, waiting: true, engineNotifies: false }));
    w.onFact(fact('call-updated', { call: { ...second, phase: 'active', answeredAt: 4 } }));
    w.calls.onCommand('toggle-mute');
    await new Promise((r) => setTimeout(r, 0));
    expect(w.engine.requests.at(-1)).toEqual({ type: 'engine-call', payload: { callId: 'c2', op: { kind: 'mute', on: true } } });
  });
});

describe('worker restart', () => {
  it('resumes from storage.session, and adopts a registered engine without re-registering', async () => {
    const w = worker();
    await w.auth.login('https://api.example.test', 'alice', 'pw');
    await w.phone.setEnabled(true);
    w.onFact(fact('registered', {}));
    await w.store.flush();
    w.engine.state.registration = 'registered';

    // A new worker instance over the same storage and the same live engine.
    const restored = await restoreSnapshot(w.ports);
    const store = new SnapshotStore(w.ports, restored);
    const phone = new PhoneSupervisor(w.ports, store);
    w.engine.requests = [];
    await phone.reconcile('worker-start');
    expect(store.get().registration).toBe('registered');
    expect(w.engine.types()).toEqual(['engine-state']);
  });

  it('after a browser restart rebuilds from storage.local; an expired credential asks to sign in', async () => {
    const w = worker();
    await w.auth.login('https://api.example.test', 'alice', 'pw');
    await w.store.flush();
    delete w.session.data.snapshot;
    expect(await restoreSnapshot(w.ports)).toMatchObject({ login: 'signed-in', account: { name: 'Alice Agent' } });
    w.advance(10 * 365 * 24 * 3600 * 1000);
    expect(await restoreSnapshot(w.ports)).toMatchObject({ login: 'signed-out', loginError: 'session_expired', lastLogin: { username: 'alice' } });
  });
});

describe('reasons', () => {
  it('a closed socket is named as the reason, even after JsSIP said "unregistered"', async () => {
    const w = worker();
    await w.auth.login('https://api.example.test', 'alice', 'pw');
    await w.phone.setEnabled(true);
    w.onFact(fact('registered', {}));
    w.onFact(fact('unregistered', {}));
    w.onFact(fact('transport', { connected: false }));
    expect(w.store.get()).toMatchObject({ registration: 'recovering', registrationError: 'sip_transport_error' });
  });
});
