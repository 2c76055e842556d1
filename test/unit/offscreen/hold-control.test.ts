/**
 * The hold workaround against a fake with JsSIP 3.13's own hold() shape: a
 * refused re-INVITE must leave the call going, not hung up (JsSIP would call
 * terminate({reason_phrase: 'Hold Failed'})).
 */
import { describe, expect, it } from 'vitest';
import { reoffer, type HoldInternals } from '../../../src/offscreen/hold-control';

type Reply = 'ok' | 'error' | 'none';

class FakeSession implements HoldInternals {
  _localHold = false;
  mediaEnabled = true;
  terminated: string[] = [];
  connection = { signalingState: 'have-local-offer', setLocalDescription: async () => { this.rolledBack = true; } } as unknown as RTCPeerConnection;
  rolledBack = false;
  ready = true;
  private listeners = new Map<string, () => void>();
  constructor(private readonly reply: Reply) {}
  _setLocalMediaStatus() {
    this.mediaEnabled = !this._localHold;
  }
  isReadyToReOffer() {
    return this.ready;
  }
  isEnded() {
    return false;
  }
  // JsSIP's hold(): flag and media first, then the re-INVITE; on error it terminates the call.
  hold(_o: object, done: () => void) {
    if (this._localHold || !this.ready) return false;
    this._localHold = true;
    this._setLocalMediaStatus();
    this.answerLater(done, 'Hold Failed');
    return true;
  }
  unhold(_o: object, done: () => void) {
    if (!this._localHold) return false;
    this._localHold = false;
    this._setLocalMediaStatus();
    this.answerLater(done, 'Unhold Failed');
    return true;
  }
  terminate(options?: { reason_phrase?: string }) {
    this.terminated.push(options?.reason_phrase ?? 'BYE');
  }
  once(event: 'ended' | 'failed', l: () => void) {
    this.listeners.set(event, l);
  }
  removeListener(event: 'ended' | 'failed') {
    this.listeners.delete(event);
  }
  private answerLater(done: () => void, phrase: string) {
    if (this.reply === 'ok') setTimeout(done, 1);
    if (this.reply === 'error') setTimeout(() => this.terminate({ reason_phrase: phrase }), 1);
  }
}

describe('hold without hanging up', () => {
  it('an accepted hold holds', async () => {
    const s = new FakeSession('ok');
    expect(await reoffer(s, true)).toBe('ok');
    expect(s._localHold).toBe(true);
    expect(s.terminated).toEqual([]);
  });
  it('a refused hold leaves the call going, media back on, the offer rolled back', async () => {
    const s = new FakeSession('error');
    expect(await reoffer(s, true)).toBe('refused');
    expect(s.terminated).toEqual([]);
    expect(s._localHold).toBe(false);
    expect(s.mediaEnabled).toBe(true);
    expect(s.rolledBack).toBe(true);
    // Afterwards terminate works again, as JsSIP's own.
    s.terminate();
    expect(s.terminated).toEqual(['BYE']);
  });
  it('a refused resume leaves the call on hold', async () => {
    const s = new FakeSession('error');
    s._localHold = true;
    expect(await reoffer(s, false)).toBe('refused');
    expect(s._localHold).toBe(true);
    expect(s.mediaEnabled).toBe(false);
  });
  it('a pending re-offer is "busy", nothing sent', async () => {
    const s = new FakeSession('ok');
    s.ready = false;
    expect(await reoffer(s, true)).toBe('busy');
    expect(s._localHold).toBe(false);
  });
});
