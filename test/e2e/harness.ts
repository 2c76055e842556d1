/**
 * The end-to-end harness: the built extension in real Debian Chromium
 * (playwright-core, /usr/bin/chromium), the real lab (Kamailio + login service)
 * on 127.0.0.1, and the lab console page as the caller, the cell phone and
 * voicemail. Nothing here fakes SIP.
 */
import { rm } from 'node:fs/promises';
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { startLab, type Lab, type LabOptions } from '../../scripts/lab/lab';
import { until } from '../../scripts/lib/until';
import { grantMicrophone as grantMicrophoneTo, launchExtensionBrowser, type ExtensionBrowser } from '../../scripts/lib/extension-browser';
import type { Snapshot } from '../../src/shared/snapshot';
import type { CallStats } from '../../src/shared/engine-types';

export { DIST } from '../../scripts/lib/extension-browser';
export { until };

export interface Agent extends ExtensionBrowser {
  /** The popup page, opened in a tab (Playwright cannot click the toolbar button). */
  popup: Page;
  close(opts?: { keepProfile?: boolean }): Promise<void>;
}

export async function launchAgent(opts: { userDataDir?: string; headless?: boolean; lang?: string } = {}): Promise<Agent> {
  const browser = await launchExtensionBrowser(opts);
  const popup = await browser.context.newPage();
  await popup.goto(`${browser.origin}/popup.html`);
  return {
    ...browser,
    popup,
    async close({ keepProfile = false } = {}) {
      await browser.context.close();
      if (!keepProfile) await rm(browser.userDataDir, { recursive: true, force: true });
    },
  };
}

/** axe-core in the page (WCAG 2.1 A/AA): every finding printed, serious or critical ones fail. */
export async function audit(page: Page, state: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  for (const v of result.violations) console.log(`[a11y] ${state}: ${v.impact ?? '?'} ${v.id}: ${v.help} (${v.nodes.length})`);
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), state).toEqual([]);
}

export function grantMicrophone(agent: Agent, origin: string): Promise<void> {
  return grantMicrophoneTo(agent.context, agent.popup, origin);
}

export async function signIn(popup: Page, server: string, username: string, password: string): Promise<void> {
  await popup.getByRole('textbox', { name: 'Server' }).fill(server);
  await popup.getByRole('textbox', { name: 'Username' }).fill(username);
  await popup.getByLabel('Password').fill(password);
  await popup.getByRole('button', { name: 'Sign in' }).click();
}

export async function snapshot(agent: Agent): Promise<Snapshot> {
  return agent.popup.evaluate(() => chrome.runtime.sendMessage({ target: 'background', type: 'get-snapshot' })) as Promise<Snapshot>;
}

/** Audio counters and levels of a call in the extension (the first call when no id is given). */
export async function callStats(agent: Agent, callId?: string): Promise<CallStats | null> {
  const id = callId ?? (await snapshot(agent)).calls[0]?.id;
  if (!id) return null;
  return agent.popup.evaluate((cid) => chrome.runtime.sendMessage({ target: 'background', type: 'get-call-stats', callId: cid }), id);
}

export interface ShownNotification {
  title: string;
  message: string;
  buttons?: string[];
  requireInteraction?: boolean;
}

/**
 * The notifications on screen, each with its text: chrome.notifications'
 * (getAll() gives ids only; the worker's record has the text) and the web
 * notifications the phone engine shows for calls through the worker's
 * registration (id = tag; buttons = action titles).
 */
export async function notifications(agent: Agent): Promise<Record<string, ShownNotification>> {
  const w = await agent.worker();
  return w.evaluate(async () => {
    const ids = Object.keys(await chrome.notifications.getAll());
    const text = (globalThis as unknown as { softphone: { notifications: Map<string, ShownNotification> } }).softphone.notifications;
    const shown: Record<string, ShownNotification> = Object.fromEntries(ids.map((id) => [id, text.get(id) ?? { title: '?', message: '?' }]));
    const registration = (globalThis as unknown as { registration: ServiceWorkerRegistration }).registration;
    for (const n of await registration.getNotifications()) {
      const web = n as Notification & { actions?: { title: string }[]; requireInteraction?: boolean };
      shown[n.tag] = { title: n.title, message: n.body, buttons: (web.actions ?? []).map((a) => a.title), requireInteraction: web.requireInteraction };
    }
    return shown;
  });
}

/**
 * Headless Chromium shows no notification UI, so a click on a notification
 * button is made by firing the worker's real listeners: a `notificationclick`
 * event carrying the engine's web notification (action b0, b1), or
 * chrome.notifications' onButtonClicked for the worker's own.
 */
export async function clickNotificationButton(agent: Agent, id: string, buttonIndex: number): Promise<void> {
  const w = await agent.worker();
  await w.evaluate(async ([nid, index]) => {
    const registration = (globalThis as unknown as { registration: ServiceWorkerRegistration }).registration;
    const [web] = await registration.getNotifications({ tag: nid });
    if (web) {
      const NotificationEventCtor = (globalThis as unknown as { NotificationEvent: new (type: string, init: object) => Event }).NotificationEvent;
      globalThis.dispatchEvent(new NotificationEventCtor('notificationclick', { notification: web, action: `b${index}` }));
      return;
    }
    (chrome.notifications.onButtonClicked as unknown as { dispatch(id: string, i: number): void }).dispatch(nid, index);
  }, [id, buttonIndex] as const);
}

