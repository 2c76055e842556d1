/**
 * Chrome notifications: the incoming call (with Answer / Decline buttons, works
 * with the popup closed) and connection notices.
 */
import { browser, extensionUrl } from './browser';

export interface NotificationSpec {
  title: string;
  message: string;
  /** At most two (Chrome's limit). */
  buttons?: string[];
  requireInteraction?: boolean;
  priority?: -2 | -1 | 0 | 1 | 2;
  silent?: boolean;
}

/**
 * What each notification on screen says. chrome.notifications.getAll() returns
 * only ids; this record lets diagnostics (and the end-to-end tests) read the text.
 */
export const shownNotifications = new Map<string, NotificationSpec>();

/**
 * Operations on one notification id run in order: a clear issued while its
 * create is still in flight must not be overtaken by it (the notification
 * would stay on screen after the state that caused it is gone).
 */
const queues = new Map<string, Promise<unknown>>();

function inOrder<T>(id: string, op: () => Promise<T>): Promise<T> {
  const run = (queues.get(id) ?? Promise.resolve()).then(op, op);
  const tail = run.catch(() => undefined);
  queues.set(id, tail);
  void tail.then(() => {
    if (queues.get(id) === tail) queues.delete(id);
  });
  return run;
}

export function showNotification(id: string, spec: NotificationSpec): Promise<void> {
  return inOrder(id, () => createNow(id, spec));
}

async function createNow(id: string, spec: NotificationSpec): Promise<void> {
  shownNotifications.set(id, spec);
  // chrome.* for the options the polyfill's types lack (buttons, requireInteraction, silent).
  await chrome.notifications.create(id, {
    type: 'basic',
    iconUrl: extensionUrl('icons/icon-128.png'),
    title: spec.title,
    message: spec.message,
    buttons: spec.buttons?.slice(0, 2).map((title) => ({ title })),
    requireInteraction: spec.requireInteraction ?? false,
    priority: spec.priority ?? 0,
    silent: spec.silent ?? false,
  });
}

/** The worker's own registration: the phone engine shows call notifications through it (call-alerts.ts). */
const workerRegistration = (): ServiceWorkerRegistration | undefined => (globalThis as { registration?: ServiceWorkerRegistration }).registration;

export function clearNotification(id: string): Promise<void> {
  return inOrder(id, async () => {
    shownNotifications.delete(id);
    await browser.notifications.clear(id);
    // The engine's web notification with this tag, if it showed one.
    for (const n of (await workerRegistration()?.getNotifications({ tag: id }).catch(() => [])) ?? []) n.close();
  });
}

type ClickListener = (id: string, buttonIndex: number | null) => void;
const clickListeners: ClickListener[] = [];

/**
 * Clicks on the engine's web notifications arrive here as `notificationclick`
 * (registered at start, so a click wakes the worker): a button (action `b0`,
 * `b1`) like chrome.notifications' onButtonClicked, the body like onClicked.
 * An event the browser did not dispatch (a test's) cannot be extended; the
 * listeners run all the same.
 */
function listenForWebClicks(): void {
  if (clickListeners.length > 0) return;
  addEventListener('notificationclick', (e) => {
    const event = e as Event & { notification: Notification; action: string; waitUntil?(p: Promise<unknown>): void };
    const index = /^b[01]$/.test(event.action) ? Number(event.action.slice(1)) : null;
    event.notification.close();
    for (const listener of clickListeners) listener(event.notification.tag, index);
  });
}

export function onNotificationButton(listener: (id: string, buttonIndex: number) => void): void {
  browser.notifications.onButtonClicked.addListener(listener);
  listenForWebClicks();
  clickListeners.push((id, index) => index !== null && listener(id, index));
}

export function onNotificationClicked(listener: (id: string) => void): void {
  browser.notifications.onClicked.addListener(listener);
  listenForWebClicks();
  clickListeners.push((id, index) => index === null && listener(id));
}

/** Keeps `shownNotifications` true when the agent dismisses a notification. Call once, at start. */
export function forgetDismissedNotifications(): void {
  browser.notifications.onClosed.addListener((id) => shownNotifications.delete(id));
}
