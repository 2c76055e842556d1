/**
 * Fast and light over a working day: what the extension costs from the
 * browser's start to a call, each beside a baseline measured in the same lab
 * run: a plain JsSIP page (the lab console's `?agent=bob` mode) in a Chromium
 * of its own.
 *
 *   cold start     browser launch → the server lists the binding, and → a call
 *                  placed as soon as it is listed rings (the extension's
 *                  ringtone; the page's `incoming` event). The agent signed in
 *                  once with the softphone on, in a persistent profile (the
 *                  microphone grant stored in it, as Chromium's prompt stores
 *                  it); each sample relaunches that profile. Baseline: a browser
 *                  launched on a persistent profile that opens the plain page.
 *   CPU            utime + stime (/proc/<pid>/stat) of the extension's renderer
 *                  (service worker + offscreen document) against the page's
 *                  renderer, same windows; and of each whole browser (every
 *                  process of its tree). Registered and idle, then during one
 *                  answered call.
 *   memory         Pss (/proc/<pid>/smaps_rollup) of the same renderers, idle and
 *                  with one answered call in progress; and their USS (private
 *                  pages only: Pss splits the Chromium binary's shared pages
 *                  among every Chromium process on the machine). The page's
 *                  renderer is the largest that is neither the extension's nor
 *                  the browser's own `--top-chrome-webui` one.
 *   answer         Answer → caller confirmed, answered 1 s after it rings (the
 *                  extension through its worker, as the notification's Answer
 *                  button does; the page with JsSIP's answer()), with the lab's
 *                  usual empty iceServers and with a STUN server that never
 *                  answers ("dead STUN": the lab's black-hole STUN, in both the
 *                  extension's login and the page's credentials). Each also with
 *                  a "bare offer": the caller's INVITE carries no ICE candidate.
 *                  Chromium stops gathering at its first working candidate pair,
 *                  which on loopback comes within milliseconds of the answer when
 *                  the offer lists the caller's candidates, so a dead STUN server
 *                  alone slows little; with a bare offer nothing can work before
 *                  the answer leaves, and the gathering runs until the STUN
 *                  request times out (~40 s for the plain page; the extension
 *                  caps it, ICE_GATHERING_CAP_MS).
 *
 * The keep-alive's cost is measured by frozen.ts.
 *
 *   npm run bench:day          5 cold starts, 60 s idle, 5 answers per row
 *   ... day.ts --smoke         1–2 samples, 15 s idle (npm test)
 *
 * Must run inside the private network namespace (scripts/netns-run.sh).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { startLab, type Lab } from '../lab/lab';
import { CHROMIUM, chromiumArgs, grantMicrophone, launchExtensionBrowser, type ExtensionBrowser } from '../lib/extension-browser';
import { assertLoopbackOnly } from '../lib/netns';
import {
  browserTree,
  CLK_TCK,
  cpuTicks,
  extensionRenderer,
  pageRenderer,
  privateKb,
  pssKb,
  threadBreakdown,
  threadCpuNs,
} from '../lib/proc-usage';
import { signedInAgent } from '../lib/signed-in-agent';
import { sleep, until } from '../lib/until';
import { percentile, printSummary, stripChart, summarise, writeReport, type Rows } from './report';

const smoke = process.argv.includes('--smoke');
const COLD_SAMPLES = smoke ? 1 : 5;
const IDLE_MS = smoke ? 15_000 : 60_000;
/** The idle window is cut in this many parts: one CPU sample each (median, p90). */
const IDLE_PARTS = smoke ? 3 : 6;
const CALL_READINGS = smoke ? 2 : 5;
const ANSWER_SAMPLES = smoke ? 1 : 5;
/**
 * Dead STUN and a bare offer: the plain page waits for Chromium's STUN timeout
 * (~40 s) before it answers, so fewer samples, and none in the smoke run.
 */
const DEAD_STUN_BARE_BASE_SAMPLES = smoke ? 0 : 3;
const SETTLE_MS = smoke ? 3000 : 10_000;
/** An agent answers a second after it rings at the earliest. */
const ANSWER_AFTER_MS = 1000;
const EXT = { user: 'alice', number: '+15550001001' };
const BASE = { user: 'bob', number: '+15550001002' };
const POLL_MS = 25;

