/** Drives the lab console pages (window.lab) from playwright, for the lab's smoke test. */
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { AudioLevel, LabAgentApi, LabConsoleApi, LabEvent } from '../../scripts/lab/console/api';

export type ConsoleWindow = { lab: LabConsoleApi };
export type AgentWindow = { lab: LabAgentApi };
export type EventMatch = Partial<Pick<LabEvent, 'who' | 'type' | 'id' | 'status' | 'detail' | 'transport'>>;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--allow-loopback-in-peer-connection',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** Opens a console page; waits for its UAs to register unless `awaitReady` is false. */
export async function openConsole(browser: Browser, url: string, awaitReady = true): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`[page ${url}]`, error));
  await page.goto(url);
  await page.waitForFunction(() => 'lab' in window);
  if (awaitReady) await page.evaluate(() => (window as unknown as ConsoleWindow).lab.ready);
  return page;
}

export function placeCall(page: Page, number: string, displayName?: string): Promise<string> {
  return page.evaluate(
    ([target, name]) => (window as unknown as ConsoleWindow).lab.call(target, name === undefined ? {} : { displayName: name }),
    [number, displayName] as const,
  );
}

export async function hangup(page: Page, id: string): Promise<void> {
  await page.evaluate((callId) => (window as unknown as ConsoleWindow).lab.hangup(callId), id);
}

/** The first event at or after `since` whose fields equal `match`. */
export async function waitForEvent(page: Page, match: EventMatch, since = 0, timeout = 10_000): Promise<LabEvent> {
  const handle = await page.waitForFunction(
    ([wanted, after]) =>
      (window as unknown as ConsoleWindow).lab.events.find(
        (event) => event.t >= after && Object.entries(wanted).every(([key, value]) => event[key as keyof typeof event] === value),
      ),
    [match, since] as const,
    { timeout },
  );
  return (await handle.jsonValue()) as LabEvent;
}

export function eventsSince(page: Page, since: number, match: EventMatch): Promise<LabEvent[]> {
  return page.evaluate(
    ([wanted, after]) =>
      (window as unknown as ConsoleWindow).lab.events.filter(
        (event) => event.t >= after && Object.entries(wanted).every(([key, value]) => event[key as keyof typeof event] === value),
      ),
    [match, since] as const,
  );
}

/** Media flowed both ways when each call of `ids` sent and received audio bytes. */
export async function expectTwoWayAudio(page: Page, ids: string[]): Promise<void> {
  await page.waitForTimeout(1500);
  for (const id of ids) {
    const stats = await page.evaluate((callId) => (window as unknown as ConsoleWindow).lab.stats(callId), id);
    expect(stats.bytesSent, `${id} sent`).toBeGreaterThan(1000);
    expect(stats.bytesReceived, `${id} received`).toBeGreaterThan(1000);
  }
}

export function audioLevel(page: Page, id: string, windowMs = 1500): Promise<AudioLevel> {
  return page.evaluate(([callId, ms]) => (window as unknown as ConsoleWindow).lab.audioLevel(callId, ms), [id, windowMs] as const);
}
