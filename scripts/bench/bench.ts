/**
 * Recovery benchmark (DESIGN section 8): how long from a fault until the SIP
 * server lists the phone again, for the extension (production tuning: 30 s
 * refresh) and, in the same lab run, for a plain JsSIP page with default
 * behaviour (the lab console's `?agent=` mode). Both are measured the same way:
 * polling the server's location table, so neither side reports on itself.
 *
 *   npm run bench            full run (3 samples each; the JsSIP baseline needs minutes)
 *   ... bench.ts --smoke     one sample each, baseline only where it is quick
 *
 * Must run inside the private network namespace (scripts/netns-run.sh).
 */
import type { Page } from 'playwright-core';
import { startLab, type Lab } from '../lab/lab';
import { grantMicrophone, launchExtensionBrowser, type ExtensionBrowser } from '../lib/extension-browser';

const smoke = process.argv.includes('--smoke');
const SAMPLES = smoke ? 1 : 3;
const POLL_MS = 50;
const MAX_WAIT_MS = 180_000;
const EXT_USER = 'alice';
const BASELINE_USER = 'bob';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

async function listed(lab: Lab, user: string): Promise<boolean> {
  return (await lab.locations(user)).length > 0;
}

/** ms from now until `user` is listed again (bounded). */
async function timeUntilListed(lab: Lab, user: string): Promise<number> {
  const start = Date.now();
  while (!(await listed(lab, user))) {
    if (Date.now() - start > MAX_WAIT_MS) throw new Error(`${user} not registered again within ${MAX_WAIT_MS} ms`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return Date.now() - start;
}

async function waitListed(lab: Lab, users: string[]): Promise<void> {
  for (const u of users) await timeUntilListed(lab, u);
}

async function startExtension(lab: Lab): Promise<{ browser: ExtensionBrowser; popup: Page }> {
  const browser = await launchExtensionBrowser();
  const popup = await browser.context.newPage();
  await popup.goto(`${browser.origin}/popup.html`);
  await grantMicrophone(browser.context, popup, browser.origin);
  await popup.getByRole('textbox', { name: 'Server' }).fill(lab.loginUrl);
  await popup.getByRole('textbox', { name: 'Username' }).fill(EXT_USER);
  await popup.getByLabel('Password').fill('alice-password');
  await popup.getByRole('button', { name: 'Sign in' }).click();
  await popup.getByRole('switch', { name: 'Softphone' }).click();
  return { browser, popup };
}

async function main(): Promise<void> {
  // Its own work dir: the bench may run beside the tests, each in its own namespace.
  const lab = await startLab({ quiet: true, workDir: '.lab/bench' });
  const { browser } = await startExtension(lab);
  const baseline = await browser.context.newPage();
  await baseline.goto(`${lab.consoleUrl}?agent=${BASELINE_USER}`);
  await baseline.evaluate(() => (window as unknown as { lab: { ready: Promise<void> } }).lab.ready);
  await waitListed(lab, [EXT_USER, BASELINE_USER]);

  const results: Record<string, { ext: number[]; base: number[] }> = {
    'binding dropped → registered again': { ext: [], base: [] },
    'server restarted → registered again': { ext: [], base: [] },
  };
  try {
    for (let i = 0; i < SAMPLES; i++) {
      // Silent expiry: both bindings removed at once, sockets stay open.
      await lab.dropBinding(EXT_USER);
      await lab.dropBinding(BASELINE_USER);
      const drop = results['binding dropped → registered again']!;
      const ext = timeUntilListed(lab, EXT_USER);
      // The JsSIP default refreshes only at half the expiry or later (60–104 s here): minutes per sample.
      const base = smoke ? null : timeUntilListed(lab, BASELINE_USER);
      drop.ext.push(await ext);
      if (base) drop.base.push(await base);
      else await lab.restartKamailio(); // Clears the baseline's state for the next measurement.
      await waitListed(lab, [EXT_USER, BASELINE_USER]);

      await lab.restartKamailio();
      const restart = results['server restarted → registered again']!;
      const [e, b] = await Promise.all([timeUntilListed(lab, EXT_USER), timeUntilListed(lab, BASELINE_USER)]);
      restart.ext.push(e);
      restart.base.push(b);
    }
  } finally {
    await browser.context.close();
    await lab.stop();
  }

  console.log(`\nrecovery benchmark (${smoke ? 'smoke, 1 sample' : `${SAMPLES} samples`}; median ms; baseline = plain JsSIP page, same lab run)`);
  for (const [name, r] of Object.entries(results)) {
    const ext = median(r.ext);
    const base = r.base.length ? median(r.base) : NaN;
    const ratio = Number.isNaN(base) ? 'baseline not sampled in smoke mode' : `ratio ${(ext / base).toFixed(3)} (extension / baseline)`;
    console.log(`  ${name.padEnd(38)} extension ${ext.toFixed(0).padStart(6)}  baseline ${Number.isNaN(base) ? '     —' : base.toFixed(0).padStart(6)}  ${ratio}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
