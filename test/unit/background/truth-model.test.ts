/**
 * Truth in every state, as a model-based random walk over the worker's logic
 * and in-memory fakes (fast-check `commands`): thousands of steps of what
 * agents and networks do, and after each one the words the agent would see
 * (popup status, badge, notification) must agree with each other and with the
 * model of whether calls would ring here. The same walk runs end to end
 * against the real server in test/e2e/random-walk.test.ts.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionNotices } from '../../../src/background/connection-notices';
import { badgeFor } from '../../../src/background/badge';
import { newCall } from '../../../src/shared/call-state';
import { popupView } from '../../../src/popup/view-model';
import { reachability } from '../../../src/shared/reachability';
import { wantsCalls } from '../../../src/shared/snapshot';
import { fact } from '../../fakes/fake-ports';
import { fakeWorker } from '../../fakes/worker';

type World = ReturnType<typeof fakeWorker> & { notices: ConnectionNotices; calls_: number };

/** What the agent did and what the server knows, kept by the test on its own (the oracle). */
interface Model {
  signedIn: boolean;
  /** The agent's switch (kept across sign-out: signing in again restores it). */
  softphone: boolean;
  mic: boolean;
  /** A call rings or is in progress (the engine holds it). */
  call: string | null;
  /** The server holds our binding and a call would ring here. */
  registered: boolean;
  registeredAt: number;
  /** Since when the agent wants calls here and they would not ring (the model's own clock). */
  outageSince: number | null;
}

/** After each step: the outage starts when wanting and not ringing begins, at `at`. */
function updateOutage(m: Model, at: number): void {
  const wants = m.signedIn && m.softphone;
  if (!wants || m.registered) m.outageSince = null;
  else if (m.outageSince === null) m.outageSince = at;
}

const GRACE = 5000;

/** The oracle: every word agrees with every other, and with the model. */
async function checkWords(m: Model, w: World): Promise<void> {
  await w.notices.check();
  const s = w.store.get();
  const now = w.ports.now();
  const r = reachability(s, now);
  const view = popupView(s, '', now);
  const badge = badgeFor(s, now);
  const notice = w.notifications.get('connection');

  expect(s.login === 'signed-in').toBe(m.signedIn);
  expect(s.softphoneEnabled).toBe(m.signedIn && m.softphone);
  const ready = wantsCalls(s) && s.registration === 'registered';
  // The model, not the code under test, says whether calls ring here and since when they do not.
  expect(ready).toBe(m.signedIn && m.softphone && m.registered);
  expect(s.outage?.since ?? null).toBe(m.outageSince);
  // "Ready" only when registered and wanted; never "off" words while switched on.
  if (m.signedIn) expect(view.status.text === 'Ready to receive calls').toBe(ready);
  if (m.signedIn && m.softphone) expect(view.status.text).not.toContain('Softphone is off');
  // Ready shows ON, or the count of missed calls not yet seen.
  if (!m.call) expect(badge.text === 'ON' || (s.missed.count > 0 && badge.text === String(s.missed.count))).toBe(ready);
  // The outage is known exactly when the agent wants calls and they would not ring.
  expect(s.outage === null).toBe(!wantsCalls(s) || s.registration === 'registered');
  if (s.outage) expect(s.outage.since).toBeLessThanOrEqual(now);
  // A notice is shown exactly when calls have not rung here for the grace period.
  const due = m.outageSince !== null && now - m.outageSince >= GRACE;
  expect(notice !== undefined, `notice ${JSON.stringify(notice)} vs due ${due} (${s.registration})`).toBe(due);
  if (notice) {
    expect(notice.buttons).toEqual([r.action]);
    expect(notice.buttons?.[0] === 'Allow microphone').toBe(s.registration === 'mic-needed');
    expect(view.status.action).toBe(r.action);
  }
  // One colour for one state: the popup's tone and the badge agree.
  if (!m.call && m.signedIn && !(ready && s.missed.count > 0)) expect({ bad: '!', busy: '…', ok: 'ON', off: 'OFF' }[view.status.tone]).toBe(badge.text);
}

type Cmd = fc.AsyncCommand<Model, World>;
let steps = 0;
const cmd = (name: string, check: (m: Model) => boolean, run: (m: Model, w: World) => Promise<number | void>): Cmd => ({
  check,
  run: async (m, w) => {
    steps += 1;
    const at = await run(m, w);
    updateOutage(m, typeof at === 'number' ? at : w.ports.now());
    await checkWords(m, w);
  },
  toString: () => name,
});

