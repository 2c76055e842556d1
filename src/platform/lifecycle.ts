/** Worker lifecycle events and keyboard commands. */
import { browser } from './browser';

export function onStartup(listener: () => void): void {
  browser.runtime.onStartup.addListener(listener);
}

export function onInstalled(listener: () => void): void {
  browser.runtime.onInstalled.addListener(() => listener());
}

/**
 * An update is waiting. We do not let Chrome reload us mid-call: the worker
 * calls `reloadExtension()` itself once the phone is idle.
 */
export function onUpdateAvailable(listener: () => void): void {
  browser.runtime.onUpdateAvailable.addListener(listener);
}

export function reloadExtension(): void {
  browser.runtime.reload();
}

export function onCommand(listener: (command: string) => void): void {
  browser.commands.onCommand.addListener(listener);
}

/** The keyboard shortcuts Chrome actually bound (a suggested key Chrome keeps for itself stays unbound). */
export async function commandShortcuts(): Promise<Record<string, string>> {
  const commands = await browser.commands.getAll();
  return Object.fromEntries(commands.filter((c) => c.name).map((c) => [c.name as string, c.shortcut ?? '']));
}
