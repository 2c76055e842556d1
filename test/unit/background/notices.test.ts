import { newCall } from '../../../src/shared/call-state';
import { describe, expect, it } from 'vitest';
import { ConnectionNotices, noticeText } from '../../../src/background/connection-notices';
import { appendBounded, entryForChange, Timeline } from '../../../src/background/timeline';
import { UpdateGate } from '../../../src/background/update-gate';
import { retryDelayMs } from '../../../src/offscreen/registration-keeper';
import { initialSnapshot, type Snapshot } from '../../../src/shared/snapshot';
import { DEFAULT_TUNING, staleAfterMs, tuningFrom } from '../../../src/shared/tuning';
import { fakePorts, MemoryStore } from '../../fakes/fake-ports';

const on = (over: Partial<Snapshot>): Snapshot => ({ ...initialSnapshot(0), login: 'signed-in', softphoneEnabled: true, ...over });

describe('connection notices', () => {
  it('notify after the grace period with the reason, then say when calls ring again', async () => {
    const f = fakePorts(async () => ({ ok: false, error: 'internal' }));
    let s = on({ registration: 'registered' });
    const notices = new ConnectionNotices(f.ports, () => s, async () => 20);
    s = on({ registration: 'recovering', registrationError: 'sip_transport_error', registrationSince: f.ports.now() });
    await notices.check();
    expect(f.notifications.has('connection')).toBe(false); // still within grace
    await new Promise((r) => setTimeout(r, 40));
    expect(f.notifications.get('connection')).toMatchObject({ title: 'You cannot receive calls here', buttons: ['Reconnect now'] });
    expect(f.notifications.get('connection')?.message).toContain('Lost connection to the phone server');
    s = on({ registration: 'registered' });
    await notices.check();
    expect(f.notifications.has('connection')).toBe(false);
    expect(f.notifications.get('connection-ok')).toMatchObject({ title: 'Calls ring here again' });
  });

  it('a blip shorter than the grace period says nothing', async () => {
    const f = fakePorts(async () => ({ ok: false, error: 'internal' }));
    let s = on({ registration: 'recovering', registrationSince: f.ports.now() });
    const notices = new ConnectionNotices(f.ports, () => s, async () => 30);
    await notices.check();
    s = on({ registration: 'registered' });
    await notices.check();
    await new Promise((r) => setTimeout(r, 50));
    expect(f.notifications.size).toBe(0);
  });

  it('offers the microphone page when that is the problem', () => {
    expect(noticeText(on({ registration: 'mic-needed', registrationError: 'mic_denied' }), 5000)).toMatchObject({
      button: 'Allow microphone',
      message: 'Microphone access is blocked for this extension. (for 5 s)',
    });
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
    const store = new MemoryStore<{ timeline: { at: number; event: string; detail: string }[] }>();
    await store.set({ timeline: [{ at: 1, event: 'saved', detail: '' }] });
    const t = new Timeline(store);
    t.add({ at: 2, event: 'a', detail: '' });
    t.add({ at: 3, event: 'b', detail: '' });
    expect((await t.all()).map((e) => e.event)).toEqual(['saved', 'a', 'b']);
  });
});
