/**
 * The phone engine: the JsSIP user agent, its WebSocket, REGISTER, the call,
 * the microphone and the audio. It executes what the service worker asks and
 * reports facts; it reads no storage and decides no policy.
 *
 * JsSIP lives here because only a document can hold a WebRTC call: its
 * incoming-INVITE path reads `window.RTCPeerConnection`, which a service
 * worker does not have (DESIGN section 3).
 */
import { UA } from 'jssip';
import type { IncomingResponse } from 'jssip/lib/SIPMessage';
import type { IncomingRTCSessionEvent, RTCSessionEvent } from 'jssip/lib/UA';
import type { CallEndReason, CallPhase } from '../shared/call-state';
import type { CallStats, EngineConfig, EngineFact, EngineRegistration, EngineState, MicStatus } from '../shared/engine-types';
import { fail, ok, type Result } from '../shared/errors';
import { createLogger } from '../shared/logger';
import { registrationErrorFor } from '../shared/sip-causes';
import { IncomingCall, type CallEvents } from './incoming-call';
import { acquireMicrophone, micPermission, releaseStream } from './microphone';
import { ObservedSocket } from './observed-socket';
import { RegistrationKeeper } from './registration-keeper';
import { Ringtone } from './ringtone';

const log = createLogger('engine');

/** How long disable() waits for the un-REGISTER's answer before closing anyway. */
const UNREGISTER_WAIT_MS = 2000;

export type FactSink = (fact: EngineFact) => void;

export class PhoneEngine {
  private ua: UA | null = null;
  private config: EngineConfig | null = null;
  private enabled = false;
  private registration: EngineRegistration = 'unregistered';
  private transportConnected = false;
  private sockets: ObservedSocket[] = [];
  private readonly keeper: RegistrationKeeper;
  private mic: MicStatus = 'unknown';
  private call: IncomingCall | null = null;
  /** A configuration change that needs a new UA, held back during a call. */
  private restartAfterCall = false;
  private readonly callEvents: CallEvents = {
    phase: (call, phase) => this.onCallPhase(call, phase),
    ended: (call, reason, cause) => this.onCallEnded(call, reason, cause),
    remoteAudio: (stream) => {
      this.remoteAudio.srcObject = stream;
      this.remoteAudio.play().catch((err: unknown) => log.warn('remote audio did not start', err));
    },
  };
  private readonly ringtone = new Ringtone();
  private readonly remoteAudio = new Audio();

  constructor(
    private readonly report: FactSink,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.remoteAudio.autoplay = true;
    this.keeper = new RegistrationKeeper(
      {
        report: (fact) => this.onKeeperFact(fact),
        now: this.now,
        mayDisrupt: () => this.call === null,
        enabled: () => this.enabled,
      },
      () => this.config?.contactUser ?? '',
      { refreshSeconds: 30, registerDeadlineMs: 5000 },
    );
  }

  /** The periodic tick (see ticker-worker.ts) and the browser's `online` event. */
  tick(): void {
    this.keeper.tick();
  }

  onOnline(): void {
    this.keeper.refresh('online');
  }

  /** The worker's watchdog found the registration stale: reconnect (never during a call). */
  recover(): Result {
    if (!this.enabled) return fail('engine_unavailable');
    this.keeper.recover('watchdog');
    return ok;
  }

  private onKeeperFact(fact: EngineFact): void {
    if (fact.kind === 'registered') this.registration = 'registered';
    if (fact.kind === 'registration-failed' || (fact.kind === 'transport' && !fact.connected)) this.registration = 'failed';
    this.report(fact);
  }

  /** Set by the entry file, which owns the ticker. */
  timerHealth: (() => EngineState['timers']) | null = null;

  state(): EngineState {
    return {
      timers: this.timerHealth?.() ?? null,
      configuredFor: this.config?.authorizationUser ?? null,
      enabled: this.enabled,
      registration: this.registration,
      transportConnected: this.transportConnected,
      mic: this.mic,
      call: this.call ? { ...this.call.view } : null,
      lastRegisteredAt: this.keeper.lastRegisteredAt,
    };
  }