type Ev = { t: number; who: string; type: string; id: string };
type Snap = { registration: string; calls: { id: string; phase: string }[] };

// ---------------------------------------------------------------- lab and pages

const listed = async (lab: Lab, user: string) => (await lab.locations(user)).length > 0;

/** Resolves with the time (Date.now()) the server first lists `user`; bounded. */
async function whenListed(lab: Lab, user: string, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (!(await listed(lab, user))) {
    if (Date.now() > deadline) throw new Error(`${user} not registered within ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
  return Date.now();
}

/** Removes `user`'s bindings (the browser that held them is closed) and checks none is left. */
async function unlisted(lab: Lab, user: string): Promise<void> {
  await until(`no binding of ${user}`, async () => {
    await lab.dropBinding(user).catch(() => undefined);
    await sleep(200);
    return !(await listed(lab, user));
  }, 20_000, 200);
}

const events = (page: Page): Promise<Ev[]> =>
  page.evaluate(() => (window as unknown as { lab: { events: Ev[] } }).lab.events.map((e) => ({ t: e.t, who: e.who, type: e.type, id: e.id })));

/** Places a call from the console's caller; t0 is when its INVITE left. `bareOffer`: no ICE candidates in its SDP. */
async function place(consolePage: Page, number: string, bareOffer = false): Promise<{ t0: number; id: string }> {
  const id = await consolePage.evaluate(
    ([n, bare]) => (window as unknown as { lab: { call(n: string, o: object): string } }).lab.call(n, { displayName: 'Day bench', bareOffer: bare }),
    [number, bareOffer] as const,
  );
  const sending = await until('INVITE sent', async () => (await events(consolePage)).find((e) => e.id === id && e.type === 'sending'));
  return { t0: sending.t, id };
}

const callerSaw = async (consolePage: Page, id: string, type: string, timeoutMs = 30_000) =>
  until(`caller ${type}`, async () => (await events(consolePage)).find((e) => e.id === id && e.type === type), timeoutMs, POLL_MS);

async function callOver(consolePage: Page, id: string): Promise<void> {
  await consolePage.evaluate((i) => (window as unknown as { lab: { hangup(i: string): void } }).lab.hangup(i), id);
  await until('call end', async () => (await events(consolePage)).some((e) => e.id === id && (e.type === 'ended' || e.type === 'failed')));
  await sleep(300);
}

const snapshot = (w: Worker): Promise<Snap> =>
  w.evaluate(() => {
    const s = (globalThis as unknown as { softphone: { store: { get(): Snap } } }).softphone.store.get();
    return { registration: s.registration, calls: s.calls.map((c) => ({ id: c.id, phase: c.phase })) };
  });

/** When the extension's ringtone started for a call after `since` (the engine's own timestamp, from the call log). */
const ringtoneAt = (w: Worker, since: number): Promise<number | null> =>
  w.evaluate(async (t) => {
    const { callLog } = (await chrome.storage.local.get('callLog')) as { callLog?: { at: number; event: string }[] };
    return callLog?.find((e) => e.event === 'ringtone' && e.at >= t)?.at ?? null;
  }, since);

// ---------------------------------------------------------------- browsers

const plainArgs = () => chromiumArgs().filter((a) => !a.startsWith('--load-extension=') && !a.startsWith('--disable-extensions-except='));

/** Debian Chromium without the extension, on a persistent profile. */
function launchPlain(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: plainArgs(),
    viewport: { width: 360, height: 560 },
  });
}

/** Signs the agent in through the popup with the softphone on (signedInAgent, on a profile of our own). */
async function signIn(browser: ExtensionBrowser, lab: Lab, user: string): Promise<void> {
  const holder = await browser.context.newPage();
  await grantMicrophone(browser.context, holder, browser.origin);
  const popup = await browser.context.newPage();
  await popup.goto(`${browser.origin}/popup.html`);
  await popup.getByRole('textbox', { name: 'Server' }).fill(lab.loginUrl);
  await popup.getByRole('textbox', { name: 'Username' }).fill(user);
  await popup.getByLabel('Password').fill(`${user}-password`);
  await popup.getByRole('button', { name: 'Sign in' }).click();
  await popup.getByRole('switch', { name: 'Softphone' }).click();
  await popup.getByText('Ready to receive calls').waitFor({ timeout: 20_000 });
}

/**
 * The microphone allowed for `origin` in the profile itself, as Chromium's
 * prompt stores it (the CDP grant dies with the browser). Written while the
 * browser is closed (as test/e2e/session-lifecycle.test.ts does).
 */
async function persistMicrophoneGrant(userDataDir: string, origin: string): Promise<void> {
  const path = join(userDataDir, 'Default', 'Preferences');
  const prefs = JSON.parse(await readFile(path, 'utf8')) as { profile?: { content_settings?: { exceptions?: Record<string, unknown> } } };
  const exceptions = (((prefs.profile ??= {}).content_settings ??= {}).exceptions ??= {});
  exceptions['media_stream_mic'] = { ...(exceptions['media_stream_mic'] as object | undefined), [`${origin},*`]: { last_modified: '13350000000000000', setting: 1 } };
  await writeFile(path, JSON.stringify(prefs));
}

// ---------------------------------------------------------------- 1. cold start

interface Cold {
  registered: number;
  rings: number;
}

async function coldExtension(lab: Lab, consolePage: Page, profile: string): Promise<Cold & { browser: ExtensionBrowser }> {
  await unlisted(lab, EXT.user);
  const t0 = Date.now();
  const listedAt = whenListed(lab, EXT.user);
  listedAt.catch(() => undefined); // Awaited below; a failed launch must not leave it unhandled.
  const browser = await launchExtensionBrowser({ userDataDir: profile });
  try {
    const registeredAt = await listedAt;
    const call = await place(consolePage, EXT.number);
    const w = await browser.worker();
    const rang = await until('the extension rings', () => ringtoneAt(w, call.t0), 20_000, 100);
    await callOver(consolePage, call.id);
    return { registered: registeredAt - t0, rings: rang - t0, browser };
  } catch (error) {
    await browser.context.close();
    throw error;
  }
}

async function coldBaseline(lab: Lab, consolePage: Page, profile: string): Promise<Cold & { context: BrowserContext; page: Page }> {
  await unlisted(lab, BASE.user);
  const t0 = Date.now();
  const listedAt = whenListed(lab, BASE.user);
  listedAt.catch(() => undefined);
  const context = await launchPlain(profile);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${lab.consoleUrl}?agent=${BASE.user}`);
    const registeredAt = await listedAt;
    const call = await place(consolePage, BASE.number);
    const incoming = await until('the page rings', async () => (await events(page)).find((e) => e.type === 'incoming' && e.t >= call.t0), 20_000, POLL_MS);
    await callOver(consolePage, call.id);
    return { registered: registeredAt - t0, rings: incoming.t - t0, context, page };
  } catch (error) {
    await context.close();
    throw error;
  }
}

