/**
 * Benchmarks (DESIGN section 8), each beside a baseline measured in the same
 * run: a plain JsSIP page with default behaviour (the lab console's `?agent=`
 * mode, registered as bob).
 *
 * Calls: INVITE sent → ringtone playing (its audio clock running) /
 * notification shown (by the phone engine itself; worker awake, and worker
 * stopped just before the call) / the worker heard of the call (the trace of
 * the hop the notification no longer waits for), and Answer clicked → caller
 * confirmed. The baseline's ring is the plain JsSIP page's newRTCSession.
 * Timestamps are Date.now() in the pages and the extension, one machine clock.
 *
 * Playwright attaches a debugger to the extension's worker, and an attached
 * worker never stops by itself: "worker stopped" is made by force here. Whether
 * it sleeps on its own while the agent waits, and what the engine's heartbeat
 * changes, is measured without Playwright by `npm run bench:sleep`.
 *
 * Recovery: how long from a fault until the SIP
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
import { grantMicrophone, type ExtensionBrowser } from '../lib/extension-browser';
import { signedInAgent } from '../lib/signed-in-agent';
import { assertLoopbackOnly } from '../lib/netns';
import { until } from '../lib/until';
import { printSummary, summarise, writeReport } from './report';

const smoke = process.argv.includes('--smoke');
const SAMPLES = smoke ? 1 : 3;
const POLL_MS = 50;
const MAX_WAIT_MS = 180_000;
const EXT_USER = 'alice';
const BASELINE_USER = 'bob';


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

type Ev = { t: number; who: string; type: string; id: string };
type TimelineEntry = { at: number; event: string };

async function events(page: Page): Promise<Ev[]> {
  return page.evaluate(() => (window as unknown as { lab: { events: Ev[] } }).lab.events.map((e) => ({ ...e })));
}

async function timelineAfter(popup: Page, event: string, t0: number): Promise<number> {
  return until(event, async () => {
    const entries = (await popup.evaluate(() => chrome.runtime.sendMessage({ target: 'background', type: 'get-call-log' }))) as TimelineEntry[];
    return entries.find((e) => e.event === event && e.at >= t0)?.at;
  });
}

/** Places a call; t0 is when the caller's INVITE left (JsSIP `sending`, after its ICE gathering). */
async function place(consolePage: Page, number: string): Promise<{ t0: number; id: string }> {
  const id = await consolePage.evaluate(
    (n) => (window as unknown as { lab: { call(n: string, o: object): string } }).lab.call(n, { displayName: 'Bench' }),
    number,
  );
  const sending = await until('INVITE sent', async () => (await events(consolePage)).find((e) => e.id === id && e.type === 'sending'));
  return { t0: sending.t, id };
}

async function callOver(consolePage: Page, id: string): Promise<void> {
  await consolePage.evaluate((i) => (window as unknown as { lab: { hangup(i: string): void } }).lab.hangup(i), id);
  await until('call end', async () => (await events(consolePage)).some((e) => e.id === id && (e.type === 'ended' || e.type === 'failed')));
  await new Promise((r) => setTimeout(r, 300));
}

