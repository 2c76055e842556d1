/**
 * The registration supervisor: keeps the phone engine in line with the session
 * and the agent's intent (softphone on/off), and turns the engine's facts into
 * the registration state the agent sees.
 *
 * It never assumes a fresh start: after a worker restart it rediscovers the
 * offscreen document, asks the engine for its state and resyncs. Operations on
 * the engine run one at a time (SerialQueue), so a toggle during sign-in or a
 * watchdog tick during a user action cannot interleave.
 */
import type { AudioPreferences } from '../shared/audio-preferences';
import type { CallPreferences, EngineFact, EngineSettings, EngineState } from '../shared/engine-types';
import { hasAnyCall } from '../shared/snapshot';
import { fail, ok, type Result } from '../shared/errors';
import { isExpiredCredential } from '../shared/sip-causes';
import { whereCallsGo } from '../shared/text';
import { t, timeOfDay } from '../shared/i18n';
import { createLogger } from '../shared/logger';
import { SerialQueue } from '../shared/serial-queue';
import { staleAfterMs, type PhoneTuning } from '../shared/tuning';
import { accountKey, type Ports, type StoredSession } from './ports';
import { engineSettings, readAudioPreferences, readCallPreferences, readTuning } from './engine-settings';
import type { SnapshotStore } from './snapshot-store';

const log = createLogger('supervisor');

export const SESSION_NOTICE = 'session';
const FRESH_CHECK_INTERVAL_MS = 5000;
export const SESSION_WARNING_NOTICE = 'session-warning';

export class PhoneSupervisor {
  private readonly queue = new SerialQueue();
  /** Open the permission page at most once per enable attempt, not on every watchdog tick. */
  private permissionPageOffered = false;
  private lastFreshCheck = 0;
  /** The expiry we already warned about (one warning per credential). */
  private warnedFor: number | null = null;
  /** An expiry seen during a call, handled when the call ends (why it expired). */
  private expiryAfterCall: string | null = null;

  constructor(
    private readonly ports: Ports,
    private readonly store: SnapshotStore,
    /** The engine's calls after a resync (the CallHandler adopts them). */
    private readonly onEngineCalls: (calls: EngineState['calls']) => void = () => undefined,
  ) {
    store.onChange((next, prev) => {
      if (!hasAnyCall(prev) || hasAnyCall(next) || this.expiryAfterCall === null) return;
      const why = this.expiryAfterCall;
      this.expiryAfterCall = null;
      void Promise.resolve().then(() => this.expireSession(`${why} (during a call, now over)`));
    });
  }

  /** The agent switched the softphone on or off. */
  async setEnabled(enabled: boolean): Promise<Result> {
    const s = this.store.get();
    if (s.login !== 'signed-in' || !s.account) return fail('not_signed_in');
    await this.ports.local.set({ softphoneIntent: { accountKey: accountKey(s.account), enabled } });
    this.store.update((cur) => ({ ...cur, softphoneEnabled: enabled }));
    if (enabled) this.permissionPageOffered = false;
    return this.reconcile(enabled ? 'user-enable' : 'user-disable');
  }

  /** Brings the engine in line with the session and intent. Safe to call any time. */
  reconcile(reason: string): Promise<Result> {
    return this.queue.run(() => this.reconcileNow(reason)).catch((err: unknown) => {
      // Never leave the agent looking at "Connecting…" forever: an engine that
      // cannot be reached or throws is a state with a reason; the watchdog retries.
      log.error('reconcile failed', reason, err);
      const state = this.store.get().registration;
      if (state === 'registering' || state === 'recovering' || state === 'registered') this.store.transition('failed', 'engine_unavailable');
      return fail('engine_unavailable', { detail: String(err) });
    });
  }

  private async wantsPhone(): Promise<StoredSession | null> {
    const s = this.store.get();
    if (s.login !== 'signed-in' || !s.softphoneEnabled || s.registration === 'session-expired') return null;
    return (await this.ports.local.get('session')) ?? null;
  }

