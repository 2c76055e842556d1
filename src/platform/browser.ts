/**
 * The single entry to the WebExtension API. Everything else in src/platform/
 * gets `browser` from here; nothing outside src/platform/ touches it (lint rule).
 *
 * Typed as webextension-polyfill's promise-based `browser` namespace, but not
 * its runtime shim: every browser that runs a Manifest V3 service worker has
 * that namespace natively (Firefox's `browser`, Chrome's `chrome`, whose
 * methods return promises when given no callback). The shim cost 9.7 KB of
 * every bundle (parsed at each worker wake-up, on the ring path, and at each
 * popup open) to wrap promises Chrome already returns. The one behaviour it
 * added that Chrome lacks, a promise returned from `runtime.onMessage`, is
 * done by hand in messaging.ts (`sendResponse`).
 */
import type Browser from 'webextension-polyfill';

const scope = globalThis as unknown as { browser?: Browser.Browser; chrome?: Browser.Browser };
export const browser = (scope.browser ?? scope.chrome) as Browser.Browser;
export type { Runtime } from 'webextension-polyfill';

export function extensionUrl(path: string): string {
  return browser.runtime.getURL(path);
}

export function extensionId(): string {
  return browser.runtime.id;
}
