import { newCall } from '../../../src/shared/call-state';
import { describe, expect, it } from 'vitest';
import { ConnectionNotices } from '../../../src/background/connection-notices';
import { badgeFor } from '../../../src/background/badge';
import { clockTime, reachability } from '../../../src/shared/reachability';
import { fakeWorker } from '../../fakes/worker';
import { fact } from '../../fakes/fake-ports';
import { appendBounded, callEntryForChange, entryForChange, Timeline } from '../../../src/background/timeline';
import { UpdateGate } from '../../../src/background/update-gate';
import { retryDelayMs } from '../../../src/offscreen/registration-keeper';
import { initialSnapshot, type Snapshot } from '../../../src/shared/snapshot';
import { DEFAULT_TUNING, staleAfterMs, tuningFrom } from '../../../src/shared/tuning';
import { fakePorts, MemoryStore } from '../../fakes/fake-ports';

const on = (over: Partial<Snapshot>): Snapshot => ({ ...initialSnapshot(0), login: 'signed-in', softphoneEnabled: true, ...over });

describe('connection notices', () => {
  it('notify after the grace period with the reason, then say when calls ring again', async () => {
    const f = fakePorts(async () => ({ ok: false, error: 'internal' }));
    const t0 = f.ports.now();
    let s = on({ registration: 'registered' });
    const notices = new ConnectionNotices(f.ports, () => s);
    s = on({ registration: 'recovering', registrationError: 'sip_transport_error', registrationSince: t0, outage: { since: t0, kind: 'lost' }, reachTimes: { graceMs: 5000, escalateMs: 20_000 } });
    await notices.check();
    expect(f.notifications.has('connection')).toBe(false); // still within grace
    f.advance(5000);
    await notices.check();
    expect(f.notifications.get('connection')).toMatchObject({ title: 'You cannot receive calls here', buttons: ['Reconnect now'] });
    expect(f.notifications.get('connection')?.message).toContain('Lost connection to the phone server');
    expect(f.notifications.get('connection')?.message).toContain(`Since ${clockTime(t0)}`);
    s = on({ registration: 'registered' });
    f.advance(2000);
    await notices.check();
    expect(f.notifications.has('connection')).toBe(false);
    expect(f.notifications.get('connection-ok')).toMatchObject({ title: 'Calls ring here again', message: 'Calls could not ring here for 7 s.' });
  });

  it('a blip shorter than the grace period says nothing', async () => {
    const f = fakePorts(async () => ({ ok: false, error: 'internal' }));
    let s = on({ registration: 'recovering', outage: { since: f.ports.now(), kind: 'lost' } });
    const notices = new ConnectionNotices(f.ports, () => s);
    await notices.check();
    f.advance(2000);
    s = on({ registration: 'registered' });
    await notices.check();
    expect(f.notifications.size).toBe(0);
  });

  it('offers the microphone page when that is the problem, with the reason said once', () => {
    const s = on({ registration: 'mic-needed', registrationError: 'mic_denied', outage: { since: 0, kind: 'starting' } });
    expect(reachability(s, 6000).notice).toMatchObject({ button: 'Allow microphone', message: expect.stringContaining('Microphone access is blocked for this extension.') });
    const needed = reachability({ ...s, registrationError: 'mic_not_granted' }, 6000);
    expect(needed.headline).toBe('Microphone access needed');
    expect(needed.reason).toBeNull(); // not "Microphone access is needed…" a second time
  });

  it('escalates from "Reconnecting…" (amber) to "Cannot receive calls" (red) and says where calls go', () => {
    const routing = { forwardingNumber: '+15550109001', forwardingEnabled: true, voicemailEnabled: true, ringTimeoutSeconds: 28 };
    const s = on({ routing, registration: 'recovering', registrationError: 'sip_transport_error', outage: { since: 0, kind: 'lost' } });
    expect(reachability(s, 3000)).toMatchObject({ kind: 'reconnecting', tone: 'busy', changesAt: 5000 });
    expect(reachability(s, 19_000)).toMatchObject({ kind: 'reconnecting', changesAt: 20_000 });
    const down = reachability(s, 20_000);
    expect(down).toMatchObject({ kind: 'down', tone: 'bad', headline: 'Cannot receive calls', action: 'Reconnect now', changesAt: null });
    expect(down.notice?.message).toContain('Calls ring +15550109001, then voicemail, meanwhile.');
    expect(badgeFor(s, 3000).text).toBe('…');
    expect(badgeFor(s, 20_000)).toMatchObject({ text: '!', color: '#c5221f' });
  });
});