  private async reconcileNow(reason: string): Promise<Result> {
    const session = await this.wantsPhone();
    if (!session) {
      if (await this.ports.engine.exists()) await this.ports.engine.request('engine-disable', {});
      if (this.store.get().registration !== 'session-expired') this.store.transition('disable');
      return ok;
    }

    const created = await this.ports.engine.ensure();
    const engine = created ? null : await this.ports.engine.request('engine-state', {});
    if (engine) this.resyncFrom(engine);

    if (!engine || engine.configuredFor !== session.sip.authorizationUser) {
      const configured = await this.ports.engine.request('engine-configure', {
        config: await this.engineConfig(session),
      });
      if (!configured.ok) return this.failed(configured.error);
    }
    if (engine?.enabled && engine.registration === 'registered' && engine.configuredFor === session.sip.authorizationUser) {
      return ok; // Already good: resyncFrom() set the state.
    }

    this.store.transition('enable');
    const enabled = await this.ports.engine.request('engine-enable', {});
    if (enabled.ok) return ok;
    if (enabled.error === 'mic_not_granted' || enabled.error === 'mic_denied') {
      this.store.transition('mic-missing', enabled.error);
      if (!this.permissionPageOffered) {
        this.permissionPageOffered = true;
        log.info('microphone not granted; opening the permission page', reason);
        await this.ports.ui.openPermissionPage();
      }
      return enabled;
    }
    return this.failed(enabled.error);
  }

  private failed(error: Parameters<typeof fail>[0]): Result {
    this.store.transition('failed', error);
    return fail(error);
  }

  /** Adopts what a running engine knows (after a worker restart). */
  private resyncFrom(engine: EngineState): void {
    const s = this.store.get();
    if (engine.enabled && engine.registration === 'registered' && s.registration !== 'registered' && s.registration !== 'mic-needed') {
      this.store.transition('registered'); // Adopted as it is: no passage through "registering".
    }
    this.onEngineCalls(engine.calls);
  }

  private engineConfig(session: StoredSession): Promise<EngineSettings> {
    return engineSettings(this.ports, session);
  }

  audioPreferences(): Promise<AudioPreferences> {
    return readAudioPreferences(this.ports.local);
  }

  /** The options page chose a device, ringtone or volume: applied live by the engine, never re-registering. */
  async setAudioPreferences(preferences: AudioPreferences): Promise<Result> {
    await this.ports.local.set({ audioPreferences: preferences });
    return this.pushConfig();
  }

  callPreferences(): Promise<CallPreferences> {
    return readCallPreferences(this.ports.local);
  }

  /** The options page changed call waiting or the DTMF transport: the engine takes it without re-registering. */
  async setCallPreferences(preferences: CallPreferences): Promise<Result> {
    await this.ports.local.set({ callPreferences: preferences });
    return this.pushConfig();
  }

  /** Sends the engine its configuration again (preferences or tuning changed); never re-registers for that. */
  pushConfig(): Promise<Result> {
    return this.queue.run(async () => {
      const session = await this.wantsPhone();
      if (!session || !(await this.ports.engine.exists())) return ok;
      return this.ports.engine.request('engine-configure', { config: await this.engineConfig(session) });
    });
  }

  tuning(): Promise<PhoneTuning> {
    return readTuning(this.ports.local);
  }

