/**
 * Says so when calls cannot ring here. The product we replace went quiet after
 * a network problem; ours notifies once a problem has lasted longer than a
 * short grace period, with the reason and the one click that can fix it, and
 * says again when calls ring here once more. Every word comes from
 * `reachability()` (src/shared/reachability.ts), like the popup's and the
 * badge's; this class only decides when to show, update and clear.
 */
import { reachability } from '../shared/reachability';
import { t } from '../shared/i18n';
import type { Snapshot } from '../shared/snapshot';
import { createLogger } from '../shared/logger';
import type { Ports } from './ports';

const log = createLogger('notices');

export const CONNECTION_NOTICE = 'connection';
export const RECOVERED_NOTICE = 'connection-ok';

export class ConnectionNotices {
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** What the shown notice says (to update it only when its words change). */
  private shownText: string | null = null;
  private checking: Promise<void> = Promise.resolve();

  constructor(
    private readonly ports: Ports,
    private readonly snapshot: () => Snapshot,
    /** The badge's words change with time too (escalation). */
    private readonly onTimeChange: () => void = () => undefined,
  ) {}

  /** Called on every snapshot change, by the watchdog, and when the words change with time. One at a time. */
  check(): Promise<void> {
    this.checking = this.checking.then(() => this.checkNow()).catch((err: unknown) => log.error('notice check failed', err));
    return this.checking;
  }

  private async checkNow(): Promise<void> {
    const s = this.snapshot();
    const now = this.ports.now();
    const r = reachability(s, now);
    this.schedule(r.changesAt, now);
    // Kept in storage.session: a worker restart must still clear (or update) what is on screen.
    const shown = (await this.ports.session.get('connectionNotice')) ?? null;
    if (r.notice) {
      const text = `${r.notice.title}\n${r.notice.message}\n${r.notice.button}`;
      if (shown && this.shownText === text) return;
      log.warn('notifying: cannot receive calls', s.registration, s.registrationError);
      this.shownText = text;
      await this.ports.session.set({ connectionNotice: { since: r.since ?? now } });
      await this.ports.notifier.clear(RECOVERED_NOTICE);
      await this.ports.notifier.show(CONNECTION_NOTICE, {
        title: r.notice.title,
        message: r.notice.message,
        buttons: [r.notice.button],
        requireInteraction: true,
        priority: 2,
      });
      return;
    }
    if (!shown) return;
    this.shownText = null;
    await this.ports.session.remove('connectionNotice');
    await this.ports.notifier.clear(CONNECTION_NOTICE);
    if (r.kind !== 'ready') return; // Switched off, signed out or expired: nothing to announce.
    await this.ports.notifier.show(RECOVERED_NOTICE, {
      title: t('recoveredTitle'),
      message: t('recoveredMessage', Math.max(1, Math.round((now - shown.since) / 1000))),
      priority: 0,
    });
  }

  private schedule(at: number | null, now: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (at === null) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.onTimeChange();
        void this.check();
      },
      Math.max(0, at - now) + 10,
    );
  }
}
