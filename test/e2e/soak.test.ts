/**
 * A working day, compressed, in short (the long run is `npm run soak`,
 * scripts/bench/soak.ts; both use scripts/bench/soak-lib.ts): 25 calls to the
 * signed-in extension, ending every way a call ends (answered and hung up by
 * the agent from the popup and by the caller, declined, missed, answered on
 * the forwarding phone), hundreds of registration refreshes, then what is
 * alive is counted from outside. It fails on counts that grow with the calls:
 * peer connections and other media objects not back to their idle value,
 * notifications left on screen once the missed calls are seen, logs past
 * their bounds, DOM nodes and listeners, the engine's and the worker's books,
 * timers left pending. Never on a time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../scripts/lab/lab';
import { CALL_KINDS, EXPECTED, growthTable, metrics, OFFSCREEN_OBJECTS, outcomesTable, runSoak, SoakRig, type Sample, type SoakResult } from '../../scripts/bench/soak-lib';
import { TIMELINE_LIMIT } from '../../src/background/timeline';
import { RECENT_CALLS_LIMIT } from '../../src/shared/recent-calls';
import { startTestLab } from './harness';

const CALLS = 25;
const BURST_REFRESHES = 250;
/** What a count may differ by between the baseline and the end, whatever the number of calls. */
const SLACK = 2;

let lab: Lab;
let rig: SoakRig;
let result: SoakResult;

const first = (label: string): Sample => {
  const s = result.samples.find((x) => x.label === label);
  if (!s) throw new Error(`no ${label} sample`);
  return s;
};
const idle = () => first('idle');
const baseline = () => first('baseline');
const last = () => result.samples[result.samples.length - 1]!;

beforeAll(async () => {
  lab = await startTestLab('soak');
  // startTestLab's work dir (harness.ts): the lab's Kamailio ctl socket is there.
  rig = await SoakRig.start(lab, { labWorkDir: `.lab/e2e-soak-${process.pid}`, talkMs: 200 });
});

afterAll(async () => {
  await rig?.close();
  await lab?.stop();
});