/**
 * An agent signed in with the softphone on and registered (unless `softphone`
 * is false), the microphone granted, and the lab console open as the caller.
 */
export async function readyAgent(lab: Lab, user: { user: string; password: string }, opts: { softphone?: boolean } = {}): Promise<{ agent: Agent; popup: Page; lc: LabConsole }> {
  const agent = await launchAgent();
  await grantMicrophone(agent, agent.origin);
  const lc = await LabConsole.open(agent, lab.consoleUrl);
  await signIn(agent.popup, lab.loginUrl, user.user, user.password);
  await until('signed in', async () => (await agent.popup.getByLabel('Signed in account').count()) === 1);
  if (opts.softphone !== false) {
    await agent.popup.getByRole('switch', { name: 'Softphone' }).click();
    await until('registered', async () => (await snapshot(agent)).registration === 'registered');
  }
  return { agent, popup: agent.popup, lc };
}

/** Lab console events as the console page records them. */
export interface ConsoleEvent {
  t: number;
  who: string;
  type: string;
  id: string;
  cause?: string;
  status?: number;
  detail?: string;
  transport?: string;
}

/**
 * What the agent hears from the caller, from the extension's own counters:
 * RMS over a window from the inbound totalAudioEnergy / totalSamplesDuration.
 */
export async function extensionHears(agent: Agent, callId: string, windowMs = 1500): Promise<{ level: number; packetsReceived: number }> {
  const a = await callStats(agent, callId);
  await new Promise((r) => setTimeout(r, windowMs));
  const b = await callStats(agent, callId);
  if (!a || !b) return { level: 0, packetsReceived: 0 };
  const dt = b.inboundDuration - a.inboundDuration;
  return { level: dt > 0 ? Math.sqrt(Math.max(0, b.inboundEnergy - a.inboundEnergy) / dt) : 0, packetsReceived: b.packetsReceived - a.packetsReceived };
}

/** The lab console in a tab of the agent's browser: caller, cell phone and voicemail. */
export class LabConsole {
  private constructor(readonly page: Page) {}

  static async open(agent: Agent, consoleUrl: string): Promise<LabConsole> {
    await grantMicrophone(agent, new URL(consoleUrl).origin);
    const page = await agent.context.newPage();
    await page.goto(consoleUrl);
    await page.evaluate(() => (window as unknown as { lab: { ready: Promise<void> } }).lab.ready);
    return new LabConsole(page);
  }

  /**
   * Reloads the console so its peers register afresh: after a server outage
   * their own JsSIP backoff may wait up to 30 s, and the lab's peers are not
   * what is under test.
   */
  async reload(): Promise<void> {
    await this.page.reload();
    await this.page.evaluate(() => (window as unknown as { lab: { ready: Promise<void> } }).lab.ready);
  }

  call(number: string, displayName?: string): Promise<string> {
    return this.page.evaluate(([n, d]) => (window as unknown as { lab: { call(n: string, o?: object): string } }).lab.call(n, d ? { displayName: d } : {}), [number, displayName] as const);
  }

  hangup(id: string): Promise<void> {
    return this.page.evaluate((i) => (window as unknown as { lab: { hangup(i: string): void } }).lab.hangup(i), id);
  }

  /** Any other method of the console's `window.lab` (see scripts/lab/console/api.ts). */
  invoke<T>(method: string, ...args: unknown[]): Promise<T> {
    return this.page.evaluate(
      ([m, a]) => (window as unknown as { lab: Record<string, (...x: unknown[]) => unknown> }).lab[m as string]?.(...(a as unknown[])),
      [method, args] as const,
    ) as Promise<T>;
  }

  /** The inbound audio of a console call over a window: RMS level and packets (see AudioLevel). */
  audioLevel(id: string, windowMs = 1500): Promise<{ level: number; packetsReceived: number; bytesReceived: number }> {
    return this.invoke('audioLevel', id, windowMs);
  }

  cellAccept(): Promise<string | null> {
    return this.page.evaluate(() => (window as unknown as { lab: { cellAccept(): string | null } }).lab.cellAccept());
  }

  events(): Promise<ConsoleEvent[]> {
    return this.page.evaluate(() => (window as unknown as { lab: { events: ConsoleEvent[] } }).lab.events.map((e) => ({ ...e })));
  }

  stats(id: string): Promise<{ bytesSent: number; bytesReceived: number }> {
    return this.page.evaluate((i) => (window as unknown as { lab: { stats(i: string): Promise<{ bytesSent: number; bytesReceived: number }> } }).lab.stats(i), id);
  }

  /** The first event matching, waiting for it. */
  async waitFor(what: string, match: (e: ConsoleEvent) => boolean, timeoutMs = 15_000): Promise<ConsoleEvent> {
    return until(what, async () => (await this.events()).find(match), timeoutMs);
  }
}

/**
 * The lab for one test file, in a work dir of its own: several runs (a second
 * checkout's tests, the demo, a benchmark) may share this folder, each in its
 * own network namespace.
 */
export function startTestLab(name: string, opts: Omit<LabOptions, 'workDir' | 'quiet'> = {}): Promise<Lab> {
  return startLab({ ...opts, quiet: true, workDir: `.lab/e2e-${name}-${process.pid}` });
}
