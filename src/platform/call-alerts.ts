/**
 * The incoming-call notification, shown by the phone engine itself.
 *
 * A notification created by the service worker waits for a message hop and,
 * when the worker sleeps, for the worker to start (measured: 64 ms awake and
 * 92 ms asleep after the INVITE, against a plain JsSIP page's 20 ms ring). The
 * offscreen document reaches the extension's service-worker registration and
 * can show a web notification with actions itself, in 1–4 ms, without the
 * worker's script running; the clicks still arrive in the worker
 * (`notificationclick`, see notifications.ts), which wakes for them. Tagged
 * with the call's notification id: one notification per call, whoever closes it.
 */
import type { NotificationSpec } from './notifications';

export interface CallAlerts {
  /** True when the notification is on screen; false when this document cannot show one (the worker then does). */
  show(tag: string, spec: NotificationSpec): Promise<boolean>;
  close(tag: string): Promise<void>;
}

let registration: Promise<ServiceWorkerRegistration | null> | null = null;

function extensionRegistration(): Promise<ServiceWorkerRegistration | null> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return Promise.resolve(null);
  registration ??= navigator.serviceWorker.getRegistration().then(
    (r) => r ?? null,
    () => null,
  );
  return registration;
}

/** Options Chromium takes that TypeScript's DOM library does not list (actions, requireInteraction on every platform). */
type AlertOptions = NotificationOptions & { actions?: { action: string; title: string }[]; requireInteraction?: boolean };

export const webCallAlerts: CallAlerts = {
  async show(tag, spec) {
    const reg = await extensionRegistration();
    if (!reg) return false;
    const options: AlertOptions = {
      body: spec.message,
      tag,
      icon: '/icons/icon-128.png',
      requireInteraction: spec.requireInteraction ?? false,
      silent: spec.silent ?? false,
      // Buttons by position, as chrome.notifications numbers them (b0 = Answer).
      actions: (spec.buttons ?? []).slice(0, 2).map((title, i) => ({ action: `b${i}`, title })),
    };
    try {
      await reg.showNotification(spec.title, options);
      return true;
    } catch {
      registration = null; // Asked again next time (an update may have replaced the worker).
      return false;
    }
  },
  async close(tag) {
    const reg = await extensionRegistration();
    for (const n of (await reg?.getNotifications({ tag }).catch(() => [])) ?? []) n.close();
  },
};

/** Looks the registration up ahead of the first call (the first lookup is the slow one). */
export function warmCallAlerts(): void {
  void extensionRegistration();
}
