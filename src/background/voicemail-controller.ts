/**
 * Voicemail (R7) and the greeting, through the provider API. The list is
 * re-read when a page opens, with the watchdog, and a few times after a call
 * that was not answered here (the caller is probably leaving a message); a
 * message that arrives is told with a notification (popup closed or not) and
 * counted on the badge until heard. Audio crosses to the pages as base64: the
 * token stays in the worker (a page's `<audio src>` cannot send it anyway).
 */
import { fail, ok, type Result } from '../shared/errors';
import { callerLabel } from '../shared/text';
import { plural, t } from '../shared/i18n';
import { fromBase64, toBase64 } from '../shared/base64';
import { arrivals, GREETING_MAX_BYTES, newMessageCount, parseMessages, voicemailError } from '../shared/voicemail';
import type { AudioResult } from '../shared/protocol';
import type { ProviderCall } from './provider-client';
import type { Ports, StoredSession } from './ports';
import type { SnapshotStore } from './snapshot-store';

export const VOICEMAIL_NOTIFICATION = 'voicemail';
const PATH = '/v1/softphone/voicemail';
/**
 * After a call that went unanswered here, when to look for the caller's
 * message (ms after the call ended): voicemail answers within the ring
 * timeout and most messages are under a minute. Bounded; the watchdog stays
 * the fallback (with the engine's heartbeat the worker is up to run these).
 */
export const MESSAGE_CHECKS_MS = [20_000, 45_000, 90_000, 180_000] as const;

type Audio = AudioResult;

export class VoicemailController {
  constructor(
    private readonly ports: Ports,
    private readonly store: SnapshotStore,
    private readonly call: ProviderCall,
    private readonly onExpired: (why: string) => Promise<void>,
  ) {}

  private checks: ReturnType<typeof setTimeout>[] = [];

  /** A call ended unanswered here: look for its message soon, a few times (a newer call restarts the schedule). */
  expectMessage(): void {
    this.stopChecks();
    this.checks = MESSAGE_CHECKS_MS.map((ms, i) =>
      setTimeout(() => {
        if (i === MESSAGE_CHECKS_MS.length - 1) this.checks = [];
        void this.refresh().catch(() => undefined);
      }, ms),
    );
  }

  stopChecks(): void {
    for (const timer of this.checks) clearTimeout(timer);
    this.checks = [];
  }

  private async session(): Promise<StoredSession | null> {
    return this.store.get().login === 'signed-in' ? ((await this.ports.local.get('session')) ?? null) : null;
  }

  /** Sends one request; a refused token is an expired session, like a refused REGISTER. */
  private async request(path: string, init?: Parameters<ProviderCall>[3]) {
    const session = await this.session();
    if (!session?.api) return null;
    const answer = await this.call(session.account.server, session.api.token, `${PATH}${path}`, init);
    if (answer.status === 401) await this.onExpired('the provider refused the API token');
    return answer;
  }

  async refresh(): Promise<Result> {
    const answer = await this.request('/messages');
    if (!answer) return fail('not_signed_in');
    if (answer.status === 404) {
      this.store.update((s) => (s.voicemail.supported ? { ...s, voicemail: { ...s.voicemail, supported: false, messages: [] } } : s));
      return fail('routing_unsupported');
    }
    const messages = answer.status === 200 ? parseMessages(answer.body) : null;
    if (!messages) return fail(answer.status === 200 ? 'bad_response' : voicemailError(answer.status));
    const before = this.store.get().voicemail;
    // The first list after sign-in is not news: only what arrives while signed in is notified.
    const arrived = before.supported ? arrivals(before.messages, messages) : [];
    this.store.update((s) => ({ ...s, voicemail: { ...s.voicemail, supported: true, messages } }));
    if (arrived.length) await this.notify();
    else if (newMessageCount(messages) === 0) await this.ports.notifier.clear(VOICEMAIL_NOTIFICATION);
    return ok;
  }

  private async notify(): Promise<void> {
    const unheard = this.store.get().voicemail.messages.filter((m) => !m.heard);
    const newest = unheard[0];
    if (!newest) return;
    await this.ports.notifier.show(VOICEMAIL_NOTIFICATION, {
      title: plural(unheard.length, { one: 'newVoicemailTitleOne', other: 'newVoicemailsOther' }),
      message: t('voicemailFrom', callerLabel(newest.fromName, newest.from)),
      priority: 1,
    });
  }

  async audio(id: string): Promise<Audio> {
    const answer = await this.request(`/messages/${encodeURIComponent(id)}/audio`, { bytes: true });
    return toAudio(answer);
  }

  async markHeard(id: string): Promise<Result> {
    const answer = await this.request(`/messages/${encodeURIComponent(id)}/heard`, { method: 'POST' });
    if (!answer) return fail('not_signed_in');
    if (answer.status !== 204 && answer.status !== 200) return fail(voicemailError(answer.status));
    this.store.update((s) => ({ ...s, voicemail: { ...s.voicemail, messages: s.voicemail.messages.map((m) => (m.id === id ? { ...m, heard: true } : m)) } }));
    if (newMessageCount(this.store.get().voicemail.messages) === 0) await this.ports.notifier.clear(VOICEMAIL_NOTIFICATION);
    return ok;
  }

  greetingAudio(): Promise<Audio> {
    return this.request('/greeting', { bytes: true }).then(toAudio);
  }

  /** Uploads a recorded greeting (base64 from the options page), or goes back to the default (null). */
  async setGreeting(recording: { contentType: string; data: string } | null): Promise<Result> {
    let answer;
    if (recording) {
      const bytes = fromBase64(recording.data);
      if (!bytes) return fail('bad_request');
      if (bytes.length > GREETING_MAX_BYTES) return fail('greeting_too_large');
      answer = await this.request('/greeting', { method: 'PUT', body: { contentType: recording.contentType, bytes } });
    } else {
      answer = await this.request('/greeting', { method: 'DELETE' });
    }
    if (!answer) return fail('not_signed_in');
    if (answer.status !== 200) return fail(voicemailError(answer.status));
    const greeting = recording ? 'custom' : 'default';
    this.store.update((s) => ({ ...s, voicemail: { ...s.voicemail, greeting } }));
    return ok;
  }
}

function toAudio(answer: Awaited<ReturnType<ProviderCall>> | null): Audio {
  if (!answer) return { ok: false, error: 'not_signed_in' };
  if (answer.status !== 200 || !answer.bytes) return { ok: false, error: voicemailError(answer.status) };
  // Only audio is handed to a page's <audio> element.
  const contentType = /^audio\/[a-z0-9.+-]+/i.test(answer.contentType) ? answer.contentType : 'audio/wav';
  return { ok: true, contentType, data: toBase64(answer.bytes) };
}
