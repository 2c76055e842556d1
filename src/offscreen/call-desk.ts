/**
 * The engine's calls: which INVITEs may ring (480 when off, 488 for an offer
 * that could never be answered, 486 when busy), the call book, the ringtone
 * that follows the calls, and every control behind one command. The phone
 * engine owns the user agent and the registration; this owns what rings.
 */
import type { IncomingRTCSessionEvent } from 'jssip/lib/UA';
import type { CallEndReason } from '../shared/call-state';
import { DEFAULT_CALL_PREFERENCES, type CallOp, type CallStats, type EngineCall, type EngineConfig, type EngineFact, type MicStatus } from '../shared/engine-types';
import { fail, ok, type Result } from '../shared/errors';
import { createLogger } from '../shared/logger';
import { offersAudio } from '../shared/sdp-check';
import { SerialQueue } from '../shared/serial-queue';
import { sipDomainOf, transferUri } from '../shared/transfer-target';
import { CallBook } from './call-book';
import { IncomingCall, type CallEnvironment, type CallEvents } from './incoming-call';
import { Ringtone } from './ringtone';
import { AudioDevices, type DeviceLister } from './audio-devices';
import { acquireMicrophone } from './microphone';
import type { AudioDeviceKind, AudioPreferences } from '../shared/audio-preferences';
import type { CallAlerts } from '../platform/call-alerts';
import { callNotification } from '../shared/text';
import type { CallAlertWords } from '../shared/engine-types';
import { callNotificationId } from '../shared/call-state';

const log = createLogger('calls');

export interface DeskHost {
  report(fact: EngineFact): void;
  now(): number;
  /** The softphone is on: calls may ring. */
  enabled(): boolean;
  config(): EngineConfig | null;
  /** The microphone grant, re-checked before answering (it may have been revoked). */
  micPermission(): Promise<MicStatus>;
  /** The last call ended: what waited for an idle phone may run. */
  idle(): void;
  /** The call's notification, shown from here (platform/call-alerts.ts). */
  alerts: CallAlerts;
  /** The browser's media devices (null in a unit test without them). */
  media: DeviceLister | null;
}

export class CallDesk {
  private readonly book = new CallBook();
  /** Answer and resume may hold another call first: one such sequence at a time. */
  private readonly switching = new SerialQueue();
  private readonly ringtone = new Ringtone();
  private readonly events: CallEvents = {
    changed: (call) => this.onCallChanged(call),
    ended: (call, reason, cause) => this.onCallEnded(call, reason, cause),
  };
  private readonly env: CallEnvironment;

  private readonly devices: AudioDevices;
  private audio: AudioPreferences | null = null;

  constructor(private readonly host: DeskHost) {
    this.devices = new AudioDevices(host.media, (device) => host.report({ kind: 'device-fallback', at: host.now(), device }));
    this.devices.onChange((kind, id) => this.onDeviceChange(kind, id));
    this.env = {
      now: host.now,
      newId: () => crypto.randomUUID(),
      createSpeaker: () => new Audio(),
      microphone: async () => acquireMicrophone(await this.devices.use('microphone')),
      speakerId: async () => (await this.devices.use('speaker')) ?? '',
      micWhileRinging: () => this.host.config()?.micWhileRinging ?? false,
    };
  }

  /** The agent's devices and ringtone (from the config): applied at once, to the calls in progress too. */
  applyAudio(audio: AudioPreferences): void {
    if (this.audio && JSON.stringify(this.audio) === JSON.stringify(audio)) return;
    this.audio = audio;
    this.ringtone.configure(audio.ringtone, audio.ringVolume);
    this.devices.set(audio);
  }

  private onDeviceChange(kind: AudioDeviceKind, id: string | null): void {
    if (kind === 'ringer') return void this.ringtone.setOutput(id ?? '').catch((err: unknown) => log.warn('ringer output', err));
    for (const call of this.book.all()) {
      if (kind === 'speaker') void call.setSpeaker(id ?? '');
      else void call.switchMicrophone();
    }
  }

  get size(): number {
    return this.book.size;
  }

  views(): EngineCall[] {
    return this.book.all().map((c) => c.view);
  }

  /** Creates the audio context ahead of the first call (switching on). */
  prepare(): void {
    this.ringtone.prepare();
  }

  private get preferences() {
    return this.host.config()?.calls ?? DEFAULT_CALL_PREFERENCES;
  }

  onIncoming({ session, request }: IncomingRTCSessionEvent): void {
    if (!this.host.enabled()) {
      session.terminate({ status_code: 480, reason_phrase: 'Temporarily Unavailable' });
      return;
    }
    if (!offersAudio(request.body)) {
      // Could never be answered (no or broken offer): never ring for it.
      session.terminate({ status_code: 488, reason_phrase: 'Not Acceptable Here' });
      return;
    }
    const admission = this.book.admit(this.preferences.callWaiting);
    if (admission === 'busy') {
      // 486 lets the fork's other routes (forwarding, voicemail) take this one.
      session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
      return;
    }
    const call = new IncomingCall(session, request, this.events, this.env);
    this.book.add(call);
    const waiting = admission === 'waiting';
    // The worker hears of the call first (its notification is the ring for an
    // agent whose popup is closed), or, with `engineNotifies`, the notification
    // is shown from here (measured no faster: see docs/ARCHITECTURE.md); then
    // the ringtone. The microphone waits for Answer.
    // Without the words in the agent's language (they come from the worker), the worker shows it.
    const words = this.host.config()?.engineNotifies ? this.host.config()?.alertWords : undefined;
    if (!words) {
      this.host.report({ kind: 'call-incoming', at: this.host.now(), call: call.view, waiting, engineNotifies: false });
    } else {
      this.notify(call, waiting, words);
    }
    this.ringtone
      .start(waiting ? 'waiting' : 'ring')
      .then(() => {
        if (this.book.get(call.id) === call && call.phase === 'ringing') this.host.report({ kind: 'call-ringtone', at: this.host.now(), callId: call.id });
      })
      .catch((err: unknown) => log.warn('ringtone did not start', err));
  }