describe('truth in every state (worker over fakes)', () => {
  const routed = async (w: ReturnType<typeof fakeWorker>) => {
    await w.auth.login('https://api.example.test', 'alice', 'pw');
    const notices = new ConnectionNotices(w.ports, () => w.store.get());
    w.store.onChange(() => void notices.check());
    return notices;
  };

  it('switching on is not an outage: connecting within the grace period shows no notification', async () => {
    const w = fakeWorker();
    const notices = await routed(w);
    w.advance(60_000); // Long after sign-in: durations must not count from it.
    await w.phone.setEnabled(true);
    await notices.check();
    expect(w.store.get().outage).toMatchObject({ kind: 'starting', since: w.ports.now() });
    w.advance(1000);
    w.onFact(fact('registered', {}));
    await notices.check();
    expect([...w.notifications.keys()]).toEqual([]);
    expect(w.badges.at(-1)?.text).toBe('ON');
  });

  it('switching on without the microphone: the right reason and fix, counted from the switch-on', async () => {
    const w = fakeWorker();
    const notices = await routed(w);
    w.advance(60_000);
    w.engine.enableResult = { ok: false, error: 'mic_not_granted' };
    const switchedOn = w.ports.now();
    await w.phone.setEnabled(true);
    w.advance(5000);
    await notices.check();
    expect(w.notifications.get('connection')).toMatchObject({ buttons: ['Allow microphone'] });
    expect(w.notifications.get('connection')?.message).toContain(`Since ${clockTime(switchedOn)}`);
    expect(w.notifications.get('connection')?.message).not.toContain('Softphone is off');
  });

  it('a dead link found by a deadline is dated when its request left', async () => {
    const w = fakeWorker();
    await routed(w);
    await w.phone.setEnabled(true);
    w.onFact(fact('registered', {}));
    const sentAt = w.ports.now();
    w.advance(2000);
    w.onFact({ kind: 'transport', at: sentAt, connected: false });
    expect(w.store.get()).toMatchObject({ registration: 'recovering', registrationError: 'sip_transport_error', outage: { since: sentAt, kind: 'lost' } });
  });

  it('JsSIP\'s "unregistered" as the socket closes is named as a lost connection, not a refusal', async () => {
    const w = fakeWorker();
    await routed(w);
    await w.phone.setEnabled(true);
    w.onFact(fact('registered', {}));
    w.onFact(fact('unregistered', {}));
    expect(w.store.get().registrationError).toBe('sip_transport_error');
  });

  it('a notice shown before a worker restart is cleared when calls ring again', async () => {
    const w = fakeWorker();
    const notices = await routed(w);
    await w.phone.setEnabled(true);
    w.onFact(fact('registered', {}));
    w.onFact({ kind: 'transport', at: w.ports.now(), connected: false });
    w.advance(6000);
    await notices.check();
    expect(w.notifications.has('connection')).toBe(true);
    // A new worker (same storage, same notification centre) sees the registration return.
    const fresh = new ConnectionNotices(w.ports, () => w.store.get());
    w.onFact(fact('registered', {}));
    await fresh.check();
    expect(w.notifications.has('connection')).toBe(false);
    expect(w.notifications.get('connection-ok')?.title).toBe('Calls ring here again');
  });

  it('the expiry warning is withdrawn once the session has expired', async () => {
    const w = fakeWorker();
    await routed(w);
    await w.phone.warnBeforeExpiry(w.ports.now() + 60_000);
    expect(w.notifications.has('session-warning')).toBe(true);
    await w.phone.expireSession('test');
    expect(w.notifications.has('session-warning')).toBe(false);
    expect(w.notifications.get('session')?.title).toBe('Your session expired');
  });

  it('expiry with the softphone off goes straight to session-expired (no spurious "registering")', async () => {
    const w = fakeWorker();
    await routed(w);
    const seen: string[] = [];
    w.store.onChange((n) => seen.push(n.registration));
    await w.phone.expireSession('test');
    expect(seen).not.toContain('registering');
    expect(w.store.get().registration).toBe('session-expired');
  });
});

