/**
 * Debian Chromium with the built extension loaded (playwright-core, never a
 * downloaded browser). Shared by the end-to-end tests, the demo and the
 * benchmarks so that all of them run the extension the same way.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';

/** The built extension; SOFTPHONE_DIST points elsewhere (a second build beside a running one). */
export const DIST = process.env.SOFTPHONE_DIST ?? fileURLToPath(new URL('../../dist', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `lang`: Chromium's UI language, which chrome.i18n follows (English unless a test asks for another). */
export function chromiumArgs(lang = 'en-US'): string[] {
  return [
    `--lang=${lang}`,
    `--disable-extensions-except=${DIST}`,
    `--load-extension=${DIST}`,
    // A fake microphone (a beep) and camera, so calls carry real audio packets.
    '--use-fake-device-for-media-stream',
    // Only loopback exists in the test namespace; WebRTC must be allowed to use it.
    '--allow-loopback-in-peer-connection',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--no-default-browser-check',
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
  ];
}

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  origin: string;
  userDataDir: string;
  /** The live service worker (a new one after the old was terminated). */
  worker(): Promise<Worker>;
}

export async function launchExtensionBrowser(
  opts: { userDataDir?: string; headless?: boolean; handleSIGINT?: boolean; lang?: string } = {},
): Promise<ExtensionBrowser> {
  const userDataDir = opts.userDataDir ?? (await mkdtemp(join(tmpdir(), 'softphone-chromium-')));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: opts.headless ?? true,
    args: chromiumArgs(opts.lang),
    ...(opts.lang ? { locale: opts.lang } : {}),
    // Playwright disables extensions by default.
    ignoreDefaultArgs: ['--disable-extensions'],
    viewport: { width: 360, height: 560 },
    // The demo stops the lab itself on Ctrl-C; Playwright's own handler would exit first.
    handleSIGINT: opts.handleSIGINT ?? true,
  });
  const firstWorker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
  const extensionId = new URL(firstWorker.url()).host;
  const origin = `chrome-extension://${extensionId}`;
  const worker = async () => {
    const live = context.serviceWorkers().find((w) => w.url().startsWith(origin));
    return live ?? context.waitForEvent('serviceworker', { timeout: 20_000 });
  };
  return { context, extensionId, origin, userDataDir, worker };
}

/**
 * Grants the microphone to an origin, as the browser's own prompt would (CDP
 * Browser.grantPermissions). The session stays attached: Chromium drops a
 * session's permission overrides when it detaches.
 */
export async function grantMicrophone(context: BrowserContext, anyPage: Page, origin: string): Promise<void> {
  const cdp = await context.newCDPSession(anyPage);
  await cdp.send('Browser.grantPermissions', { origin, permissions: ['audioCapture'] });
}