const settle = () => new Promise((r) => setImmediate(r));

const commands = [
  fc.constant(
    cmd('sign in', (m) => !m.signedIn, async (m, w) => {
      await w.auth.login('https://api.example.test', 'alice', 'pw');
      m.signedIn = true;
      m.registered = false;
    }),
  ),
  fc.constant(
    cmd('sign out', (m) => m.signedIn && !m.call, async (m, w) => {
      await w.auth.logout();
      m.signedIn = false;
      m.registered = false;
    }),
  ),
  fc.constant(
    cmd('switch on', (m) => m.signedIn && !m.softphone, async (m, w) => {
      w.engine.enableResult = m.mic ? { ok: true } : { ok: false, error: 'mic_not_granted' };
      await w.phone.setEnabled(true);
      m.softphone = true;
      m.registered = false;
    }),
  ),
  fc.constant(
    cmd('switch off', (m) => m.signedIn && m.softphone, async (m, w) => {
      await w.phone.setEnabled(false);
      m.softphone = false;
      m.registered = false;
    }),
  ),
  fc.constant(
    cmd('server accepts a REGISTER', (m) => m.signedIn && m.softphone && m.mic, async (m, w) => {
      w.onFact(fact('registered', {}));
      await settle();
      if (!m.registered) m.registeredAt = w.ports.now();
      m.registered = true;
    }),
  ),
  fc.integer({ min: 0, max: 3000 }).map((ago) =>
    cmd(`link dies (${ago} ms ago)`, (m) => m.signedIn && m.softphone, async (m, w) => {
      // The engine dates a dead link by its unanswered request, never before the last good answer.
      const at = m.registered ? Math.max(m.registeredAt, w.ports.now() - ago) : w.ports.now();
      w.onFact({ kind: 'transport', at, connected: false });
      await settle();
      m.registered = false;
      return at;
    }),
  ),
  fc.constant(
    cmd('microphone revoked', (m) => m.signedIn && m.mic, async (m, w) => {
      m.mic = false;
      m.registered = false;
      w.engine.enableResult = { ok: false, error: 'mic_denied' };
      w.onFact(fact('mic', { status: 'denied' }));
      await settle();
    }),
  ),
  fc.constant(
    cmd('microphone granted', (m) => !m.mic, async (m, w) => {
      m.mic = true;
      w.engine.enableResult = { ok: true };
      w.onFact(fact('mic', { status: 'granted' }));
      await settle();
      await settle();
    }),
  ),
  fc.constant(
    cmd('a call rings', (m) => m.signedIn && m.softphone && !m.call, async (m, w) => {
      const id = `c${++w.calls_}`;
      w.onFact(fact('call-incoming', { call: newCall({ id, remoteName: 'X', remoteNumber: '+1', startedAt: w.ports.now() }), waiting: false, engineNotifies: false }));
      m.call = id;
    }),
  ),
  fc.constant(
    cmd('the call ends', (m) => m.call !== null, async (m, w) => {
      w.onFact(fact('call-ended', { callId: m.call as string, reason: 'missed', cause: 'Canceled' }));
      m.call = null;
      await settle();
    }),
  ),
  fc.integer({ min: 100, max: 30_000 }).map((ms) =>
    cmd(`time passes (${ms} ms)`, () => true, async (_m, w) => {
      w.advance(ms);
    }),
  ),
];

beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
afterEach(() => vi.useRealTimers());

describe('truth in every state: a model-based random walk over the fakes', () => {
  it('every word agrees with the model after every step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 200, size: 'max' }), async (cmds) => {
        const w = fakeWorker() as World;
        w.calls_ = 0;
        w.notices = new ConnectionNotices(w.ports, () => w.store.get());
        const model: Model = { signedIn: false, softphone: false, mic: true, call: null, registered: false, registeredAt: 0, outageSince: null };
        await fc.asyncModelRun(() => ({ model, real: w }), cmds);
      }),
      { numRuns: 150, seed: Number(process.env.WALK_SEED ?? 20261201) },
    );
    // The walk must really walk: a model whose preconditions block every step would prove nothing.
    expect(steps).toBeGreaterThan(150 * 20);
    console.info(`truth model: ${steps} steps in 150 runs`);
  });
});
