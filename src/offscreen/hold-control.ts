/**
 * Hold and resume without JsSIP's "end the call on failure".
 *
 * JsSIP 3.13's `hold()` / `unhold()` (RTCSession.js) send a re-INVITE and, when
 * it is answered with an error, call `terminate({reason_phrase: 'Hold Failed'})`:
 * a caller whose phone refuses hold would be hung up on. An agent expects the
 * call to go on as it was, and to be told. JsSIP offers no hook for this, and
 * sending our own re-INVITE would need its private `_sendReinvite`. So, for the
 * one re-offer in flight, we intercept that single terminate call, roll the
 * peer connection's offer back and restore JsSIP's hold flag. The private
 * members touched are named in `HoldInternals`; a JsSIP upgrade that renames
 * them makes the unit test (test/unit/offscreen/hold-control.test.ts) fail.
 */
import type { RTCSession } from 'jssip/lib/RTCSession';

export type ReofferOutcome = 'ok' | 'refused' | 'busy' | 'ended';

/** The parts of JsSIP's RTCSession this workaround relies on. */
export interface HoldInternals {
  _localHold: boolean;
  _setLocalMediaStatus(): void;
  connection: RTCPeerConnection | null;
  isReadyToReOffer(): boolean;
  isEnded(): boolean;
  hold(options: object, done: () => void): boolean;
  unhold(options: object, done: () => void): boolean;
  terminate(options?: { reason_phrase?: string }): void;
  once(event: 'ended' | 'failed', listener: () => void): unknown;
  removeListener(event: 'ended' | 'failed', listener: () => void): unknown;
}

const FAILURE_PHRASES = new Set(['Hold Failed', 'Unhold Failed']);

/** Puts the call on hold (`on`) or resumes it; never ends it on a refusal. */
export function reoffer(session: RTCSession | HoldInternals, on: boolean): Promise<ReofferOutcome> {
  const s = session as unknown as HoldInternals;
  if (s.isEnded()) return Promise.resolve('ended');
  if (!s.isReadyToReOffer()) return Promise.resolve('busy');
  return new Promise((resolve) => {
    const original = s.terminate;
    const onEnded = () => finish('ended');
    const finish = (outcome: ReofferOutcome) => {
      // Own property: deleting it re-exposes the prototype's terminate.
      if (s.terminate !== original) delete (s as Partial<HoldInternals>).terminate;
      s.removeListener('ended', onEnded);
      s.removeListener('failed', onEnded);
      resolve(outcome);
    };
    s.terminate = (options) => {
      if (!options?.reason_phrase || !FAILURE_PHRASES.has(options.reason_phrase)) return original.call(s, options);
      // The far end refused: undo what hold()/unhold() did before sending.
      s._localHold = !on;
      s._setLocalMediaStatus();
      void rollback(s.connection);
      finish('refused');
    };
    s.once('ended', onEnded);
    s.once('failed', onEnded);
    const started = on ? s.hold({}, () => finish('ok')) : s.unhold({}, () => finish('ok'));
    if (!started) finish('busy');
  });
}

/** Back to the last agreed description, so the next re-offer starts from a stable state. */
async function rollback(pc: RTCPeerConnection | null): Promise<void> {
  if (!pc || pc.signalingState !== 'have-local-offer') return;
  try {
    await pc.setLocalDescription({ type: 'rollback' });
  } catch {
    // Nothing to undo: the next offer replaces the pending one anyway.
  }
}