async function callBenchmarks(lab: Lab, browser: ExtensionBrowser, popup: Page, baseline: Page): Promise<Record<string, { ext: number[]; base: number[] }>> {
  const consolePage = await browser.context.newPage();
  await grantMicrophone(browser.context, consolePage, new URL(lab.consoleUrl).origin);
  await consolePage.goto(lab.consoleUrl);
  await consolePage.evaluate(() => (window as unknown as { lab: { ready: Promise<void> } }).lab.ready);
  const r = {
    'INVITE → engine sees the call': { ext: [] as number[], base: [] as number[] },
    'INVITE → ringtone (worker awake)': { ext: [] as number[], base: [] as number[] },
    // A/B in the same run: the engine shows the notification (web notification), or the worker does (chrome.notifications).
    'INVITE → notification by the engine (worker awake)': { ext: [] as number[], base: [] as number[] },
    'INVITE → notification by the worker (worker awake)': { ext: [] as number[], base: [] as number[] },
    'INVITE → notification by the engine (worker stopped)': { ext: [] as number[], base: [] as number[] },
    'INVITE → notification by the worker (worker stopped)': { ext: [] as number[], base: [] as number[] },
    // The trace: when the worker heard of the call.
    'INVITE → worker knows (awake)': { ext: [] as number[], base: [] as number[] },
    'INVITE → worker knows (stopped)': { ext: [] as number[], base: [] as number[] },
    'Answer → caller confirmed': { ext: [] as number[], base: [] as number[] },
    // A/B: the microphone taken while the call rings (the lever) instead of on Answer (the default).
    'Answer → caller confirmed (microphone taken while ringing)': { ext: [] as number[], base: [] as number[] },
  };
  const cdp = await browser.context.newCDPSession(popup);
  await cdp.send('ServiceWorker.enable');
  /** Who shows the call notification (the extension's `tuning.engineNotifies`, applied without re-registering). */
  const setTuning = async (tuning: Record<string, number>) => {
    await popup.evaluate((t) => chrome.storage.local.set({ tuning: t }), tuning);
    await new Promise((res) => setTimeout(res, 500));
  };
  const notifier = (who: 'engine' | 'worker') => setTuning({ engineNotifies: who === 'engine' ? 1 : 0 });
  /** Answers the ringing call from the popup; ms from the click until the caller is confirmed. */
  const answer = async (callerId: string) => {
    await popup.getByRole('button', { name: 'Answer' }).waitFor();
    const t1 = await popup.evaluate(() => {
      const t = Date.now();
      (document.querySelector('button.answer') as HTMLButtonElement).click();
      return t;
    });
    const confirmed = await until('caller confirmed', async () => (await events(consolePage)).find((e) => e.id === callerId && e.type === 'confirmed'));
    return confirmed.t - t1;
  };
  const n = smoke ? 2 : 20;
  for (let i = 0; i < n; i++) {
    // Alternating which goes first, so neither always runs on a fresher machine.
    const order: ('engine' | 'worker')[] = i % 2 === 0 ? ['engine', 'worker'] : ['worker', 'engine'];
    for (const who of order) {
      await notifier(who);
      // The extension, worker awake.
      const ext = await place(consolePage, '+15550001001');
      r[`INVITE → notification by the ${who} (worker awake)`].ext.push((await timelineAfter(popup, 'call-notified', ext.t0)) - ext.t0);
      if (who === 'worker') { // The default path: the other rows are measured on it.
        r['INVITE → engine sees the call'].ext.push((await timelineAfter(popup, 'incoming', ext.t0)) - ext.t0);
        r['INVITE → ringtone (worker awake)'].ext.push((await timelineAfter(popup, 'ringtone', ext.t0)) - ext.t0);
        r['INVITE → worker knows (awake)'].ext.push((await timelineAfter(popup, 'worker-knows', ext.t0)) - ext.t0);
        r['Answer → caller confirmed'].ext.push(await answer(ext.id));
      }
      await callOver(consolePage, ext.id);

      // The extension, worker stopped just before the call (nothing polls it meanwhile).
      await cdp.send('ServiceWorker.stopAllWorkers');
      await new Promise((res) => setTimeout(res, 500));
      const asleep = await place(consolePage, '+15550001001');
      await new Promise((res) => setTimeout(res, 1500));
      r[`INVITE → notification by the ${who} (worker stopped)`].ext.push((await timelineAfter(popup, 'call-notified', asleep.t0)) - asleep.t0);
      if (who === 'worker') r['INVITE → worker knows (stopped)'].ext.push((await timelineAfter(popup, 'worker-knows', asleep.t0)) - asleep.t0);
      await callOver(consolePage, asleep.id);
    }
    await setTuning({ micWhileRinging: 1 });
    const early = await place(consolePage, '+15550001001');
    await timelineAfter(popup, 'ringtone', early.t0);
    r['Answer → caller confirmed (microphone taken while ringing)'].ext.push(await answer(early.id));
    await callOver(consolePage, early.id);
    await setTuning({});

    // The plain JsSIP page: INVITE → its `incoming` event, and its answer.
    const base = await place(consolePage, '+15550001002');
    const incoming = await until('baseline incoming', async () => (await events(baseline)).find((e) => e.type === 'incoming' && e.t >= base.t0));
    for (const key of Object.keys(r).filter((k) => k.startsWith('INVITE')) as (keyof typeof r)[]) {
      r[key].base.push(incoming.t - base.t0);
    }
    const t2 = await baseline.evaluate(() => {
      const t = Date.now();
      (window as unknown as { lab: { answer(): string | null } }).lab.answer();
      return t;
    });
    const baseConfirmed = await until('baseline confirmed', async () => (await events(consolePage)).find((e) => e.id === base.id && e.type === 'confirmed'));
    r['Answer → caller confirmed'].base.push(baseConfirmed.t - t2);
    r['Answer → caller confirmed (microphone taken while ringing)'].base.push(baseConfirmed.t - t2);
    await callOver(consolePage, base.id);
  }
  // The console page stays open: closing it would detach its CDP session, and
  // Chromium then resets the context's permission overrides — the extension's
  // microphone grant included (the phone would rightly unregister).
  return r;
}


async function main(): Promise<void> {
  assertLoopbackOnly();
  // Its own work dir: the bench may run beside the tests, each in its own namespace.
  const lab = await startLab({ quiet: true, workDir: '.lab/bench' });
  // The extension's agent must be the only phone that can answer alice's calls.
  await lab.setRouting(EXT_USER, { forwardingEnabled: false });
  const { browser, popup } = await signedInAgent(lab, EXT_USER);
  const baseline = await browser.context.newPage();
  await baseline.goto(`${lab.consoleUrl}?agent=${BASELINE_USER}`);
  await baseline.evaluate(() => (window as unknown as { lab: { ready: Promise<void> } }).lab.ready);
  await waitListed(lab, [EXT_USER, BASELINE_USER]);

  const calls = await callBenchmarks(lab, browser, popup, baseline);
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

  const callTitle = `call benchmark (${smoke ? 'smoke, 2 samples' : '20 samples'} per row; ms; baseline = plain JsSIP page, same lab run)`;
  printSummary(callTitle, summarise(calls));
  console.log(`  written: ${(await writeReport('calls', callTitle, calls)).join(', ')}`);
  const recoveryTitle = `recovery benchmark (${smoke ? 'smoke, 1 sample' : `${SAMPLES} samples`}; ms; baseline = plain JsSIP page, same lab run)`;
  printSummary(recoveryTitle, summarise(results));
  console.log(`  written: ${(await writeReport('recovery', recoveryTitle, results)).join(', ')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
