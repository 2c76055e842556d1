/**
 * The demo behind `npm start` (scripts/demo.sh builds first and picks the mode):
 * the real lab (Kamailio + login service) on 127.0.0.1, Debian Chromium with
 * the built extension, the demo account signed in through the popup, a call
 * placed from the lab console, answered in the popup, audio measured at both
 * ends, hung up. Each step prints one line: step, ms since start, ms it took.
 *
 *   npx tsx scripts/demo.ts --headless   inside scripts/netns-run.sh; saves a
 *                                        screenshot of the popup after each step in
 *                                        artifacts/demo/, cleans up, exits 0
 *   npx tsx scripts/demo.ts              headed (needs a display); leaves the
 *                                        browser open until Ctrl-C or it is closed
 *
 * Exits 1 with the failing step's name when anything does not happen, including
 * audio that does not flow both ways.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import type { LabConsoleApi, LabEvent } from './lab/console/api';
import { startLab, type Lab } from './lab/lab';
import { grantMicrophone, launchExtensionBrowser, type ExtensionBrowser } from './lib/extension-browser';
import type { Snapshot } from '../src/shared/snapshot';
import { networkInterfaces } from './lib/netns';
import { sleep, until as untilOrThrow } from './lib/until';
import { processesMentioning } from './lib/procfs';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Its own work dir, so a demo never shares Kamailio's config or ctl socket with a test run. */
const WORK_DIR = join(REPO_ROOT, '.lab', 'demo');
const SHOTS_DIR = join(REPO_ROOT, 'artifacts', 'demo');
const ACCOUNT = { user: 'alice', password: 'alice-password', name: 'Alice Agent', number: '+15550001001' };
const CALLER_NAME = 'Demo Caller';
const RING_TIMEOUT_SECONDS = 28;
const TALK_MS = 3_000;
const STEP_TIMEOUT_MS = 20_000;
const NAME_WIDTH = 33;

interface AudioBytes {
  bytesSent: number;
  bytesReceived: number;
}

const headless = process.argv.includes('--headless');
const t0 = Date.now();

let lab: Lab | null = null;
let browser: ExtensionBrowser | null = null;
let popup: Page | null = null;
let stepNo = 0;
let cleaning: Promise<string[]> | null = null;
/** Set once every step passed: a Ctrl-C after that is the normal end of a headed demo. */
let passed = false;
/** A Ctrl-C (or SIGTERM) arrived: its handler stops everything and exits. */
let signalled = false;

// ---- output -----------------------------------------------------------------

function line(text: string): void {
  process.stdout.write(`${text}\n`);
}

function audioLine(extension: AudioBytes, caller: AudioBytes): string {
  return (
    `extension sent ${extension.bytesSent} B / received ${extension.bytesReceived} B; ` +
    `caller sent ${caller.bytesSent} B / received ${caller.bytesReceived} B`
  );
}

/**
 * Runs one step: prints "NN name  at  took  detail" when it succeeds, and in
 * headless mode saves the popup as artifacts/demo/NN-name.png.
 */
async function step<T>(name: string, run: () => Promise<T>, detail: (result: T) => string = () => ''): Promise<T> {
  stepNo += 1;
  const currentStep = `${String(stepNo).padStart(2, '0')} ${name}`;
  const started = Date.now();
  let result: T;
  try {
    result = await run();
  } catch (error) {
    throw new StepError(currentStep, error);
  }
  const done = Date.now();
  line(`${currentStep.padEnd(NAME_WIDTH)} ${String(done - t0).padStart(6)} ms ${String(done - started).padStart(6)} ms   ${detail(result)}`.trimEnd());
  await screenshot(slug(currentStep));
  return result;
}

