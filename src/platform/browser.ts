/**
 * The single import of the WebExtension API. Everything else in src/platform/
 * gets `browser` from here; nothing outside src/platform/ touches it (lint rule).
 */
import browser from 'webextension-polyfill';

export { browser };
export type { Runtime } from 'webextension-polyfill';

export function extensionUrl(path: string): string {
  return browser.runtime.getURL(path);
}

export function extensionId(): string {
  return browser.runtime.id;
}