// ---------------------------------------------------------------- 2, 3. CPU and memory

/** CPU ticks per live process of a tree. */
function ticksByPid(profile: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of browserTree(profile)) {
    try {
      out.set(p.pid, cpuTicks(p.pid));
    } catch {
      // Ended meanwhile.
    }
  }
  return out;
}

/** Ticks the tree used between two readings (a process born in between counts from zero; one that ended is lost). */
function treeDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ticks] of after) sum += ticks - (before.get(pid) ?? 0);
  return sum;
}

const ticksToMsPerMinute = (ticks: number, windowMs: number) => ((ticks / CLK_TCK) * 1000 * 60_000) / windowMs;

interface Side {
  profile: string;
  pid: number;
}

type Threads = { name: string; ns: number }[];

interface Usage {
  cpu: Rows;
  memory: Rows;
  /** Per CPU row: utime + stime over the whole window, before and after (CPU ms per minute); the parts are coarse (10 ms ticks). */
  totals: Record<string, { ext: number; base: number; windowMs: number }>;
  /** Per window: where each renderer's CPU went, by thread (schedstat). */
  threads: Record<string, { ext: Threads; base: Threads; windowMs: number }>;
}

/** CPU (per part of the window) and memory (at each part's end) of both renderers and both browsers, over `windowMs`. */
async function measureWindow(ext: Side, base: Side, windowMs: number, parts: number, label: string, usage: Usage): Promise<void> {
  const row = (table: Rows, name: string) => (table[name] = { ext: [] as number[], base: [] as number[] });
  const rows = {
    renderer: row(usage.cpu, `renderer, ${label}`),
    browser: row(usage.cpu, `whole browser, ${label}`),
    pss: row(usage.memory, `renderer Pss, ${label}`),
    uss: row(usage.memory, `renderer USS, ${label}`),
  };
  const threads0 = { ext: threadCpuNs(ext.pid), base: threadCpuNs(base.pid) };
  const t0 = Date.now();
  const reading = () => ({ at: Date.now(), ext: cpuTicks(ext.pid), base: cpuTicks(base.pid), extTree: ticksByPid(ext.profile), baseTree: ticksByPid(base.profile) });
  const first = reading();
  let start = first;
  for (let i = 0; i < parts; i++) {
    await sleep(windowMs / parts);
    const end = reading();
    const ms = end.at - start.at;
    rows.renderer.ext.push(ticksToMsPerMinute(end.ext - start.ext, ms));
    rows.renderer.base.push(ticksToMsPerMinute(end.base - start.base, ms));
    rows.browser.ext.push(ticksToMsPerMinute(treeDelta(start.extTree, end.extTree), ms));
    rows.browser.base.push(ticksToMsPerMinute(treeDelta(start.baseTree, end.baseTree), ms));
    rows.pss.ext.push(pssKb(ext.pid) / 1024);
    rows.pss.base.push(pssKb(base.pid) / 1024);
    rows.uss.ext.push(privateKb(ext.pid) / 1024);
    rows.uss.base.push(privateKb(base.pid) / 1024);
    start = end;
  }
  const ms = start.at - first.at;
  usage.totals[`renderer, ${label}`] = { ext: ticksToMsPerMinute(start.ext - first.ext, ms), base: ticksToMsPerMinute(start.base - first.base, ms), windowMs: ms };
  usage.totals[`whole browser, ${label}`] = {
    ext: ticksToMsPerMinute(treeDelta(first.extTree, start.extTree), ms),
    base: ticksToMsPerMinute(treeDelta(first.baseTree, start.baseTree), ms),
    windowMs: ms,
  };
  usage.threads[label] = {
    ext: threadBreakdown(threads0.ext, threadCpuNs(ext.pid)),
    base: threadBreakdown(threads0.base, threadCpuNs(base.pid)),
    windowMs: Date.now() - t0,
  };
}