class StepError extends Error {
  constructor(
    readonly step: string,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

async function screenshot(name: string): Promise<void> {
  if (!headless || !popup || popup.isClosed()) return;
  // The body is what the toolbar popup would show (popup.css fixes its width).
  await popup.locator('body').screenshot({ path: join(SHOTS_DIR, `${name}.png`), animations: 'disabled', timeout: 5_000 });
}

// ---- waiting ----------------------------------------------------------------

/** Polls until `check` gives a truthy value, bounded by a step's timeout. */
function until<T>(what: string, check: () => Promise<T> | T, timeoutMs = STEP_TIMEOUT_MS): Promise<NonNullable<T>> {
  return untilOrThrow(what, check, timeoutMs);
}

// ---- the extension and the console --------------------------------------------

function sendToWorker<T>(page: Page, message: { type: string; callId?: string }): Promise<T> {
  return page.evaluate((m) => chrome.runtime.sendMessage({ target: 'background', ...m }), message) as Promise<T>;
}

const snapshot = (page: Page) => sendToWorker<Snapshot>(page, { type: 'get-snapshot' });
async function extensionAudio(page: Page): Promise<AudioBytes | null> {
  const call = (await snapshot(page)).calls[0];
  return call ? sendToWorker<AudioBytes | null>(page, { type: 'get-call-stats', callId: call.id }) : null;
}

async function statusText(page: Page): Promise<string> {
  return ((await page.getByRole('status').textContent()) ?? '').trim();
}

async function waitForStatus(page: Page, text: string): Promise<string> {
  let seen = '';
  try {
    return await until(`the popup's status to say "${text}"`, async () => {
      seen = await statusText(page);
      return seen.includes(text) ? seen : null;
    });
  } catch {
    const s = await snapshot(page).catch(() => null);
    const state = s ? `; worker snapshot: registration ${s.registration}, error ${s.registrationError ?? 'none'}, softphone ${s.softphoneEnabled ? 'on' : 'off'}` : '';
    throw new Error(`timed out after ${STEP_TIMEOUT_MS / 1000} s waiting for the popup's status to say "${text}"; it says "${seen}"${state}`);
  }
}

type ConsoleWindow = Window & { lab: LabConsoleApi };

function consoleEvents(page: Page): Promise<LabEvent[]> {
  return page.evaluate(() => (window as unknown as ConsoleWindow).lab.events.map((e) => ({ ...e })));
}

function waitForEvent(page: Page, what: string, match: (e: LabEvent) => boolean): Promise<LabEvent> {
  return until(what, async () => (await consoleEvents(page)).find(match) ?? null);
}

// ---- clean-up -------------------------------------------------------------------


/** Closes the browser and stops the lab (once, whoever asks first); returns what went wrong. */
function cleanUp(): Promise<string[]> {
  cleaning ??= closeEverything();
  return cleaning;
}

async function closeEverything(): Promise<string[]> {
  const problems: string[] = [];
  const profile = browser?.userDataDir;
  if (browser) {
    await Promise.race([browser.context.close(), sleep(10_000)]).catch((error: unknown) => problems.push(`closing Chromium: ${String(error)}`));
  }
  if (lab) await lab.stop().catch((error: unknown) => problems.push(`stopping the lab: ${String(error)}`));
  // Every Kamailio of this demo runs with -f <WORK_DIR>/kamailio.cfg, every Chromium with its profile dir.
  const leftovers = [...processesMentioning(join(WORK_DIR, 'kamailio.cfg')), ...(profile ? processesMentioning(profile) : [])];
  for (const { pid, cmdline } of leftovers) {
    problems.push(`process left behind, killed: ${pid} ${cmdline.slice(0, 100)}`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (profile) await rm(profile, { recursive: true, force: true });
  return problems;
}

async function stopAndExit(code: number): Promise<never> {
  const problems = await cleanUp();
  for (const problem of problems) line(`demo: ${problem}`);
  if (!headless && problems.length === 0) line('demo: browser and lab stopped');
  process.exit(problems.length > 0 && code === 0 ? 1 : code);
}

// ---- the demo ---------------------------------------------------------------------

async function demo(): Promise<void> {
  line(`vPhone softphone demo, ${headless ? 'headless, in a private network namespace (loopback only)' : 'headed'}`);
  line(`${'step'.padEnd(NAME_WIDTH)} ${'at'.padStart(9)} ${'took'.padStart(9)}`);
  if (headless) {
    await rm(SHOTS_DIR, { recursive: true, force: true });
    await mkdir(SHOTS_DIR, { recursive: true });
  }

  const theLab = await step(
    'start the lab',
    async () => (lab = await startLab({ ringTimeoutSeconds: RING_TIMEOUT_SECONDS, workDir: WORK_DIR, quiet: true })),
    (l) => `login service ${l.loginUrl}, SIP ${l.wsUri}`,
  );

  const ext = await step(
    'launch Chromium',
    async () => {
      // Without Playwright's own Ctrl-C handler (it would close the browser and
      // exit at once, before the lab is stopped): this demo stops everything itself.
      browser = await launchExtensionBrowser({ headless, handleSIGINT: false });
      return browser;
    },
    (b) => `extension ${b.extensionId}`,
  );
  const context: BrowserContext = ext.context;

  const page = await step(
    'open the popup',
    async () => {
      // Reuse the blank first tab, so a headed window shows the popup, not about:blank.
      const p = context.pages().find((candidate) => candidate.url() === 'about:blank') ?? (await context.newPage());
      p.setDefaultTimeout(STEP_TIMEOUT_MS);
      await p.goto(`${ext.origin}/popup.html`);
      await p.getByRole('button', { name: 'Sign in' }).waitFor();
      return (popup = p);
    },
    () => `${ext.origin}/popup.html`,
  );

  const consoleOrigin = new URL(theLab.consoleUrl).origin;
  await step(
    'grant the microphone',
    async () => {
      // What a person does once on the permission page and the console's prompt.
      await grantMicrophone(context, page, ext.origin);
      await grantMicrophone(context, page, consoleOrigin);
    },
    () => `to the extension and to ${consoleOrigin}`,
  );

  await step(
    `sign in as ${ACCOUNT.user}`,
    async () => {
      await page.getByRole('textbox', { name: 'Server' }).fill(theLab.loginUrl);
      await page.getByRole('textbox', { name: 'Username' }).fill(ACCOUNT.user);
      await page.getByLabel('Password').fill(ACCOUNT.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const account = page.getByLabel('Signed in account');
      const alert = page.getByRole('alert');
      return until(`the popup to show the account ${ACCOUNT.name}`, async () => {
        if (await alert.isVisible()) throw new Error(`sign-in failed, the popup says: ${await alert.innerText()}`);
        const text = (await account.isVisible()) ? await account.innerText() : '';
        return text.includes(ACCOUNT.name) ? text : null;
      });
    },
    (text) => text.split('\n').filter(Boolean).slice(0, 2).join(', '),
  );

  await step(
    'switch the softphone on',
    async () => {
      await page.getByRole('switch', { name: 'Softphone' }).click();
      const status = await waitForStatus(page, 'Ready to receive calls');
      const bindings = await until(`Kamailio to hold a binding for ${ACCOUNT.user}`, () => theLab.locations(ACCOUNT.user).then((l) => (l.length > 0 ? l : null)));
      return { status, bindings };
    },
    ({ status, bindings }) => `"${status}", ${bindings.length} binding on the server`,
  );

  const lc = await step(
    'open the lab console',
    async () => {
      const p = await context.newPage();
      p.setDefaultTimeout(STEP_TIMEOUT_MS);
      await p.goto(theLab.consoleUrl);
      await p.evaluate(() => (window as unknown as ConsoleWindow).lab.ready);
      await page.bringToFront();
      return p;
    },
    () => `${theLab.consoleUrl}: caller, cell and voicemail registered`,
  );

  let placedAt = 0;
  const callerId = await step(
    'place a call from the console',
    () => {
      placedAt = Date.now();
      return lc.evaluate(([n, d]) => (window as unknown as ConsoleWindow).lab.call(n, { displayName: d }), [ACCOUNT.number, CALLER_NAME] as const);
    },
    (id) => `${CALLER_NAME} → ${ACCOUNT.number} (call ${id})`,
  );

  await step(
    'the popup rings',
    async () => {
      await page.getByRole('button', { name: 'Answer' }).waitFor({ state: 'visible' });
      const panel = page.getByLabel('Incoming call');
      const shownAfter = Date.now() - placedAt;
      const texts = await panel.locator('.caller, .number').allTextContents();
      return { caller: texts.map((t) => t.trim()).join(', '), shownAfter };
    },
    ({ caller, shownAfter }) => `incoming call from ${caller}, Answer / Decline shown ${shownAfter} ms after the call was placed`,
  );

  await step(
    'answer in the popup',
    async () => {
      await page.getByRole('button', { name: 'Answer' }).click();
      await waitForEvent(lc, "the caller's 'confirmed'", (e) => e.who === 'caller' && e.id === callerId && e.type === 'confirmed');
      await page.getByRole('button', { name: 'Hang up' }).waitFor({ state: 'visible' });
      const cell = (await consoleEvents(lc)).find((e) => e.who === 'cell' && (e.type === 'cancelled' || e.type === 'ended'));
      return cell;
    },
    (cell) => `caller confirmed${cell ? `; the forwarding leg (cell) was ${cell.type}${cell.detail ? ` (${cell.detail})` : ''}` : ''}`,
  );

  await step(
    `talk for ${TALK_MS / 1000} s`,
    async () => {
      await sleep(TALK_MS);
      const [extension, caller] = await Promise.all([extensionAudio(page), lc.evaluate((id) => (window as unknown as ConsoleWindow).lab.stats(id), callerId)]);
      const ours = extension ?? { bytesSent: 0, bytesReceived: 0 };
      const dead = [
        extension === null ? 'the extension reports no call stats' : null,
        ours.bytesSent > 0 ? null : 'the extension sent no audio',
        ours.bytesReceived > 0 ? null : 'the extension received no audio',
        caller.bytesSent > 0 ? null : 'the caller sent no audio',
        caller.bytesReceived > 0 ? null : 'the caller received no audio',
      ].filter((x): x is string => x !== null);
      if (dead.length > 0) throw new Error(`audio did not flow both ways: ${dead.join('; ')} (${audioLine(ours, caller)})`);
      return audioLine(ours, caller);
    },
    (audio) => `audio both ways: ${audio}`,
  );

  await step(
    'hang up in the popup',
    async () => {
      await page.getByRole('button', { name: 'Hang up' }).click();
      await waitForEvent(lc, "the caller's 'ended'", (e) => e.who === 'caller' && e.id === callerId && e.type === 'ended');
      await until('the extension to have no call', async () => (await snapshot(page)).calls.length === 0);
      await waitForStatus(page, 'Ready to receive calls');
      return ((await page.locator('.last-call').textContent()) ?? '').trim();
    },
    (lastCall) => `call ended; popup says "${lastCall}"`,
  );

  if (headless) {
    popup = null; // nothing left to photograph
    await step(
      'stop the browser and the lab',
      async () => {
        const problems = await cleanUp();
        if (problems.length > 0) throw new Error(problems.join('; '));
      },
      () => 'no Kamailio or Chromium left running',
    );
    line(`demo passed in ${Date.now() - t0} ms; screenshots of the popup in ${SHOTS_DIR}`);
    return;
  }

  passed = true;
  line('');
  line(`demo passed in ${Date.now() - t0} ms. The browser stays open for you to try:`);
  line(`  - the popup tab is the extension's popup (also behind its toolbar button); signed in as ${ACCOUNT.user}`);
  line(`  - place another call from the lab console tab: Number ${ACCOUNT.number}, press Call`);
  line(`    (or in that tab's DevTools console: lab.call('${ACCOUNT.number}', { displayName: 'Someone' }))`);
  line(`  - unanswered, the call also rings the cell leg ("Press 1" in the console) and goes to voicemail after ${RING_TIMEOUT_SECONDS} s`);
  line('Ctrl-C here (or closing the browser) stops the browser and the lab.');
  await new Promise<void>((resolve) => context.once('close', () => resolve()));
  if (!cleaning) line('demo: the browser was closed, stopping the lab…');
}

async function main(): Promise<void> {
  const unknown = process.argv.slice(2).filter((arg) => arg !== '--headless');
  if (unknown.length > 0) {
    line(`demo: unknown argument ${unknown.join(' ')}; usage: npx tsx scripts/demo.ts [--headless]`);
    process.exit(2);
  }
  // Headless runs stay on loopback (DESIGN.md §6): the namespace must have only `lo`.
  if (headless && networkInterfaces().join() !== 'lo') {
    line('demo: --headless runs inside a private network namespace: use `npm start`, or `bash scripts/netns-run.sh npx tsx scripts/demo.ts --headless`');
    process.exit(2);
  }
  // Ctrl-C reaches every process of the terminal's group (npm, tsx, this one,
  // Kamailio) and tsx relays it too: handle the first, ignore the repeats.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (signalled) return;
      signalled = true;
      line(`\ndemo: ${signal}, stopping the browser and the lab…`);
      void stopAndExit(passed ? 0 : signal === 'SIGINT' ? 130 : 143);
    });
  }
  try {
    await demo();
  } catch (error) {
    // Interrupted: the steps fail because everything is closing; the signal's handler exits.
    if (signalled) await new Promise<never>(() => undefined);
    const where = error instanceof StepError ? `step "${error.step}"` : 'set-up';
    line(`demo FAILED at ${where}: ${error instanceof Error ? error.message : String(error)}`);
    if (headless && popup && !popup.isClosed()) {
      await popup.locator('body').screenshot({ path: join(SHOTS_DIR, `${String(stepNo).padStart(2, '0')}-failed.png`), timeout: 5_000 }).catch(() => undefined);
      line(`demo: the popup at the failure: ${join(SHOTS_DIR, `${String(stepNo).padStart(2, '0')}-failed.png`)}; Kamailio's log: ${join(WORK_DIR, 'kamailio.log')}`);
    }
    await stopAndExit(1);
  }
  await stopAndExit(0);
}

await main();