  /** Registration facts from the engine. Call facts go to the CallHandler. */
  onRegistrationFact(fact: EngineFact): void {
    const s = this.store.get();
    const active = s.login === 'signed-in' && s.softphoneEnabled;
    switch (fact.kind) {
      case 'registered':
        if (active) this.store.transition('registered');
        return;
      case 'unregistered':
        // JsSIP says "unregistered" when its socket closes (the only way a live
        // binding goes while enabled): the reason is the transport, not a refusal.
        if (active && s.registration !== 'mic-needed') this.store.transition('lost', 'sip_transport_error');
        return;
      case 'registration-failed':
        if (!active) return;
        if (isExpiredCredential(fact.status ?? undefined, fact.reason ?? undefined)) {
          void this.expireSession('the server refused the expired credential');
          return;
        }
        this.store.transition('failed', fact.error);
        return;
      case 'transport':
        // JsSIP reports "unregistered" as the socket closes; the closed socket is the real reason.
        if (!fact.connected && active && (s.registration === 'registered' || s.registration === 'recovering' || s.registration === 'registering')) {
          // Dated by the engine: a dead link found by a deadline was dead since its request left.
          this.store.transition('lost', 'sip_transport_error', fact.at);
        }
        return;
      case 'mic':
        if (!active) return;
        if (fact.status === 'denied' || fact.status === 'prompt') {
          this.store.transition('mic-missing', fact.status === 'denied' ? 'mic_denied' : 'mic_not_granted');
          // The engine stops registering on its own when the grant is gone; the
          // notification (see ConnectionNotices) offers the permission page.
        } else if (fact.status === 'granted' && s.registration === 'mic-needed') {
          this.store.transition('mic-granted');
          void this.reconcile('mic-granted');
        }
        return;
      default:
        return;
    }
  }

  /**
   * The login timed out (rule R10): the credential is useless now. Say so, and
   * close the transport so the server drops the binding — an expired credential
   * cannot unregister, and a live binding would ring a phone that says it
   * cannot ring. A call in progress is not cut (the engine keeps it). The
   * agent's on/off choice is kept, so signing in again restores it.
   */
  async expireSession(why: string): Promise<void> {
    const s = this.store.get();
    if (s.login !== 'signed-in' || s.registration === 'session-expired') return;
    if (hasAnyCall(s)) {
      // Signing out now would take the call's controls away from the popup:
      // the call goes on (the server keeps the binding until it ends).
      if (this.expiryAfterCall === null) log.warn('session expired during a call; handled when it ends:', why);
      this.expiryAfterCall = why;
      return;
    }
    log.warn('session expired:', why);
    await this.ports.local.remove('session');
    this.store.transition('expired', 'session_expired');
    // A warning about an expiry that has happened would only contradict this notice.
    await this.ports.notifier.clear(SESSION_WARNING_NOTICE);
    this.store.update((cur) => ({ ...cur, login: 'signed-out', loginError: 'session_expired' }));
    // Tell the agent first; closing the transport may wait on the server.
    await this.ports.notifier.show(SESSION_NOTICE, {
      title: t('sessionExpiredTitle'),
      message: `${t('sessionExpiredMessage')} ${whereCallsGo(s.routing)}`,
      buttons: [t('signIn')],
      requireInteraction: true,
      priority: 2,
    });
    await this.reconcile('session-expired');
  }

  /**
   * Ahead of expiry, offer to stay signed in: the agent re-enters the password
   * (never stored) and the new credential is swapped in without dropping the
   * registration or a call (see PhoneEngine.configure).
   */
  async warnBeforeExpiry(expiresAt: number): Promise<void> {
    const left = expiresAt - this.ports.now();
    if (left > (await this.tuning()).sessionWarningMinutes * 60_000 || this.warnedFor === expiresAt) return;
    this.warnedFor = expiresAt;
    const at = timeOfDay(expiresAt);
    await this.ports.notifier.show(SESSION_WARNING_NOTICE, {
      title: t('sessionEndsTitle', at),
      message: t('sessionEndsMessage'),
      buttons: [t('staySignedIn')],
      requireInteraction: true,
      priority: 1,
    });
  }

  /** The permission page reports the agent's answer to the microphone prompt. */
  async onMicResult(granted: boolean): Promise<Result> {
    if (!granted) {
      if (this.store.get().softphoneEnabled) this.store.transition('mic-missing', 'mic_denied');
      return ok;
    }
    if (this.store.get().registration === 'mic-needed') this.store.transition('mic-granted');
    return this.reconcile('mic-granted');
  }