  configure(config: EngineConfig): Result {
    const previous = this.config;
    this.config = config;
    this.keeper.retune({ refreshSeconds: config.refreshSeconds, registerDeadlineMs: config.registerDeadlineMs });
    if (!this.ua || !previous) return ok;
    if (onlyCredentialsDiffer(previous, config)) {
      // A renewed login: swap the credential in place, keeping the
      // registration and any call (JsSIP reads both on the next challenge).
      this.ua.set('authorization_user', config.authorizationUser);
      this.ua.set('password', config.password);
      return ok;
    }
    if (this.call) {
      this.restartAfterCall = true; // Applied when the call ends (onCallEnded).
      return ok;
    }
    this.restartUa();
    return ok;
  }

  async enable(): Promise<Result> {
    if (!this.config) return fail('engine_unavailable');
    const mic = await acquireMicrophone();
    if (!mic.ok) {
      if (mic.error !== 'mic_unavailable') this.setMic(mic.error === 'mic_denied' ? 'denied' : 'prompt');
      return fail(mic.error);
    }
    // Only a check that the grant works; the microphone is taken again while a call rings.
    releaseStream(mic.stream);
    this.setMic('granted');
    this.ringtone.prepare();
    this.enabled = true;
    try {
      if (!this.ua) this.startUa();
      else if (this.ua.isConnected()) this.register();
    } catch (err) {
      // JsSIP throws on a configuration it rejects (a bad URI, say).
      log.error('could not start the user agent', err);
      this.enabled = false;
      return fail('sip_registration_failed', { detail: err instanceof Error ? err.message : String(err) });
    }
    return ok;
  }

  async disable(): Promise<Result> {
    this.enabled = false;
    if (!this.ua) return ok;
    if (this.call) {
      // Never cut a call: stop taking new ones now, stop the agent when it ends.
      if (this.registration === 'registered') this.ua.unregister();
      return ok;
    }
    await this.stopUa();
    return ok;
  }

  /** The microphone grant changed (permissions API); a phone that cannot answer must not ring. */
  onMicPermission(status: MicStatus): void {
    this.setMic(status);
    if (status !== 'granted' && this.enabled && this.ua && this.registration === 'registered' && !this.call) {
      log.warn('microphone grant removed: unregistering');
      this.enabled = false;
      void this.stopUa();
    }
  }

  // --- user agent lifecycle -------------------------------------------------

  private startUa(): void {
    const config = this.config;
    if (!config) return;
    this.sockets = config.wsUris.map((uri) => new ObservedSocket(uri, this.keeper, config.connectTimeoutMs));
    const ua = new UA({
      sockets: this.sockets,
      uri: config.uri,
      authorization_user: config.authorizationUser,
      password: config.password,
      display_name: config.displayName,
      // Stable across document recreation and browser restarts: a re-registration
      // replaces our binding instead of leaving a ghost that still gets calls.
      instance_id: config.instanceId,
      contact_uri: `sip:${config.contactUser}@${contactHost(config.contactUser)};transport=ws`,
      register: false, // We register on each transport connect ourselves (below).
      register_expires: config.registerExpiresSeconds,
      session_timers: false,
      // JsSIP's reconnect backoff: random in [min, 2^attempt], capped; starts fast.
      connection_recovery_min_interval: 2,
      connection_recovery_max_interval: 30,
      user_agent: 'vPhone-Softphone/0.1 (JsSIP)',
    });
    ua.on('connected', () => {
      this.transportConnected = true;
      this.report({ kind: 'transport', at: this.now(), connected: true });
      this.keeper.refresh('connected');
    });
    ua.on('disconnected', () => {
      this.transportConnected = false;
      this.registration = 'unregistered';
      this.keeper.onTransportDown();
      this.report({ kind: 'transport', at: this.now(), connected: false });
    });
    ua.on('unregistered', () => {
      this.registration = 'unregistered';
      if (this.enabled) this.report({ kind: 'unregistered', at: this.now() });
    });
    ua.on('registrationFailed', (e: { response?: IncomingResponse | null; cause?: string }) => {
      this.registration = 'failed';
      const status = e.response?.status_code;
      this.report({
        kind: 'registration-failed',
        at: this.now(),
        error: registrationErrorFor(e.cause, status),
        cause: e.cause ?? 'unknown',
        status: status ?? null,
        reason: e.response?.reason_phrase ?? null,
      });
    });
    ua.on('newRTCSession', (e: RTCSessionEvent) => {
      if (e.originator === 'remote') this.onIncoming(e as IncomingRTCSessionEvent);
    });
    this.keeper.attach(ua, this.sockets);
    this.ua = ua;
    this.registration = 'unregistered';
    ua.start();
  }