  /** Shows the call's notification from here, tells the worker of the call, then whether it is on screen. */
  private notify(call: IncomingCall, waiting: boolean, words: CallAlertWords): void {
    const tag = callNotificationId(call.id);
    const shown = this.host.alerts.show(tag, callNotification(call.view, waiting, words));
    this.alerted.set(call.id, shown);
    this.host.report({ kind: 'call-incoming', at: this.host.now(), call: call.view, waiting, engineNotifies: true });
    void shown.then((ok) => {
      this.host.report({ kind: 'call-notified', at: this.host.now(), callId: call.id, shown: ok });
      // Answered or gone before it was on screen: take it down (one per call, never left behind).
      if (ok && (this.book.get(call.id) !== call || call.phase !== 'ringing')) void this.host.alerts.close(tag);
    });
  }

  /** Every control the agent has over a call, behind one command. */
  async callOp(callId: string, op: CallOp): Promise<Result> {
    const call = this.book.get(callId);
    if (!call) return fail('no_such_call');
    switch (op.kind) {
      case 'answer':
        return this.switching.run(() => this.answer(call));
      case 'hangup':
        call.hangUpOrDecline();
        return ok;
      case 'mute':
        return call.setMuted(op.on);
      case 'hold':
        return op.on ? call.setHeld(true) : this.switching.run(() => this.resume(call));
      case 'dtmf':
        return call.sendDtmf(op.tones, this.preferences.dtmfTransport);
      case 'transfer': {
        const domain = sipDomainOf(this.host.config()?.uri ?? '');
        const uri = domain ? transferUri(op.target, domain) : null;
        return uri ? call.transfer(uri, op.target.trim()) : fail('invalid_transfer_target');
      }
    }
  }

  /** "Switch off" while calls ring: decline them (486, so their other routes go on at once). */
  declineRinging(): void {
    for (const call of this.book.ringing()) call.hangUpOrDecline();
  }

  /** The socket that brought the ringing calls died: their answer could never reach the caller. */
  abandonRinging(): void {
    for (const call of this.book.ringing()) call.abandon();
  }

  async stats(callId: string): Promise<CallStats | null> {
    return (await this.book.get(callId)?.stats()) ?? null;
  }

  sampleQuality(): void {
    for (const call of this.book.all()) void call.sampleQuality().catch((err: unknown) => log.warn('quality sample', err));
  }

  /** "Answer", and "Hold & answer" when another call is in progress: hold it first. */
  private async answer(call: IncomingCall): Promise<Result> {
    if (call.phase !== 'ringing') return ok;
    const held = await this.holdOthers(call);
    if (!held.ok) return held;
    const permission = await this.host.micPermission();
    if (permission === 'denied' || permission === 'prompt') return fail(permission === 'denied' ? 'mic_denied' : 'mic_not_granted');
    return call.answer(this.host.config()?.iceServers ?? []);
  }

  /** Resume a held call; the other call, if the agent is talking in it, goes on hold (a swap). */
  private async resume(call: IncomingCall): Promise<Result> {
    const held = await this.holdOthers(call);
    return held.ok ? call.setHeld(false) : held;
  }

  /** The agent talks to one caller at a time: every other answered call goes on hold. */
  private async holdOthers(call: IncomingCall): Promise<Result> {
    for (const other of this.book.talkingExcept(call)) {
      const result = await other.setHeld(true);
      if (!result.ok) return result;
    }
    return ok;
  }

  /** Calls whose notification this document showed (or is showing), until they stop ringing. */
  private readonly alerted = new Map<string, Promise<boolean>>();

  /** A call that no longer rings loses its notification, here, at once (the worker clears it too). */
  private dropAlert(call: IncomingCall): void {
    const shown = this.alerted.get(call.id);
    if (!shown || call.phase === 'ringing') return;
    this.alerted.delete(call.id);
    void shown.then((ok) => (ok ? this.host.alerts.close(callNotificationId(call.id)) : undefined));
  }

  private onCallChanged(call: IncomingCall): void {
    if (this.book.get(call.id) !== call) return;
    this.dropAlert(call);
    this.updateRinger();
    this.host.report({ kind: 'call-updated', at: this.host.now(), call: call.view });
  }

  /** The ringtone follows the calls: ring, a soft waiting tone during a call, or nothing. */
  private updateRinger(): void {
    const ringing = this.book.ringing().length;
    if (ringing === 0) {
      this.ringtone.stop();
      return;
    }
    const kind = this.book.size > ringing ? 'waiting' : 'ring';
    if (this.ringtone.sounding !== kind) void this.ringtone.start(kind).catch((err: unknown) => log.warn('ringtone', err));
  }

  private onCallEnded(call: IncomingCall, reason: CallEndReason, cause: string): void {
    if (!this.book.remove(call)) return;
    this.dropAlert(call);
    this.updateRinger();
    this.host.report({ kind: 'call-ended', at: this.host.now(), callId: call.id, reason, cause });
    if (this.book.size === 0) this.host.idle(); // What waits for an idle phone waits for the last call.
  }
}
