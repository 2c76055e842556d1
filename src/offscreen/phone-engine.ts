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
import type { RTCSessionEvent } from 'jssip/lib/UA';
import { type CallOp, type CallStats, type EngineConfig, type EngineFact, type EngineRegistration, type EngineSettings, type EngineState, type MicStatus } from '../shared/engine-types';
import { fail, ok, type Result } from '../shared/errors';
import { createLogger } from '../shared/logger';
import { registrationErrorFor } from '../shared/sip-causes';
import { sipDomainOf } from '../shared/transfer-target';
import { webCallAlerts, type CallAlerts } from '../platform/call-alerts';
import { CallDesk } from './call-desk';
import type { DeviceLister } from './audio-devices';
import { acquireMicrophone, micPermission, releaseStream } from './microphone';
import { ObservedSocket, type InnerSocket } from './observed-socket';
import { RegistrationKeeper } from './registration-keeper';

const log = createLogger('engine');

/** How long disable() waits for the un-REGISTER's answer before closing anyway. */
const UNREGISTER_WAIT_MS = 2000;
/** Call quality is sampled every this many ticks (1 s each). */
const QUALITY_EVERY_TICKS = 2;

export type FactSink = (fact: EngineFact) => void;

/**
 * What the engine needs from the world, injectable so that the registration
 * logic runs in unit tests against a fake registrar (test/unit/offscreen/
 * phone-engine.test.ts) instead of only in multi-minute browser runs.
 */
export interface EngineDeps {
  /** The socket under each observed one (default: JsSIP's WebSocketInterface). */
  innerSocket?: (url: string) => InnerSocket;
  microphone?: { acquire: typeof acquireMicrophone; permission: typeof micPermission };
  /** Call notifications (default: web notifications through the extension's worker registration). */
  alerts?: CallAlerts;
  /** Media devices (default: navigator.mediaDevices; null: none). */
  media?: DeviceLister | null;
}

export class PhoneEngine {
  private ua: UA | null = null;
  private config: EngineConfig | null = null;
  private enabled = false;
  private registration: EngineRegistration = 'unregistered';
  private transportConnected = false;
  private sockets: ObservedSocket[] = [];
  private readonly keeper: RegistrationKeeper;
  private mic: MicStatus = 'unknown';
  private readonly calls: CallDesk;
  /** A configuration change that needs a new UA, held back during a call. */
  private restartAfterCall = false;
  private ticks = 0;

  constructor(
    private readonly report: FactSink,
    /** Asks the worker for the SIP credential of the current session. */
    private readonly fetchCredential: () => Promise<{ authorizationUser: string; password: string } | null>,
    private readonly now: () => number = () => Date.now(),
    private readonly deps: EngineDeps = {},
  ) {
    this.calls = new CallDesk({
      report: (fact) => this.report(fact),
      now: this.now,
      enabled: () => this.enabled,
      config: () => this.config,
      micPermission: async () => {
        // Re-checked before answering: the grant may have been revoked since the phone was enabled.
        const status = await (this.deps.microphone?.permission ?? micPermission)();
        if (status === 'denied' || status === 'prompt') this.setMic(status);
        return status;
      },
      idle: () => this.onIdle(),
      alerts: deps.alerts ?? webCallAlerts,
      media: deps.media !== undefined ? deps.media : typeof navigator !== 'undefined' && navigator.mediaDevices ? navigator.mediaDevices : null,
    });
    this.keeper = new RegistrationKeeper(
      {
        report: (fact) => this.onKeeperFact(fact),
        now: this.now,
        mayDisrupt: () => this.calls.size === 0,
        enabled: () => this.enabled,
        ping: () => this.sendKeepAlive(),
      },
      () => this.config?.contactUser ?? '',
      { refreshSeconds: 30, registerDeadlineMs: 5000, keepAliveSeconds: 3, keepAliveDeadlineMs: 2000 },
    );
  }

  /** How often to keep the worker up (0: not at all): only while calls can ring here. */
  heartbeatSeconds(): number {
    return this.enabled ? (this.config?.workerHeartbeatSeconds ?? 0) : 0;
  }