  private register(): void {
    if (!this.ua) return;
    this.registration = 'registering';
    this.keeper.refresh('enable');
  }

  private async stopUa(): Promise<void> {
    const ua = this.ua;
    if (!ua) return;
    if (this.registration === 'registered' && ua.isConnected()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, UNREGISTER_WAIT_MS);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        ua.once('unregistered', done);
        ua.once('registrationFailed', done);
        ua.unregister();
      });
    }
    ua.removeAllListeners();
    this.keeper.detach();
    ua.stop();
    this.ua = null;
    this.registration = 'unregistered';
    this.transportConnected = false;
  }

  private restartUa(): void {
    void this.stopUa().then(() => {
      if (this.enabled) this.startUa();
    });
  }

  // --- calls ----------------------------------------------------------------

  private onIncoming({ session, request }: IncomingRTCSessionEvent): void {
    if (!this.enabled) {
      session.terminate({ status_code: 480, reason_phrase: 'Temporarily Unavailable' });
      return;
    }
    if (this.call) {
      // One call at a time; 486 lets the fork's other routes take this one.
      session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
      return;
    }
    const call = new IncomingCall(session, request, this.callEvents, this.now);
    this.call = call;
    // Tell the worker first (its notification takes the longest), then ring;
    // the call has already started taking the microphone for a fast Answer.
    this.report({ kind: 'call-incoming', at: this.now(), call: { ...call.view } });
    this.ringtone
      .start()
      .then(() => {
        if (this.call === call && call.phase === 'ringing') this.report({ kind: 'call-ringtone', at: this.now(), callId: call.id });
      })
      .catch((err: unknown) => log.warn('ringtone did not start', err));
  }

  async answer(callId: string): Promise<Result> {
    const call = this.callWithId(callId);
    if (!call) return fail('no_such_call');
    if (call.phase !== 'ringing') return ok;
    // Re-check the grant: it may have been revoked since the phone was enabled.
    const permission = await micPermission();
    if (permission === 'denied' || permission === 'prompt') {
      this.setMic(permission);
      return fail(permission === 'denied' ? 'mic_denied' : 'mic_not_granted');
    }
    return call.answer(this.config?.iceServers ?? []);
  }

  /** Decline while ringing, hang up otherwise: both are "end this call" for the agent. */
  hangup(callId: string): Result {
    const call = this.callWithId(callId);
    if (!call) return fail('no_such_call');
    call.hangUpOrDecline();
    return ok;
  }

  async stats(): Promise<CallStats | null> {
    return this.call ? this.call.stats() : null;
  }

  private callWithId(callId: string): IncomingCall | null {
    return this.call?.id === callId ? this.call : null;
  }

  private onCallPhase(call: IncomingCall, phase: CallPhase): void {
    if (phase === 'answering') this.ringtone.stop();
    this.report({ kind: 'call-phase', at: this.now(), callId: call.id, phase });
  }

  private onCallEnded(call: IncomingCall, reason: CallEndReason, cause: string): void {
    if (this.call !== call) return;
    this.call = null;
    this.ringtone.stop();
    this.remoteAudio.srcObject = null;
    this.report({ kind: 'call-ended', at: this.now(), callId: call.id, reason, cause });
    if (!this.enabled) {
      void this.stopUa();
    } else if (this.restartAfterCall) {
      this.restartAfterCall = false;
      this.restartUa();
    } else {
      this.keeper.tick(); // Runs a recovery that was held back during the call.
    }
  }

  private setMic(status: MicStatus): void {
    if (this.mic === status) return;
    this.mic = status;
    this.report({ kind: 'mic', at: this.now(), status });
  }
}

function onlyCredentialsDiffer(a: EngineConfig, b: EngineConfig): boolean {
  const strip = (c: EngineConfig) => JSON.stringify({ ...c, authorizationUser: '', password: '' });
  return strip(a) === strip(b);
}

/** A contact host that never resolves: the server reaches us through the WebSocket (alias). */
function contactHost(contactUser: string): string {
  return `${contactUser}.invalid`;
}