// ---------------------------------------------------------------- 4. answer

async function answerExtension(consolePage: Page, browser: ExtensionBrowser, bareOffer: boolean): Promise<number> {
  const call = await place(consolePage, EXT.number, bareOffer);
  try {
    const id = await until('the extension rings', async () => (await snapshot(await browser.worker())).calls.find((c) => c.phase === 'ringing')?.id, 20_000, POLL_MS);
    await sleep(ANSWER_AFTER_MS);
    // The path of the notification's Answer button and the keyboard shortcut: the worker asks the engine.
    const t1 = await (await browser.worker()).evaluate((callId) => {
      const t = Date.now();
      void (globalThis as unknown as { softphone: { calls: { op(id: string, op: object): Promise<unknown> } } }).softphone.calls.op(callId, { kind: 'answer' });
      return t;
    }, id);
    const confirmed = await callerSaw(consolePage, call.id, 'confirmed', 120_000);
    return confirmed.t - t1;
  } finally {
    await callOver(consolePage, call.id);
  }
}

async function answerBaseline(consolePage: Page, page: Page, bareOffer: boolean): Promise<number> {
  const call = await place(consolePage, BASE.number, bareOffer);
  try {
    await until('the page rings', async () => (await events(page)).find((e) => e.type === 'incoming' && e.t >= call.t0), 20_000, POLL_MS);
    await sleep(ANSWER_AFTER_MS);
    const t1 = await page.evaluate(() => {
      const t = Date.now();
      (window as unknown as { lab: { answer(): string | null } }).lab.answer();
      return t;
    });
    const confirmed = await callerSaw(consolePage, call.id, 'confirmed', 120_000);
    return confirmed.t - t1;
  } finally {
    await callOver(consolePage, call.id);
  }
}