describe('timeline', () => {
  it('keeps the newest entries only', () => {
    let entries: { at: number; event: string; detail: string }[] = [];
    for (let i = 0; i < 5; i++) entries = appendBounded(entries, { at: i, event: 'x', detail: '' }, 3);
    expect(entries.map((e) => e.at)).toEqual([2, 3, 4]);
  });
  it('notes state changes with their reason', () => {
    expect(entryForChange(on({ registration: 'registered' }), on({ registration: 'recovering', registrationError: 'sip_transport_error' }), 9)).toEqual({
      at: 9,
      event: 'recovering',
      detail: 'sip_transport_error',
    });
    expect(entryForChange(on({}), on({}), 9)).toBeNull();
  });
});

describe('tuning and backoff', () => {
  it('starts fast, grows, and is capped', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 10].map((n) => retryDelayMs(n, 30_000, mid))).toEqual([750, 1500, 3000, 6000, 22500]);
    expect(retryDelayMs(50, 30_000, () => 1)).toBe(30_000);
  });
  it('ignores junk overrides', () => {
    expect(tuningFrom({ refreshSeconds: 3, graceSeconds: -1, watchdogMinutes: 'x' })).toEqual({ ...DEFAULT_TUNING, refreshSeconds: 3 });
    expect(staleAfterMs(DEFAULT_TUNING)).toBe(65_000);
  });
});

describe('extension updates', () => {
  it('wait until no call rings or is in progress', () => {
    const call = { ...newCall({ id: 'c', remoteName: '', remoteNumber: '', startedAt: 0 }), phase: 'active' as const, answeredAt: 0 };
    let s = on({ calls: [call] });
    let reloads = 0;
    const gate = new UpdateGate(() => s, () => reloads++);
    gate.onUpdateAvailable();
    expect(reloads).toBe(0);
    s = on({ calls: [] });
    gate.reloadIfIdle();
    gate.reloadIfIdle();
    expect(reloads).toBe(1);
  });
});

describe('timeline store', () => {
  it('keeps every entry added in one turn, after the saved ones', async () => {
    const store = new MemoryStore<{ timeline: { at: number; event: string; detail: string }[]; callLog: { at: number; event: string; detail: string }[] }>();
    await store.set({ timeline: [{ at: 1, event: 'saved', detail: '' }] });
    const t = new Timeline(store);
    t.add({ at: 2, event: 'a', detail: '' });
    t.add({ at: 3, event: 'b', detail: '' });
    expect((await t.all()).map((e) => e.event)).toEqual(['saved', 'a', 'b']);
  });

  it('a caller ringing a hundred times does not push the connection history out', async () => {
    const store = new MemoryStore<{ timeline: { at: number; event: string; detail: string }[]; callLog: { at: number; event: string; detail: string }[] }>();
    const connection = new Timeline(store);
    const callLog = new Timeline(store, 'callLog');
    connection.add({ at: 1, event: 'transport-lost', detail: '' });
    const prev = on({ registration: 'registered' });
    for (let i = 0; i < 400; i++) {
      const ringing = { ...prev, calls: [newCall({ id: `c${i}`, remoteName: 'Spam', remoteNumber: '+1', startedAt: i })] };
      expect(entryForChange(prev, ringing, i)).toBeNull();
      const entry = callEntryForChange(prev, ringing, i);
      if (entry) callLog.add(entry);
    }
    expect((await connection.all()).map((e) => e.event)).toEqual(['transport-lost']);
    expect(await callLog.all()).toHaveLength(300);
  });
});
