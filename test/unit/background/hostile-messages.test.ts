/**
 * Every receiver, thrown random and malformed messages: no crash, a typed
 * answer, the worker's state unchanged (fast-check over the real router and
 * the worker's logic on in-memory fakes).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRouter, OFFSCREEN_PAGE } from '../../../src/background/router';
import { BoundedLog, Timeline } from '../../../src/background/timeline';
import { newCall } from '../../../src/shared/call-state';
import type { RecentCall } from '../../../src/shared/recent-calls';
import { isMessageFor } from '../../../src/shared/protocol';
import { fakeWorker } from '../../fakes/worker';

function routed() {
  const w = fakeWorker();
  const route = createRouter({ ports: w.ports, store: w.store, phone: w.phone, calls: w.calls, session: w.auth, timeline: new Timeline(w.local), callLog: new Timeline(w.local, 'callLog'), recentCalls: new BoundedLog<'recentCalls', RecentCall>(w.local, 'recentCalls', 200), routing: w.routing, voicemail: w.voicemail, lineTest: w.lineTest, ready: Promise.resolve() });
  /** What `serve()` does: the guard first, then the handler. */
  const deliver = async (raw: unknown, page: string) => (isMessageFor('background', raw) ? route(raw, { page }) : { ok: false, error: 'bad_request' });
  return { w, deliver };
}

const call = newCall({ id: 'c1', remoteName: 'Carol', remoteNumber: '+1', startedAt: 1 });

describe('hostile messages from our own contexts', () => {
  it('a call-incoming fact without its call is refused, typed, and changes nothing', async () => {
    const { w, deliver } = routed();
    const before = w.store.get();
    expect(await deliver({ target: 'background', type: 'engine-fact', fact: { kind: 'call-incoming', at: 1 } }, OFFSCREEN_PAGE)).toMatchObject({ ok: false, error: 'bad_request' });
    expect(w.store.get()).toBe(before);
  });

  it('a call phase of "pwned" never reaches the snapshot', async () => {
    const { w, deliver } = routed();
    await deliver({ target: 'background', type: 'engine-fact', fact: { kind: 'call-incoming', at: 1, call, waiting: false, engineNotifies: false } }, OFFSCREEN_PAGE);
    const before = w.store.get();
    const r = await deliver({ target: 'background', type: 'engine-fact', fact: { kind: 'call-updated', at: 2, call: { ...call, phase: 'pwned' } } }, OFFSCREEN_PAGE);
    expect(r).toMatchObject({ ok: false, error: 'bad_request' });
    expect(w.store.get()).toBe(before);
    expect(w.store.get().calls[0]?.phase).toBe('ringing');
  });

  it('random facts and random messages: a typed answer every time, and a malformed one changes nothing', async () => {
    const kinds = ['registered', 'unregistered', 'registration-failed', 'transport', 'mic', 'call-incoming', 'call-ringtone', 'call-updated', 'call-ended'];
    const fact = fc.record({ kind: fc.constantFrom(...kinds, 'nonsense'), at: fc.oneof(fc.integer(), fc.double(), fc.string()) }, { requiredKeys: ['kind'] }).chain((base) =>
      fc.record({ extra: fc.dictionary(fc.constantFrom('call', 'callId', 'phase', 'connected', 'status', 'error', 'reason', 'cause', 'waiting'), fc.anything()) }).map(({ extra }) => ({ ...base, ...extra })),
    );
    const message = fc.oneof(
      fact.map((f) => ({ target: 'background', type: 'engine-fact', fact: f })),
      fc.record({ target: fc.constant('background'), type: fc.constantFrom('call-op', 'login', 'set-softphone', 'get-call-stats', 'set-call-preferences', '__proto__', 'x'), callId: fc.anything(), op: fc.anything(), enabled: fc.anything() }),
      fc.anything(),
    );
    await fc.assert(
      fc.asyncProperty(message, fc.constantFrom(OFFSCREEN_PAGE, '/popup.html', '/options.html', null), async (raw, page) => {
        const { w, deliver } = routed();
        const before = w.store.get();
        const answer = await deliver(raw, page ?? 'https://evil.example/');
        expect(answer).toBeDefined();
        if (typeof answer === 'object' && answer !== null && 'ok' in answer && answer.ok === false) {
          expect(typeof (answer as unknown as { error: unknown }).error).toBe('string');
          expect(w.store.get()).toBe(before);
        }
      }),
      { numRuns: 500 },
    );
  });
});