/**
 * Two rows: answered calls with the caller's usual offer, and with a bare
 * offer (no ICE candidates). Alternating which side goes first. The plain
 * page may take fewer samples of the bare offer (`bareBaseSamples`): with a
 * dead STUN server it waits for Chromium's STUN timeout (~40 s) each time.
 */
async function answerRows(times: Rows, name: string, consolePage: Page, ext: ExtensionBrowser, page: Page, samples: number, bareBaseSamples = samples): Promise<void> {
  for (const bare of [false, true]) {
    const row = (times[bare ? `${name}, bare offer` : name] = { ext: [] as number[], base: [] as number[] });
    for (let i = 0; i < samples; i++) {
      const base = !bare || i < bareBaseSamples;
      if (i % 2 === 0) {
        row.ext.push(await answerExtension(consolePage, ext, bare));
        if (base) row.base.push(await answerBaseline(consolePage, page, bare));
      } else {
        if (base) row.base.push(await answerBaseline(consolePage, page, bare));
        row.ext.push(await answerExtension(consolePage, ext, bare));
      }
    }
    for (let i = samples; i < bareBaseSamples && bare; i++) row.base.push(await answerBaseline(consolePage, page, bare));
  }
}

// ---------------------------------------------------------------- output

function fmt(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '—';
}

/** Per row: the whole window (CPU s per minute, % of one core) and its parts' median and p90 (% of one core). */
function printCpu(title: string, usage: Usage): void {
  console.log(`\n${title}`);
  for (const [name, r] of Object.entries(usage.cpu)) {
    const total = usage.totals[name];
    if (!total) continue;
    const pct = (msPerMinute: number) => `${fmt(msPerMinute / 600, 2).padStart(5)}%`;
    const side = (whole: number, parts: number[]) =>
      `${fmt(whole / 1000, 3).padStart(6)} s/min = ${pct(whole)} of a core (parts: median ${pct(percentile(parts, 0.5))}, p90 ${pct(percentile(parts, 0.9))})`;
    console.log(`  ${name.padEnd(36)} extension ${side(total.ext, r.ext)}  baseline ${side(total.base, r.base)}  ratio ${fmt(total.ext / total.base, 2)}  n=${r.ext.length}`);
  }
}

function printMemory(title: string, rows: Rows): void {
  console.log(`\n${title}`);
  for (const [name, r] of Object.entries(rows)) {
    const e = percentile(r.ext, 0.5);
    const b = percentile(r.base, 0.5);
    console.log(
      `  ${name.padEnd(36)} extension ${fmt(e, 1).padStart(6)} MiB (p90 ${fmt(percentile(r.ext, 0.9), 1).padStart(6)})  baseline ${fmt(b, 1).padStart(6)} MiB (p90 ${fmt(percentile(r.base, 0.9), 1).padStart(6)})  ratio ${fmt(e / b, 2)}  n=${r.ext.length}`,
    );
  }
}

/** JSON and a strip chart in artifacts/bench/ for rows in another unit than ms (report.ts's chart says "ms"). */
async function writeUnitReport(name: string, title: string, rows: Rows, unit: string, extra: object): Promise<string[]> {
  const dir = join(process.cwd(), 'artifacts', 'bench');
  await mkdir(dir, { recursive: true });
  const json = join(dir, `${name}.json`);
  const svg = join(dir, `${name}.svg`);
  await writeFile(json, JSON.stringify({ title, unit, at: new Date().toISOString(), summary: summarise(rows), samples: rows, ...extra }, null, 2));
  await writeFile(svg, stripChart(title, rows).replace(/ ms<\/text>/, ` ${unit}</text>`));
  return [json, svg];
}

