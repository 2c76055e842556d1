/**
 * Memory benchmark (DESIGN section 8): the proportional set size (Pss, from
 * /proc/<pid>/smaps_rollup) of the extension's renderer process — the service
 * worker and the offscreen document share it — registered and idle, against
 * the renderer of a plain JsSIP web page doing the same job (registered, idle)
 * in a separate Chromium. Each browser gets its own process tree, so the
 * renderers are told apart by their command lines: `--extension-process` for
 * ours, and the largest other renderer for the page that is not Chromium's own
 * WebUI (Chromium may also keep a small spare renderer around).
 *
 *   npm run build && bash scripts/netns-run.sh npx tsx scripts/bench/memory.ts
 */
import type { BrowserContext } from 'playwright-core';
import { startLab, type Lab } from '../lab/lab';
import { grantMicrophone, launchExtensionBrowser } from '../lib/extension-browser';
import { signedInAgent } from '../lib/signed-in-agent';
import { assertLoopbackOnly } from '../lib/netns';
import { extensionRenderer, pageRenderer, pssKb } from '../lib/proc-usage';

const SETTLE_MS = 10_000;

async function extensionRendererKb(lab: Lab): Promise<number> {
  const { browser, popup } = await signedInAgent(lab);
  try {
    await popup.close(); // Only the worker and the offscreen document remain in the extension process.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    return pssKb(extensionRenderer(browser.userDataDir).pid);
  } finally {
    await browser.context.close();
  }
}

async function plainPageRendererKb(lab: Lab): Promise<number> {
  const browser = await launchExtensionBrowser(); // the extension idles unsigned-in; its renderer is excluded below
  const context: BrowserContext = browser.context;
  try {
    const page = await context.newPage();
    await grantMicrophone(context, page, new URL(lab.consoleUrl).origin);
    await page.goto(`${lab.consoleUrl}?agent=bob`);
    await page.evaluate(() => (window as unknown as { lab: { ready: Promise<void> } }).lab.ready);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    // Not Chromium's own WebUI renderer (`--top-chrome-webui`), which is larger than the page and was picked before.
    return pssKb(pageRenderer(browser.userDataDir).pid);
  } finally {
    await context.close();
  }
}

async function main(): Promise<void> {
  assertLoopbackOnly();
  const lab = await startLab({ quiet: true, workDir: `.lab/memory-${process.pid}` });
  try {
    const ext = await extensionRendererKb(lab);
    const page = await plainPageRendererKb(lab);
    console.log('\nmemory benchmark (Pss of the renderer, registered and idle)');
    console.log(`  extension (worker + offscreen document) ${(ext / 1024).toFixed(1)} MiB`);
    console.log(`  plain JsSIP page (same lab run)          ${(page / 1024).toFixed(1)} MiB`);
    console.log(`  ratio ${(ext / page).toFixed(3)} (extension / page)`);
  } finally {
    await lab.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