describe('a working day, compressed: nothing grows with the calls', () => {
  it(`${CALLS} calls ending every way, and ${BURST_REFRESHES} refreshes besides the 1 s period, each call ending as it should`, async () => {
    result = await runSoak(rig, { calls: CALLS, burstRefreshes: BURST_REFRESHES, sampleEvery: 5, warmup: CALL_KINDS.length, settleMs: 33_000, traceTimers: true });
    console.log(`${outcomesTable(result)}\n${growthTable(result)}`);
    for (const call of result.calls) expect(call.reason, `a ${call.kind} call`).toBe(EXPECTED[call.kind].reason);
    const accepted = (last().registrations.serverAccepted ?? 0) - (idle().registrations.serverAccepted ?? 0);
    expect(accepted, 'REGISTERs the server accepted during the run').toBeGreaterThanOrEqual(BURST_REFRESHES);
    expect(last().registrations.registration).toBe('registered');
  }, 260_000);

  it('peer connections, audio elements, streams and audio nodes are back to their idle value', () => {
    for (const s of result.samples) expect(s.offscreen.RTCPeerConnection, `peer connections at sample ${s.label}`).toBe(idle().offscreen.RTCPeerConnection);
    const end = last();
    expect(end.offscreen.HTMLAudioElement).toBe(idle().offscreen.HTMLAudioElement);
    expect(end.offscreen.MediaStreamTrack).toBe(idle().offscreen.MediaStreamTrack);
    expect(end.offscreen.MediaStream).toBeLessThanOrEqual(idle().offscreen.MediaStream! + SLACK);
    // The ringtone's nodes and context are made once and kept, not per call.
    expect(end.offscreen.AudioNode).toBeLessThanOrEqual(baseline().offscreen.AudioNode!);
    expect(end.offscreen.AudioContext).toBe(baseline().offscreen.AudioContext);
  });

  it('no object kind in the offscreen document grows with the calls', () => {
    const grew = OFFSCREEN_OBJECTS.filter((k) => k !== 'Promise')
      .map((k) => ({ k, base: baseline().offscreen[k] ?? 0, end: last().offscreen[k] ?? 0 }))
      .filter((g) => g.end - g.base > SLACK);
    // PermissionStatus: navigator.permissions.query() makes a new one per call, and Chromium keeps
    // each alive while it listens for changes (see the report of scripts/bench/soak.ts).
    expect(grew, `grew over ${CALLS - CALL_KINDS.length} calls`).toEqual([]);
  });

  it('no notification is left on screen once the missed calls are seen; never a call notification between calls', () => {
    for (const s of result.samples) {
      expect(s.notifications.call, `call notifications at sample ${s.label}`).toBe(0);
      expect(s.notifications.missed).toBeLessThanOrEqual(1);
    }
    expect(result.notificationsAfterSeen).toEqual([]);
  });

  it('the timeline, the call log and the recent calls stay within their bounds', () => {
    for (const s of result.samples) {
      expect(s.logs.timeline).toBeLessThanOrEqual(TIMELINE_LIMIT);
      expect(s.logs.callLog).toBeLessThanOrEqual(TIMELINE_LIMIT);
      expect(s.logs.recentCalls).toBeLessThanOrEqual(RECENT_CALLS_LIMIT);
    }
    // One recent call per call (none is lost, none counted twice) until the bound.
    expect(last().logs.recentCalls).toBe(Math.min(CALLS, RECENT_CALLS_LIMIT));
    // The connection timeline is not where calls or refreshes go.
    expect(last().logs.timeline).toBe(baseline().logs.timeline);
  });

  it('DOM nodes, documents and event listeners do not grow with the calls', () => {
    const base = baseline();
    const end = last();
    expect(end.dom, 'DOM counters of the offscreen document').not.toBeNull();
    expect(end.dom!.documents).toBe(base.dom!.documents);
    expect(end.dom!.nodes - base.dom!.nodes).toBeLessThanOrEqual(SLACK);
    expect(end.dom!.jsEventListeners - base.dom!.jsEventListeners).toBeLessThanOrEqual(SLACK);
    if (end.worker.globalListeners !== null && base.worker.globalListeners !== null) {
      expect(end.worker.globalListeners - base.worker.globalListeners).toBeLessThanOrEqual(SLACK);
    }
    // The popup left open through the last calls (its recent-calls list already full).
    const popup = first('end').popupGrowth;
    expect(popup, 'the popup counted before and after the last calls').not.toBeNull();
    expect(popup!.nodes).toBeLessThanOrEqual(SLACK);
    expect(popup!.jsEventListeners).toBeLessThanOrEqual(SLACK);
  });

  it("the engine's and the worker's books are empty again: calls, alerts, JsSIP sessions, dialogs and transactions, queues", () => {
    const end = last();
    expect(end.engine, 'the engine found in the offscreen document').not.toBeNull();
    const m = metrics(end);
    for (const key of ['engine calls', 'engine alerts', 'JsSIP sessions', 'JsSIP dialogs', 'JsSIP transactions', 'JsSIP applicants', 'worker op queues']) {
      expect(m[key], key).toBe(0);
    }
    expect(end.engine!.uaListeners).toBe(idle().engine!.uaListeners);
    expect(end.worker.notificationTexts).toBe(0);
  });

  it('timers set during the last calls are not left pending', () => {
    expect(result.timers, 'the timer trace').toBeDefined();
    const { pending } = result.timers!;
    // What may be pending at any moment: the timer probe's 1 s chain and JsSIP's registration
    // refresh timer (each re-armed all day), a keep-alive or REGISTER deadline, a log flush.
    expect(pending.length, JSON.stringify(pending)).toBeLessThanOrEqual(5);
  });
});
