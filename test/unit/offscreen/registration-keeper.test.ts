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

/**
 * The keeper over fakes: a host that records facts, a UA whose registrator
 * counts REGISTERs, and a socket that records being killed (the recovery).
 */
function setup(opts: { inCall?: () => boolean } = {}) {
  const facts: EngineFact[] = [];
  let enabled = true;
  let pings = 0;
  let registers = 0;
  const kills: string[] = [];
  const host: KeeperHost = {
    report: (f) => void facts.push(f),
    now: () => Date.now(),
    mayDisrupt: () => !(opts.inCall?.() ?? false),
    enabled: () => enabled,
    ping: () => void pings++,
  };
  const keeper = new RegistrationKeeper(host, () => CONTACT, { refreshSeconds: 30, registerDeadlineMs: 5000, keepAliveSeconds: 3, keepAliveDeadlineMs: 2000 });
  // A connected UA is all the keeper asks of JsSIP here.
  const ua = { isConnected: () => true, on: () => undefined, registrator: () => ({ register: () => void registers++ }) };
  const socket = { isConnected: () => true, isConnecting: () => false, kill: (why: string) => void kills.push(why) };
  keeper.attach(ua as never, [socket as never]);
  return { keeper, facts, setEnabled: (v: boolean) => (enabled = v), pings: () => pings, registers: () => registers, kills };
}

/** A second of the ticker worker. */
function tickFor(k: ReturnType<typeof setup>, seconds: number): void {
  for (let i = 0; i < seconds; i++) {
    vi.advanceTimersByTime(1000);
    k.keeper.tick();
  }
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
    tickFor(k, 3);
    expect(k.pings()).toBe(1);
    const sentAt = Date.now();
    vi.advanceTimersByTime(2000); // nothing comes back
    const down = k.facts.find((f) => f.kind === 'transport');
    expect(down).toEqual({ kind: 'transport', at: sentAt, connected: false });
  });

  it('any answer proves the link: no alarm, and no keep-alive while the server talks', () => {
    const k = setup();
    k.keeper.onRegisterReply(good(1));
    tickFor(k, 3);
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

  it('counts a refresh as good only when the 200 OK lists our own contact', () => {
    const k = setup();
    k.keeper.onRegisterReply({ status: 200, reason: 'OK', cseq: 1, contacts: ['sip:someone-else@x.invalid;transport=ws'] });
    expect(k.facts).toMatchObject([{ kind: 'registration-failed', cause: 'Contact missing from 200 OK', status: 200 }]);
    expect(k.keeper.lastRegisteredAt).toBeNull();
    k.keeper.onRegisterReply(good(2));
    expect(k.facts.at(-1)?.kind).toBe('registered');
    expect(k.keeper.lastRegisteredAt).toBe(Date.now());
  });

  it('refreshes on its own period, one tick early, so a lost binding is back within one period', () => {
    const k = setup();
    k.keeper.onRegisterReply(good(1));
    k.keeper.onInbound(); // keep the keep-alive quiet for this test
    const before = k.registers();
    for (let i = 0; i < 28; i++) {
      vi.advanceTimersByTime(1000);
      k.keeper.onInbound();
      k.keeper.tick();
    }
    expect(k.registers()).toBe(before);
    vi.advanceTimersByTime(1000);
    k.keeper.onInbound();
    k.keeper.tick();
    expect(k.registers()).toBe(before + 1);
  });

  it('a REGISTER without a final answer within the deadline: the transport is dead, reconnect', () => {
    const k = setup();
    k.keeper.onRegisterReply(good(1));
    k.keeper.onRegisterSent(2);
    const sentAt = Date.now();
    vi.advanceTimersByTime(4999);
    expect(k.kills).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(k.facts.at(-1)).toEqual({ kind: 'transport', at: sentAt, connected: false });
    expect(k.kills).toEqual(['REGISTER deadline']);
  });

  it('retries a failing registration with a growing backoff, not on every tick', () => {
    const k = setup();
    k.keeper.refresh('first');
    k.keeper.onRegisterReply({ status: 503, reason: 'Service Unavailable', cseq: 1, contacts: [] });
    const times: number[] = [];
    let last = k.registers();
    for (let s = 0; s < 40; s++) {
      tickFor(k, 1);
      if (k.registers() > last) {
        times.push(s);
        last = k.registers();
        k.keeper.onRegisterReply({ status: 503, reason: 'Service Unavailable', cseq: 10 + s, contacts: [] });
      }
    }
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    expect(times.length).toBeGreaterThanOrEqual(3);
    expect(times.length).toBeLessThan(15);
    expect(gaps.at(-1)).toBeGreaterThan(gaps[0] as number);
  });

  it('no disruptive recovery during a call: deferred, then run when the call ends', () => {
    let inCall = true;
    const k = setup({ inCall: () => inCall });
    k.keeper.onRegisterReply(good(1));
    k.keeper.recover('watchdog');
    expect(k.kills).toEqual([]);
    tickFor(k, 2);
    expect(k.kills).toEqual([]);
    inCall = false;
    tickFor(k, 1);
    expect(k.kills).toEqual(['deferred during a call']);
  });

  it('a tick far too late means the machine slept: re-check at once', () => {
    const k = setup();
    k.keeper.onRegisterReply(good(1));
    k.keeper.onInbound();
    const before = k.registers();
    vi.advanceTimersByTime(15_000); // No tick for 15 s: the laptop lid was closed.
    k.keeper.onInbound();
    k.keeper.tick();
    expect(k.registers()).toBe(before + 1);
  });
});