  /** The periodic tick (see ticker-worker.ts) and the browser's `online` event. */
  tick(): void {
    this.keeper.tick();
    this.ticks += 1;
    if (this.ticks % QUALITY_EVERY_TICKS === 0) {
      this.calls.sampleQuality();
    }
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
      calls: this.calls.views(),
      lastRegisteredAt: this.keeper.lastRegisteredAt,
      traffic: { ...this.keeper.traffic },
    };
  }

  /**
   * The worker pushes everything but the SIP password; the engine asks for it
   * (the answer to a request reaches the requester alone, while a pushed
   * message would reach every extension page).
   */
  async configure(settings: EngineSettings): Promise<Result> {
    const credential = await this.fetchCredential().catch(() => null);
    if (!credential || credential.authorizationUser !== settings.authorizationUser) return fail('engine_unavailable', { detail: 'no credential for these settings' });
    const config: EngineConfig = { ...settings, password: credential.password };
    const previous = this.config;
    this.config = config;
    if (config.audio) this.calls.applyAudio(config.audio);
    this.keeper.retune({
      refreshSeconds: config.refreshSeconds,
      registerDeadlineMs: config.registerDeadlineMs,
      keepAliveSeconds: config.keepAliveSeconds,
      keepAliveDeadlineMs: config.keepAliveDeadlineMs,
    });
    if (!this.ua || !previous) return ok;
    if (sameUserAgent(previous, config)) return ok; // Call preferences apply to the next command.
    if (onlyCredentialsDiffer(previous, config)) {
      // A renewed login: swap the credential in place, keeping the
      // registration and any call (JsSIP reads both on the next challenge).
      this.ua.set('authorization_user', config.authorizationUser);
      this.ua.set('password', config.password);
      return ok;
    }
    if (this.calls.size > 0) {
      this.restartAfterCall = true; // Applied when the last call ends (onCallEnded).
      return ok;
    }
    this.restartUa();
    return ok;
  }

  async enable(): Promise<Result> {
    if (!this.config) return fail('engine_unavailable');
    const mic = await (this.deps.microphone?.acquire ?? acquireMicrophone)();
    if (!mic.ok) {
      if (mic.error !== 'mic_unavailable') this.setMic(mic.error === 'mic_denied' ? 'denied' : 'prompt');
      return fail(mic.error);
    }
    // Only a check that the grant works; the microphone is taken again while a call rings.
    releaseStream(mic.stream);
    this.setMic('granted');
    this.calls.prepare();
    this.enabled = true;
    this.keeper.expectFreshRegistration();
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
    if (this.calls.size > 0) {
      // "Softphone off" means "no calls here": a call still ringing is declined
      // (486, so its other routes take it at once); a call in progress is never
      // cut. Stop taking new ones now, stop the user agent when the last ends.
      this.calls.declineRinging();
      if (this.registration === 'registered') this.ua.unregister();
      return ok;
    }
    await this.stopUa();
    return ok;
  }

  /** The microphone grant changed (permissions API); a phone that cannot answer must not ring. */
  onMicPermission(status: MicStatus): void {
    this.setMic(status);
    if (status !== 'granted' && this.enabled && this.ua && this.registration === 'registered' && this.calls.size === 0) {
      log.warn('microphone grant removed: unregistering');
      this.enabled = false;
      void this.stopUa();
    }
  }

  // --- user agent lifecycle -------------------------------------------------

  private startUa(): void {
    const config = this.config;
    if (!config) return;
    this.sockets = config.wsUris.map((uri) => new ObservedSocket(uri, this.keeper, config.connectTimeoutMs, this.deps.innerSocket?.(uri)));
    const ua = new UA({
      // The provider lists its edges primary first (DESIGN section 5): JsSIP tries the
      // heaviest first and the next on failure (equal weights would pick at random).
      sockets: this.sockets.map((socket, i, all) => ({ socket, weight: all.length - i })),
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
      // A call still ringing came over that socket: its answer could never reach
      // the caller, so it must not keep ringing (nor keep the line busy).
      this.calls.abandonRinging();
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
      if (e.originator === 'remote') this.calls.onIncoming(e);
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

  /** An OPTIONS to the registrar's domain: the cheapest request every SIP server answers. */
  private sendKeepAlive(): void {
    const domain = sipDomainOf(this.config?.uri ?? '');
    if (!this.ua || !domain) return;
    try {
      // UA.sendOptions() exists in JsSIP 3.x but is missing from its typings.
      (this.ua as unknown as { sendOptions(target: string, body: null, options: object): void }).sendOptions(`sip:${domain}`, null, { eventHandlers: {} });
    } catch (err) {
      log.warn('keep-alive not sent', err);
    }
  }

  /** Every control the agent has over a call, behind one command. */
  callOp(callId: string, op: CallOp): Promise<Result> {
    return this.calls.callOp(callId, op);
  }

  stats(callId: string): Promise<CallStats | null> {
    return this.calls.stats(callId);
  }

  /** The last call ended: run what waited for an idle phone. */
  private onIdle(): void {
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

/** The config without what never needs a new user agent (call preferences, the keeper's tuning), and optionally without the credential. */
function userAgentPart(c: EngineConfig, withCredential: boolean): string {
  const blank = { calls: null, engineNotifies: null, alertWords: null, workerHeartbeatSeconds: 0, audio: null, micWhileRinging: null, refreshSeconds: 0, registerDeadlineMs: 0, keepAliveSeconds: 0, keepAliveDeadlineMs: 0 };
  return JSON.stringify({ ...c, ...blank, ...(withCredential ? {} : { authorizationUser: '', password: '' }) });
}

/** Nothing the user agent was built from changed. */
function sameUserAgent(a: EngineConfig, b: EngineConfig): boolean {
  return userAgentPart(a, true) === userAgentPart(b, true);
}

function onlyCredentialsDiffer(a: EngineConfig, b: EngineConfig): boolean {
  return userAgentPart(a, false) === userAgentPart(b, false);
}

/** A contact host that never resolves: the server reaches us through the WebSocket (alias). */
function contactHost(contactUser: string): string {
  return `${contactUser}.invalid`;
}