  /** A new credential (sign-in or "Stay signed in"): an expiry held back during a call is void. */
  sessionRenewed(): void {
    this.expiryAfterCall = null;
  }

  /**
   * The one action that can fix "cannot receive calls": the microphone page,
   * or a reconnect now (the notification's button and the popup's).
   */
  async fixConnection(): Promise<Result> {
    if (this.store.get().registration === 'mic-needed') {
      await this.ports.ui.openPermissionPage();
      return ok;
    }
    const result = await this.reconcile('user-reconnect');
    if (result.ok && (await this.ports.engine.exists())) return this.ports.engine.request('engine-recover', {});
    return result;
  }

  /**
   * Before the popup shows "Ready", make sure it is still true: the engine
   * reports changes, not every refresh, and the alarm runs once a minute.
   * At most once every few seconds (pages poll the snapshot).
   */
  async verifyFresh(): Promise<void> {
    const now = this.ports.now();
    if (this.store.get().registration !== 'registered' || now - this.lastFreshCheck < FRESH_CHECK_INTERVAL_MS) return;
    this.lastFreshCheck = now;
    if (!(await this.ports.engine.exists())) {
      this.store.transition('lost', 'engine_unavailable');
      void this.reconcile('fresh-check');
      return;
    }
    const engine = await this.ports.engine.request('engine-state', {});
    const stale = engine.lastRegisteredAt === null || now - engine.lastRegisteredAt > staleAfterMs(await this.tuning());
    if (stale && engine.calls.length === 0 && this.store.get().registration === 'registered') {
      this.store.transition('lost', 'sip_transport_error');
      await this.ports.engine.request('engine-recover', {});
    }
  }

  /**
   * The engine's document closed (its liveness port disconnected): if it is
   * really gone, calls cannot ring here — say so and recreate it now.
   */
  async engineGone(): Promise<void> {
    if (await this.ports.engine.exists()) return; // Only the port went (the engine reconnects with its next fact).
    log.warn('the phone engine document is gone; recreating it');
    const s = this.store.get().registration;
    if (s === 'registered' || s === 'registering') this.store.transition('lost', 'engine_unavailable');
    await this.reconcile('engine-gone');
  }

  /** The periodic watchdog (chrome.alarms): re-check that the engine matches the intent. */
  async watchdog(): Promise<void> {
    // The login ends at expiresAt whether or not the softphone is on; when it
    // is off there is no REGISTER refresh for the server to refuse.
    const signedIn = this.store.get().login === 'signed-in' ? await this.ports.local.get('session') : undefined;
    if (signedIn && Date.parse(signedIn.sip.expiresAt) <= this.ports.now()) {
      await this.expireSession('expiresAt passed');
      return;
    }
    const session = await this.wantsPhone();
    if (!session) return;
    const expiresAt = Date.parse(session.sip.expiresAt);
    await this.warnBeforeExpiry(expiresAt);
    if (!(await this.ports.engine.exists())) {
      log.warn('watchdog: the offscreen document is gone; recreating it');
      await this.reconcile('watchdog-recreate');
      return;
    }
    const engine = await this.ports.engine.request('engine-state', {});
    if (!engine.enabled || engine.configuredFor !== session.sip.authorizationUser) {
      await this.reconcile('watchdog');
      return;
    }
    // The engine refreshes on its own; if its last good refresh is stale, it
    // is stuck (or its timers are): make it reconnect, never during a call.
    const stale = engine.lastRegisteredAt === null || this.ports.now() - engine.lastRegisteredAt > staleAfterMs(await this.tuning());
    if (stale && engine.calls.length === 0) {
      log.warn('watchdog: registration is stale; asking the engine to reconnect');
      if (this.store.get().registration === 'registered') this.store.transition('lost', 'sip_transport_error');
      await this.ports.engine.request('engine-recover', {});
    }
  }
}
