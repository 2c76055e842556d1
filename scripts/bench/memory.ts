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
import { readFileSync } from 'node:fs';
import type { BrowserContext } from 'playwright-core';
import { startLab, type Lab } from '../lab/lab';
import { grantMicrophone, launchExtensionBrowser } from '../lib/extension-browser';
import { signedInAgent } from '../lib/signed-in-agent';
import { assertLoopbackOnly } from '../lib/netns';
import { processes, type Proc } from '../lib/procfs';

const SETTLE_MS = 10_000;

/** Renderer processes under the browser whose user-data-dir is `profile`. */
function renderersOf(profile: string): Proc[] {
  const all = processes();
  const root = all.find((p) => p.cmdline.includes(`--user-data-dir=${profile}`) && !p.cmdline.includes('--type='));
  if (!root) throw new Error(`no browser process for ${profile}`);
  const tree = new Set([root.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => tree.has(p.pid) && p.cmdline.includes('--type=renderer'));
}

function pssKb(pid: number): number {
  const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  if (!match) throw new Error(`no Pss for ${pid}`);
  return Number(match[1]);
}

async function extensionRendererKb(lab: Lab): Promise<number> {
  const { browser, popup } = await signedInAgent(lab);
  try {
    await popup.close(); // Only the worker and the offscreen document remain in the extension process.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const ext = renderersOf(browser.userDataDir).filter((p) => p.cmdline.includes('--extension-process'));
    if (ext.length !== 1) throw new Error(`expected one extension renderer, found ${ext.length}`);
    return pssKb(ext[0]!.pid);
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
    const pages = renderersOf(browser.userDataDir).filter((p) => !p.cmdline.includes('--extension-process') && !p.cmdline.includes('--top-chrome-webui'));
    return Math.max(...pages.map((p) => pssKb(p.pid)));
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