function printThreads(usage: Usage): void {
  for (const [label, threads] of Object.entries(usage.threads)) {
    const perMinute = (ns: number) => (ns / 1e6) * (60_000 / threads.windowMs);
    const line = (list: Threads) => {
      const total = list.reduce((sum, t) => sum + t.ns, 0);
      const top = list.slice(0, 6).map((t) => `${t.name} ${fmt(perMinute(t.ns), 0)}`).join(', ');
      return `${fmt(perMinute(total), 0).padStart(5)} ms/min${top ? `: ${top}` : ''}`;
    };
    console.log(`  the renderer's CPU by thread, ${label} (schedstat, live threads, CPU ms per minute):`);
    console.log(`    extension ${line(threads.ext)}`);
    console.log(`    baseline  ${line(threads.base)}`);
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  assertLoopbackOnly();
  const started = Date.now();
  // Its own work dir: the other benchmarks and the tests may run beside it, each in its own namespace.
  const lab = await startLab({ quiet: true, workDir: '.lab/bench-day' });
  const scratch = await mkdtemp(join(tmpdir(), 'softphone-day-'));
  const extProfile = join(scratch, 'extension');
  const baseProfile = join(scratch, 'baseline');
  const toClose: (() => Promise<unknown>)[] = [];
  const times: Rows = {
    'launch → registered': { ext: [], base: [] },
    'launch → first call rings': { ext: [], base: [] },
  };
  const usage: Usage = { cpu: {}, memory: {}, totals: {}, threads: {} };
  let stunRequests: number;
  try {
    // The extension's agent is the only phone for alice's calls; both ring long enough for any answer.
    await lab.setRouting(EXT.user, { forwardingEnabled: false, ringTimeoutSeconds: 120 });
    await lab.setRouting(BASE.user, { ringTimeoutSeconds: 120 });

    // The lab's caller, in a browser of its own.
    const consoleContext = await launchPlain(join(scratch, 'console'));
    toClose.push(() => consoleContext.close());
    const consolePage = consoleContext.pages()[0] ?? (await consoleContext.newPage());
    await grantMicrophone(consoleContext, consolePage, new URL(lab.consoleUrl).origin);
    await consolePage.goto(lab.consoleUrl);
    await consolePage.evaluate(() => (window as unknown as { lab: { ready: Promise<void> } }).lab.ready);

    // First launches: the agent signs in once, softphone on; the page's profile is created.
    const first = await launchExtensionBrowser({ userDataDir: extProfile });
    await signIn(first, lab, EXT.user);
    const origin = first.origin;
    await first.context.close();
    await persistMicrophoneGrant(extProfile, origin);
    const firstPlain = await launchPlain(baseProfile);
    await (firstPlain.pages()[0] ?? (await firstPlain.newPage())).goto(`${lab.consoleUrl}?agent=${BASE.user}`);
    await whenListed(lab, BASE.user);
    await firstPlain.close();

    // 1. Cold starts, alternating which goes first. The last of each stays open.
    let ext: ExtensionBrowser | null = null;
    let base: { context: BrowserContext; page: Page } | null = null;
    for (let i = 0; i < COLD_SAMPLES; i++) {
      const last = i === COLD_SAMPLES - 1;
      for (const side of i % 2 === 0 ? (['ext', 'base'] as const) : (['base', 'ext'] as const)) {
        if (side === 'ext') {
          const r = await coldExtension(lab, consolePage, extProfile);
          times['launch → registered']!.ext.push(r.registered);
          times['launch → first call rings']!.ext.push(r.rings);
          if (last) ext = r.browser;
          else await r.browser.context.close();
        } else {
          const r = await coldBaseline(lab, consolePage, baseProfile);
          times['launch → registered']!.base.push(r.registered);
          times['launch → first call rings']!.base.push(r.rings);
          if (last) base = r;
          else await r.context.close();
        }
      }
    }
    if (!ext || !base) throw new Error('no browser left open after the cold starts');
    const extBrowser: ExtensionBrowser = ext;
    const baseSide = base;
    toClose.push(() => extBrowser.context.close(), () => baseSide.context.close());
    await grantMicrophone(baseSide.context, baseSide.page, new URL(lab.consoleUrl).origin);

    // 2, 3. Registered and idle: nothing touches either browser during the window.
    await sleep(SETTLE_MS);
    const extSide: Side = { profile: extProfile, pid: extensionRenderer(extProfile).pid };
    const pageSide: Side = { profile: baseProfile, pid: pageRenderer(baseProfile).pid };
    await measureWindow(extSide, pageSide, IDLE_MS, IDLE_PARTS, 'registered and idle', usage);

    // 3. One answered call in each, at the same time.
    const extCall = await place(consolePage, EXT.number);
    const baseCall = await place(consolePage, BASE.number);
    try {
      const extId = await until('the extension rings', async () => (await snapshot(await extBrowser.worker())).calls.find((c) => c.phase === 'ringing')?.id, 20_000);
      await until('the page rings', async () => (await events(baseSide.page)).some((e) => e.type === 'incoming' && e.t >= baseCall.t0), 20_000);
      await sleep(ANSWER_AFTER_MS);
      await (await extBrowser.worker()).evaluate((id) => {
        void (globalThis as unknown as { softphone: { calls: { op(id: string, op: object): Promise<unknown> } } }).softphone.calls.op(id, { kind: 'answer' });
      }, extId);
      await baseSide.page.evaluate(() => (window as unknown as { lab: { answer(): string | null } }).lab.answer());
      await callerSaw(consolePage, extCall.id, 'confirmed');
      await callerSaw(consolePage, baseCall.id, 'confirmed');
      await sleep(SETTLE_MS);
      await measureWindow(extSide, pageSide, CALL_READINGS * 1000, CALL_READINGS, 'one answered call', usage);
    } finally {
      await callOver(consolePage, extCall.id);
      await callOver(consolePage, baseCall.id);
    }

    // 4. Answer → caller confirmed, the lab's usual iceServers ([]).
    await answerRows(times, 'Answer → confirmed', consolePage, extBrowser, baseSide.page, ANSWER_SAMPLES);

    // 4. The same with a STUN server that never answers: new logins (the extension signs in
    // again in a new profile; the page fetches new credentials) list it in their iceServers.
    const hole = await lab.setBlackholeStun(true);
    await extBrowser.context.close();
    await unlisted(lab, EXT.user);
    const { browser: holeBrowser, popup } = await signedInAgent(lab, EXT.user);
    toClose.push(() => holeBrowser.context.close());
    await popup.close();
    const granted = await (await holeBrowser.worker()).evaluate(async () => {
      const { session } = (await chrome.storage.local.get('session')) as { session?: { sip: { iceServers: unknown } } };
      return JSON.stringify(session?.sip.iceServers);
    });
    if (!granted.includes(hole.uri)) throw new Error(`the extension's login has iceServers ${granted}, not ${hole.uri}`);
    await baseSide.page.goto('about:blank');
    await unlisted(lab, BASE.user);
    await baseSide.page.goto(`${lab.consoleUrl}?agent=${BASE.user}`);
    await baseSide.page.evaluate(() => (window as unknown as { lab: { ready: Promise<void> } }).lab.ready);
    await whenListed(lab, BASE.user);
    const before = (await lab.blackholeStun()).requests;
    await answerRows(times, 'Answer → confirmed, dead STUN', consolePage, holeBrowser, baseSide.page, ANSWER_SAMPLES, DEAD_STUN_BARE_BASE_SAMPLES);
    stunRequests = (await lab.blackholeStun()).requests - before;
    await lab.setBlackholeStun(false);
  } finally {
    for (const close of toClose.reverse()) await close().catch(() => undefined);
    await lab.stop();
    await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
  }

  const how = smoke ? 'smoke' : 'full';
  const timesTitle = `working day: start and answer (${how}; ms; baseline = plain JsSIP page, same lab run)`;
  printSummary(timesTitle, summarise(times));
  console.log(`  black-hole STUN: ${stunRequests} binding requests received, none answered, during its rows`);
  console.log(`  written: ${(await writeReport('day', timesTitle, times)).join(', ')}`);

  const cpuTitle = `working day: CPU time, utime + stime (${how}; ${IDLE_MS / 1000} s idle in ${IDLE_PARTS} parts, ${CALL_READINGS} s in a call in ${CALL_READINGS}; same windows for both)`;
  printCpu(cpuTitle, usage);
  printThreads(usage);
  console.log(`  written: ${(await writeUnitReport('day-cpu', `${cpuTitle}, CPU ms per minute`, usage.cpu, 'CPU ms/min', { wholeWindow: usage.totals, threads: usage.threads, clockTicksPerSecond: CLK_TCK })).join(', ')}`);

  const memoryTitle = `working day: memory (${how}; the renderer's Pss and USS = Private_Clean + Private_Dirty, MiB)`;
  printMemory(memoryTitle, usage.memory);
  console.log(`  written: ${(await writeUnitReport('day-memory', memoryTitle, usage.memory, 'MiB', {})).join(', ')}`);
  console.log(`  total ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
