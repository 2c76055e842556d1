/**
 * Keeps the registration honest: refreshes it on a short period, counts a
 * refresh as good only when the 200 OK lists our own contact, and treats a
 * REGISTER with no final answer within a few seconds as a dead transport.
 *
 * Why not JsSIP's own refresh: it re-registers only every ~300–570 s, never
 * retries a failed registration, emits `registered` only on the first success,
 * ignores a 200 OK without our contact, and does nothing on `register()` while
 * a REGISTER is pending (which times out only after 32 s). So we own the
 * schedule (listening to `registrationExpiring` stops JsSIP's), watch the wire
 * (ObservedSocket), and recover by reconnecting the transport, never by
 * stopping the UA — and never while a call rings or is in progress.
 */
import type { UA } from 'jssip';
import type { EngineFact } from '../shared/engine-types';
import { createLogger } from '../shared/logger';
import { listsContact, type RegisterReplyInfo } from '../shared/sip-register-reply';
import type { ObservedSocket, SocketWatch } from './observed-socket';

const log = createLogger('registration');

export interface KeeperTuning {
  refreshSeconds: number;
  registerDeadlineMs: number;
  /** With nothing heard from the server for this long, ask it something cheap (SIP OPTIONS). */
  keepAliveSeconds: number;
  /** A keep-alive without any answer after this long means the link is dead. */
  keepAliveDeadlineMs: number;
}

export interface KeeperHost {
  report(fact: EngineFact): void;
  now(): number;
  /** False while a call rings or is in progress: no disruptive recovery then. */
  mayDisrupt(): boolean;
  enabled(): boolean;
  /** Sends the keep-alive request (an OPTIONS to the registrar's domain). */
  ping(): void;
}

/** A tick later than this after the previous one means the machine was asleep. */
const WAKE_UP_GAP_MS = 10_000;
/** The ticker's period (offscreen/index.ts): the schedule can be late by up to one tick. */
const TICK_SLACK_MS = 1000;

/** Capped, jittered exponential backoff that starts fast: ~1 s, 2 s, 4 s … up to `capMs`. */
export function retryDelayMs(failures: number, capMs: number, random: () => number = Math.random): number {
  const base = Math.min(capMs, 1000 * 2 ** Math.min(failures, 16));
  return Math.round(base * (0.5 + random() / 2));
}

export class RegistrationKeeper implements SocketWatch {
  private ua: UA | null = null;
  private sockets: ObservedSocket[] = [];
  private pending: { cseq: number; sentAt: number; timer: ReturnType<typeof setTimeout> } | null = null;
  private healthy = false;
  private lastGoodAt: number | null = null;
  private lastTickAt: number;
  /** When the next REGISTER is due (a refresh after success, a retry with backoff after failure). */
  private nextAttemptAt = 0;
  private failures = 0;
  /** A recovery we owe but held back because of a call. */
  private recoveryDeferred = false;
  /** When the server last sent anything (a reply, a request): proof the link lives. */
  private lastInboundAt: number;
  private ping: { sentAt: number; timer: ReturnType<typeof setTimeout> } | null = null;

  constructor(
    private readonly host: KeeperHost,
    private readonly contactUser: () => string,
    private tuning: KeeperTuning,
  ) {
    this.lastTickAt = host.now();
    this.lastInboundAt = host.now();
  }

  attach(ua: UA, sockets: ObservedSocket[]): void {
    this.detach();
    this.ua = ua;
    this.sockets = sockets;
    // Having a listener stops JsSIP from re-registering on its own timer.
    ua.on('registrationExpiring', () => this.refresh('expiring'));
  }

  detach(): void {
    this.clearPending();
    this.ua = null;
    this.sockets = [];
    this.healthy = false;
  }

  retune(tuning: KeeperTuning): void {
    this.tuning = tuning;
  }

  get lastRegisteredAt(): number | null {
    return this.lastGoodAt;
  }

  /** Switching on: whatever health we had, the worker waits for a fresh "registered". */
  expectFreshRegistration(): void {
    this.healthy = false;
  }

  get isHealthy(): boolean {
    return this.healthy;
  }

  /** Sends a REGISTER now (first registration, a refresh, or a re-check). */
  refresh(why: string): void {
    const ua = this.ua;
    if (!ua || !this.host.enabled()) return;
    if (!ua.isConnected()) return; // JsSIP is reconnecting; `connected` registers.
    if (this.pending) return; // Its deadline will judge it.
    log.debug('REGISTER', why);
    // Until an answer says otherwise, the next attempt is a retry with backoff.
    this.nextAttemptAt = this.host.now() + retryDelayMs(this.failures++, this.tuning.refreshSeconds * 1000);
    // Registrator.register() exists in JsSIP 3.x but is missing from its typings.
    (ua.registrator() as unknown as { register(): void }).register();
  }

  /**
   * The periodic tick (from the ticker worker, which hidden-page timer
   * throttling does not slow down). A tick far later than scheduled means the
   * machine slept: re-check at once.
   */
  tick(): void {
    const now = this.host.now();
    // Worker timers are not throttled, so a tick this late means the machine slept.
    const late = now - this.lastTickAt > WAKE_UP_GAP_MS;
    this.lastTickAt = now;
    if (late) log.info('woke up late; re-checking the registration');
    if (this.recoveryDeferred && this.host.mayDisrupt()) {
      this.recover('deferred during a call');
      return;
    }
    if (late || now >= this.nextAttemptAt) this.refresh(late ? 'wake-up' : 'period');
    else this.keepAlive(now);
  }

