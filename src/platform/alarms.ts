/** chrome.alarms: the only timers that wake a terminated service worker. */
import { browser } from './browser';

export async function ensureAlarm(name: string, periodMinutes: number): Promise<void> {
  const existing = await browser.alarms.get(name);
  if (existing?.periodInMinutes === periodMinutes) return;
  await browser.alarms.create(name, { periodInMinutes: periodMinutes, delayInMinutes: periodMinutes });
}

export async function clearAlarm(name: string): Promise<void> {
  await browser.alarms.clear(name);
}

export function onAlarm(listener: (name: string) => void): void {
  browser.alarms.onAlarm.addListener((alarm) => listener(alarm.name));
}
