/**
 * A silently dead link (the server frozen, its socket open): how long until
 * the agent is told, with the popup closed, and what the keep-alive that finds
 * it costs. Numbers, not assertions (DESIGN section 8: "server frozen → agent
 * told ≤ 10 s, popup closed, at a measured keep-alive cost").
 *
 *   frozen → status changed   the worker's snapshot leaves "registered"
 *   frozen → agent told       the "cannot receive calls" notification exists
 *   keep-alive cost           SIP bytes per hour while registered and idle,
 *                             keep-alive on (default, 3 s) and off, same run
 *
 *   npm run bench:frozen            5 samples, 120 s idle windows
 *   ... frozen.ts --smoke           1 sample, 20 s idle windows (npm test)
 *
 * Must run inside the private network namespace (scripts/netns-run.sh).
 */
import type { Page, Worker } from 'playwright-core';
import { startLab } from '../lab/lab';
import { assertLoopbackOnly } from '../lib/netns';
import { signedInAgent } from '../lib/signed-in-agent';
import { sleep, until } from '../lib/until';

const smoke = process.argv.includes('--smoke');
const SAMPLES = smoke ? 1 : 5;
const IDLE_MS = smoke ? 20_000 : 120_000;

type Traffic = { bytesIn: number; bytesOut: number; keepAlives: number };

const engineTraffic = (popup: Page): Promise<Traffic> =>
  popup.evaluate(async () => ((await chrome.runtime.sendMessage({ target: 'background', type: 'get-engine-state' })) as { traffic: Traffic }).traffic);
const hasNotice = (w: Worker) => w.evaluate(async () => 'connection' in (await chrome.notifications.getAll()));
const registration = (w: Worker) =>
  w.evaluate(() => (globalThis as unknown as { softphone: { store: { get(): { registration: string } } } }).softphone.store.get().registration);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

async function idleCost(popup: Page): Promise<{ perHour: number; keepAlives: number }> {
  const a = await engineTraffic(popup);
  await sleep(IDLE_MS);
  const b = await engineTraffic(popup);
  const bytes = b.bytesIn - a.bytesIn + (b.bytesOut - a.bytesOut);
  return { perHour: (bytes * 3_600_000) / IDLE_MS, keepAlives: b.keepAlives - a.keepAlives };
}

async function main(): Promise<void> {
  assertLoopbackOnly();
  const lab = await startLab({ quiet: true, workDir: '.lab/bench-frozen' });
  const { browser, popup } = await signedInAgent(lab, 'bob');
  const ctl = await browser.context.newPage(); // Talks to the worker while the popup is closed.
  await ctl.goto(`${browser.origin}/options.html`);
  await popup.goto('about:blank'); // The popup is closed: only the notification can tell.
  try {
    const withKeepAlive = await idleCost(ctl);
    await ctl.evaluate(() => chrome.storage.local.set({ tuning: { keepAliveSeconds: 1_000_000 } }));
    await sleep(1000);
    const without = await idleCost(ctl);
    await ctl.evaluate(() => chrome.storage.local.remove('tuning'));
    await sleep(1000);

    const changed: number[] = [];
    const told: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const w = await browser.worker();
      await until('registered', async () => (await registration(w)) === 'registered' && !(await hasNotice(w)), 60_000);
      await sleep(1000 + Math.random() * 3000); // Anywhere in the keep-alive's cycle.
      const t0 = Date.now();
      await lab.freezeKamailio();
      try {
        await until('status changed', async () => (await registration(w)) !== 'registered', 60_000, 20);
        changed.push(Date.now() - t0);
        await until('agent told', () => hasNotice(w), 60_000, 20);
        told.push(Date.now() - t0);
      } finally {
        await lab.thawKamailio();
      }
    }
    console.log(`\nfrozen server, popup closed (${SAMPLES} sample${SAMPLES > 1 ? 's' : ''}; median ms; target: told ≤ 10 000)`);
    console.log(`  frozen → status changed    ${median(changed).toFixed(0).padStart(6)}   (all: ${changed.join(', ')})`);
    console.log(`  frozen → agent told        ${median(told).toFixed(0).padStart(6)}   (all: ${told.join(', ')})`);
    console.log(`\nSIP signalling while registered and idle (${IDLE_MS / 1000} s windows, same run)`);
    console.log(`  keep-alive on (3 s)        ${(withKeepAlive.perHour / 1024).toFixed(1).padStart(7)} KiB/hour  (${withKeepAlive.keepAlives} keep-alives)`);
    console.log(`  keep-alive off             ${(without.perHour / 1024).toFixed(1).padStart(7)} KiB/hour  (${without.keepAlives} keep-alives)`);
    console.log(`  the keep-alive's cost      ${((withKeepAlive.perHour - without.perHour) / 1024).toFixed(1).padStart(7)} KiB/hour`);
  } finally {
    await browser.context.close();
    await lab.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