  /**
   * A silently dead link (the server frozen, the socket open) would otherwise
   * be found only at the next refresh, up to a period later. Between
   * refreshes, when the server has said nothing for a few seconds, ask it
   * something cheap; any answer at all proves the link (see `onInbound`).
   */
  private keepAlive(now: number): void {
    if (!this.healthy || this.pending || this.ping || !this.ua?.isConnected()) return;
    if (now - this.lastInboundAt < this.tuning.keepAliveSeconds * 1000) return;
    const sentAt = now;
    const timer = setTimeout(() => this.onPingDeadline(sentAt), this.tuning.keepAliveDeadlineMs);
    this.ping = { sentAt, timer };
    this.traffic.keepAlives += 1;
    this.host.ping();
  }

  private onPingDeadline(sentAt: number): void {
    if (this.ping?.sentAt !== sentAt) return;
    this.ping = null;
    log.warn(`no answer to a keep-alive within ${this.tuning.keepAliveDeadlineMs} ms: the link is dead`);
    this.markUnhealthy();
    // Dated when the unanswered request left: calls could not ring here since then at least.
    this.host.report({ kind: 'transport', at: sentAt, connected: false });
    this.recover('keep-alive deadline');
  }

  /** Reconnects the transport (JsSIP re-registers on `connected`), unless a call forbids it. */
  recover(reason: string): void {
    if (this.sockets.length === 0 || !this.host.enabled()) return;
    if (!this.host.mayDisrupt()) {
      this.recoveryDeferred = true;
      log.warn('recovery deferred until the call ends:', reason);
      return;
    }
    this.recoveryDeferred = false;
    log.warn('reconnecting the transport:', reason);
    this.clearPending();
    const live = this.sockets.find((s) => s.isConnected() || s.isConnecting()) ?? this.sockets[0];
    live?.kill(reason);
  }

  // --- SocketWatch ------------------------------------------------------------

  onRegisterSent(cseq: number): void {
    this.clearPending();
    const timer = setTimeout(() => this.onDeadline(cseq), this.tuning.registerDeadlineMs);
    this.pending = { cseq, sentAt: this.host.now(), timer };
  }

  onRegisterReply(reply: RegisterReplyInfo): void {
    if (reply.status < 200) return;
    if (this.pending?.cseq === reply.cseq) this.clearPending();
    if (reply.status === 401 || reply.status === 407) return; // The authenticated retry follows.
    if (reply.status >= 300) {
      // JsSIP reports the failure itself (registrationFailed); we only track health.
      this.markUnhealthy();
      return;
    }
    const isUnregister = reply.contacts.length === 0 && !this.host.enabled();
    if (isUnregister) {
      // We are no longer bound: the next good refresh (after switching on
      // again, even during a call) must be reported as registered.
      this.markUnhealthy();
      return;
    }
    if (listsContact(reply, this.contactUser())) {
      this.lastGoodAt = this.host.now();
      this.failures = 0;
      // One tick early, so that a binding lost right after a refresh is back within one period.
      this.nextAttemptAt = this.lastGoodAt + this.tuning.refreshSeconds * 1000 - TICK_SLACK_MS;
      if (!this.healthy) {
        this.healthy = true;
        this.host.report({ kind: 'registered', at: this.host.now() });
      }
      return;
    }
    // A 200 OK that does not list us: the registrar did not keep our binding.
    log.warn('REGISTER 200 OK without our contact');
    this.markUnhealthy();
    this.host.report({
      kind: 'registration-failed',
      at: this.host.now(),
      error: 'sip_registration_failed',
      cause: 'Contact missing from 200 OK',
      status: reply.status,
      reason: reply.reason,
    });
  }

  /** Signalling counters since the engine started: what the keep-alive costs is measured, not guessed. */
  readonly traffic = { bytesIn: 0, bytesOut: 0, keepAlives: 0 };

  onOutbound(bytes: number): void {
    this.traffic.bytesOut += bytes;
  }

  onInbound(bytes = 0): void {
    this.traffic.bytesIn += bytes;
    this.lastInboundAt = this.host.now();
    if (this.ping) clearTimeout(this.ping.timer);
    this.ping = null;
  }

  onConnectTimeout(): void {
    log.warn('WebSocket did not open in time');
    this.host.report({ kind: 'transport', at: this.host.now(), connected: false });
  }

  /** JsSIP says the transport closed (it reconnects by itself). */
  onTransportDown(): void {
    this.clearPending();
    this.markUnhealthy();
  }

  private onDeadline(cseq: number): void {
    if (this.pending?.cseq !== cseq) return;
    const sentAt = this.pending.sentAt;
    this.pending = null;
    log.warn(`no answer to REGISTER within ${this.tuning.registerDeadlineMs} ms: the transport is dead`);
    this.markUnhealthy();
    this.host.report({ kind: 'transport', at: sentAt, connected: false });
    this.recover('REGISTER deadline');
  }

  private markUnhealthy(): void {
    this.healthy = false;
  }

  private clearPending(): void {
    if (this.pending) clearTimeout(this.pending.timer);
    this.pending = null;
    if (this.ping) clearTimeout(this.ping.timer);
    this.ping = null;
  }
}
