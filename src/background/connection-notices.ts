/**
 * Says so when calls cannot ring here. The product we replace went quiet after
 * a network problem; ours notifies once a problem has lasted longer than a
 * short grace period (a blip during a refresh is not worth an interruption),
 * names the reason in plain words, offers the one click that can fix it, and
 * says again when calls ring here once more.
 */
import type { Snapshot } from '../shared/snapshot';
import { describeError, describeRegistration } from '../shared/text';
import { createLogger } from '../shared/logger';
import type { Ports } from './ports';

const log = createLogger('notices');

export const CONNECTION_NOTICE = 'connection';
export const RECOVERED_NOTICE = 'connection-ok';

/** True when the agent wants calls here and they would not ring. */
export function cannotReceive(s: Snapshot): boolean {
  return s.login === 'signed-in' && s.softphoneEnabled && s.registration !== 'registered';
}

export function noticeText(s: Snapshot, now: number): { title: string; message: string; button: string } {
  const seconds = Math.max(1, Math.round((now - s.registrationSince) / 1000));
  const reason = s.registrationError ? describeError(s.registrationError) : describeRegistration(s.registration);
  const button = s.registration === 'mic-needed' ? 'Allow microphone' : 'Reconnect now';
  return { title: 'You cannot receive calls here', message: `${reason} (for ${seconds} s)`, button };
}

export class ConnectionNotices {
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** When the shown "cannot receive calls" notice started, or null. */
  private shownSince: number | null = null;

  constructor(
    private readonly ports: Ports,
    private readonly snapshot: () => Snapshot,
    private readonly graceMs: () => Promise<number>,
  ) {}

  /** Called on every snapshot change and by the watchdog. */
  async check(): Promise<void> {
    const s = this.snapshot();
    if (!cannotReceive(s)) {
      this.cancelTimer();
      if (this.shownSince !== null) await this.recovered(s);
      return;
    }
    if (this.shownSince !== null || this.timer !== null) return;
    const wait = Math.max(0, s.registrationSince + (await this.graceMs()) - this.ports.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.showIfStillDown();
    }, wait);
  }

  private async showIfStillDown(): Promise<void> {
    const s = this.snapshot();
    if (!cannotReceive(s)) return;
    const text = noticeText(s, this.ports.now());
    this.shownSince = s.registrationSince;
    log.warn('notifying: cannot receive calls', s.registration, s.registrationError);
    await this.ports.notifier.show(CONNECTION_NOTICE, {
      title: text.title,
      message: text.message,
      buttons: [text.button],
      requireInteraction: true,
      priority: 2,
    });
  }

  private async recovered(s: Snapshot): Promise<void> {
    const downFor = Math.round((this.ports.now() - (this.shownSince ?? this.ports.now())) / 1000);
    this.shownSince = null;
    await this.ports.notifier.clear(CONNECTION_NOTICE);
    if (s.registration !== 'registered') return; // Switched off or signed out: nothing to announce.
    await this.ports.notifier.show(RECOVERED_NOTICE, {
      title: 'Calls ring here again',
      message: `Reconnected after ${downFor} s.`,
      priority: 0,
    });
  }

  private cancelTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
