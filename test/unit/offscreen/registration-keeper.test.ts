/**
 * The registration keeper with a fake host and fake timers: the facts it
 * reports are what the worker turns into words, so they must be right.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RegistrationKeeper, type KeeperHost } from '../../../src/offscreen/registration-keeper';
import type { EngineFact } from '../../../src/shared/engine-types';
import type { RegisterReplyInfo } from '../../../src/shared/sip-register-reply';

const CONTACT = 'abc123';
const good = (cseq: number): RegisterReplyInfo => ({ status: 200, reason: 'OK', cseq, contacts: [`sip:${CONTACT}@x.invalid;transport=ws`] });
const unregistered = (cseq: number): RegisterReplyInfo => ({ status: 200, reason: 'OK', cseq, contacts: [] });

function setup() {
  const facts: EngineFact[] = [];
  let enabled = true;
  let pings = 0;
  const host: KeeperHost = {
    report: (f) => void facts.push(f),
    now: () => Date.now(),
    mayDisrupt: () => true,
    enabled: () => enabled,
    ping: () => void pings++,
  };
  const keeper = new RegistrationKeeper(host, () => CONTACT, { refreshSeconds: 30, registerDeadlineMs: 5000, keepAliveSeconds: 3, keepAliveDeadlineMs: 2000 });
  // A connected UA is all the keeper asks of JsSIP here.
  const ua = { isConnected: () => true, on: () => undefined, registrator: () => ({ register: () => undefined }) };
  keeper.attach(ua as never, []);
  return { keeper, facts, setEnabled: (v: boolean) => (enabled = v), pings: () => pings };
}

beforeEach(() => vi.useFakeTimers({ now: 1_800_000_000_000 }));
afterEach(() => vi.useRealTimers());

describe('registration keeper', () => {
  it('reports "registered" again after an un-REGISTER, when the phone is switched on again (even during a call)', () => {
    const k = setup();
    k.keeper.onRegisterReply(good(1));
    expect(k.facts.map((f) => f.kind)).toEqual(['registered']);
    // Switched off during a call: JsSIP un-REGISTERs.
    k.setEnabled(false);
    k.keeper.onRegisterReply(unregistered(2));
    // Switched on again: the next good refresh must be reported, or the worker waits on "Connecting…" forever.
    k.setEnabled(true);
    k.keeper.expectFreshRegistration();
    k.keeper.onRegisterReply(good(3));
    expect(k.facts.map((f) => f.kind)).toEqual(['registered', 'registered']);
  });

  it('a frozen server is found by a keep-alive within seconds, dated when the keep-alive left', () => {
    const k = setup();
    k.keeper.onRegisterReply(good(1));
    for (let i = 0; i < 3; i++) {
      vi.advanceTimersByTime(1000);
      k.keeper.tick();
    }
    expect(k.pings()).toBe(1);
    const sentAt = Date.now();
    vi.advanceTimersByTime(2000); // nothing comes back
    const down = k.facts.find((f) => f.kind === 'transport');
    expect(down).toEqual({ kind: 'transport', at: sentAt, connected: false });
  });

  it('any answer proves the link: no alarm, and no keep-alive while the server talks', () => {
    const k = setup();
    k.keeper.onRegisterReply(good(1));
    for (let i = 0; i < 3; i++) {
      vi.advanceTimersByTime(1000);
      k.keeper.tick();
    }
    expect(k.pings()).toBe(1);
    vi.advanceTimersByTime(100);
    k.keeper.onInbound();
    vi.advanceTimersByTime(5000);
    expect(k.facts.map((f) => f.kind)).toEqual(['registered']);
    for (let i = 0; i < 2; i++) {
      vi.advanceTimersByTime(1000);
      k.keeper.onInbound();
      k.keeper.tick();
    }
    expect(k.pings()).toBe(1);
  });
});
