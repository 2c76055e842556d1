/**
 * In-call controls: the time from the agent's click to the far end noticing,
 * per control, beside a plain JsSIP page doing the same thing in the same lab
 * run (the lab console's `?agent=` mode calling JsSIP's own mute / hold /
 * sendDTMF / refer). Numbers, not assertions (DESIGN section 8).
 *
 * What "noticed" means, measured at the caller (the lab console):
 *   mute / unmute   the caller's inbound audio falls silent / comes back:
 *                   the end of the first 100 ms getStats window that is
 *                   silent (RMS < 0.002) / loud (> 0.05); so ±100 ms
 *   hold / resume   the caller's JsSIP emits `hold` / `unhold` (re-INVITE in)
 *   digit           the caller receives the digit (RFC 4733 event, or INFO)
 *   transfer        the caller receives the REFER; and the target rings
 * Click times are Date.now() in the popup page right before its click(); the
 * pages and the extension share one machine clock.
 *
 *   npm run bench:controls              5 samples per row
 *   ... controls.ts --smoke             1 sample per row (npm test)
 *
 * Must run inside the private network namespace (scripts/netns-run.sh).
 */
import type { Page } from 'playwright-core';
import { startLab } from '../lab/lab';
import { grantMicrophone } from '../lib/extension-browser';
import { assertLoopbackOnly } from '../lib/netns';
import { signedInAgent } from '../lib/signed-in-agent';
import { sleep, until } from '../lib/until';
import { printSummary, summarise, writeReport } from './report';

const smoke = process.argv.includes('--smoke');
const SAMPLES = smoke ? 1 : 5;
const EXT_USER = 'bob';
const EXT_NUMBER = '+15550001002';
const BASE_USER = 'alice';
const BASE_NUMBER = '+15550001001';
const SILENT = 0.002;
const LOUD = 0.05;
const WINDOW_MS = 100;
const NOTICE_TIMEOUT_MS = 10_000;

type Ev = { t: number; who: string; type: string; id: string; detail?: string; status?: number };
type Lab = { lab: Record<string, (...a: unknown[]) => unknown> & { events: Ev[] } };

const call = <T>(page: Page, method: string, ...args: unknown[]): Promise<T> =>
  page.evaluate(([m, a]) => (window as unknown as Lab).lab[m as string]?.(...(a as unknown[])), [method, args] as const) as Promise<T>;
const eventsOf = (page: Page): Promise<Ev[]> => page.evaluate(() => (window as unknown as Lab).lab.events.map((e) => ({ ...e })));


/** When the caller's inbound audio first satisfies `ok`, as the end of a 100 ms window. */
async function levelNoticed(far: Page, callerId: string, ok: (level: number) => boolean): Promise<number> {
  const deadline = Date.now() + NOTICE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const { level } = await call<{ level: number }>(far, 'audioLevel', callerId, WINDOW_MS);
    if (ok(level)) return Date.now();
  }
  throw new Error('the far end did not notice within 10 s');
}

async function eventNoticed(far: Page, since: number, match: (e: Ev) => boolean): Promise<number> {
  const e = await until('far end event', async () => (await eventsOf(far)).find((x) => x.t >= since && match(x)), NOTICE_TIMEOUT_MS, 20);
  return e.t;
}

/** A side that can do the controls: the extension's popup, or the plain JsSIP page. */
interface Side {
  name: string;
  number: string;
  answer(): Promise<void>;
  /** Runs the control; returns Date.now() at the click / API call. */
  control(op: 'mute' | 'unmute' | 'hold' | 'resume' | 'digit' | 'transfer'): Promise<number>;
  hangup(): Promise<void>;
}

function extensionSide(popup: Page): Side {
  const click = (name: string) =>
    popup.evaluate((n) => {
      const button = [...document.querySelectorAll('section[aria-label="Call in progress"] button')].find((b) => b.textContent?.trim() === n) as HTMLButtonElement;
      const t = Date.now();
      button.click();
      return t;
    }, name);
  return {
    name: 'extension',
    number: EXT_NUMBER,
    answer: async () => {
      await popup.getByRole('region', { name: 'Incoming call' }).getByRole('button', { name: 'Answer' }).click();
      await popup.getByRole('button', { name: 'Mute', exact: true }).waitFor();
      await until('controls enabled', () => popup.getByRole('button', { name: 'Mute', exact: true }).isEnabled());
    },
    control: async (op) => {
      switch (op) {
        case 'mute':
        case 'unmute':
          return click('Mute');
        case 'hold':
        case 'resume':
          return click('Hold');
        case 'digit': {
          if ((await popup.getByRole('group', { name: 'Keypad' }).count()) === 0) await popup.getByRole('button', { name: 'Keypad' }).click();
          return popup.evaluate(() => {
            const key = [...document.querySelectorAll('[aria-label="Keypad"] button')].find((b) => b.textContent === '5') as HTMLButtonElement;
            const t = Date.now();
            key.click();
            return t;
          });
        }
        case 'transfer': {
          await popup.getByRole('button', { name: 'Transfer' }).click();
          await popup.getByRole('textbox', { name: 'Transfer to' }).fill('colleague');
          return popup.evaluate(() => {
            const t = Date.now();
            (document.querySelector('form.transfer button[type=submit]') as HTMLButtonElement).click();
            return t;
          });
        }
      }
    },
    hangup: async () => {
      const b = popup.getByRole('button', { name: 'Hang up' });
      if (await b.count()) await b.first().click();
    },
  };
}

function baselineSide(page: Page): Side {
  let id = '';
  const at = (method: string, ...args: unknown[]) =>
    page.evaluate(([m, a]) => {
      const t = Date.now();
      (window as unknown as Lab).lab[m as string]?.(...(a as unknown[]));
      return t;
    }, [method, args] as const);
  return {
    name: 'plain JsSIP',
    number: BASE_NUMBER,
    answer: async () => {
      id = await until('baseline rings', () => call<string | null>(page, 'answer'));
      await until('baseline in call', async () => (await call<{ id: string; status: string }[]>(page, 'calls')).some((c) => c.id === id && c.status === 'in call'));
    },
    control: (op) => {
      switch (op) {
        case 'mute':
          return at('mute', id, true);
        case 'unmute':
          return at('mute', id, false);
        case 'hold':
          return at('hold', id, true);
        case 'resume':
          return at('hold', id, false);
        case 'digit':
          return at('sendDtmf', id, '5', 'RFC2833');
        case 'transfer':
          return at('refer', id, 'sip:colleague@vphone.lab');
      }
    },
    hangup: async () => {
      if (id) await call(page, 'hangup', id).catch(() => undefined);
    },
  };
}

type Rows = Record<string, { ext: number[]; base: number[] }>;

async function sample(side: Side, far: Page, rows: Rows, key: 'ext' | 'base'): Promise<void> {
  const callerId = await call<string>(far, 'call', side.number, { displayName: 'Bench' });
  await side.answer();
  await until('caller confirmed', async () => (await eventsOf(far)).some((e) => e.id === callerId && e.type === 'confirmed'));
  await levelNoticed(far, callerId, (l) => l > LOUD);

  let t = await side.control('mute');
  rows['mute → caller hears silence']![key].push((await levelNoticed(far, callerId, (l) => l < SILENT)) - t);
  t = await side.control('unmute');
  rows['unmute → caller hears the agent']![key].push((await levelNoticed(far, callerId, (l) => l > LOUD)) - t);
  t = await side.control('hold');
  rows['hold → caller gets the re-INVITE']![key].push((await eventNoticed(far, t, (e) => e.id === callerId && e.type === 'hold')) - t);
  await sleep(300);
  t = await side.control('resume');
  rows['resume → caller gets the re-INVITE']![key].push((await eventNoticed(far, t, (e) => e.id === callerId && e.type === 'unhold')) - t);
  await levelNoticed(far, callerId, (l) => l > LOUD);
  t = await side.control('digit');
  rows['digit → caller receives it (RFC 4733)']![key].push((await eventNoticed(far, t, (e) => e.id === callerId && e.type === 'dtmf')) - t);
  await sleep(300);
  t = await side.control('transfer');
  rows['transfer → caller gets the REFER']![key].push((await eventNoticed(far, t, (e) => e.id === callerId && e.type === 'refer')) - t);
  rows['transfer → the target rings']![key].push((await eventNoticed(far, t, (e) => e.who === 'colleague' && e.type === 'incoming')) - t);
  // Free the lab for the next sample: the colleague declines, the caller hangs up.
  await until('colleague rings', () => call<string | null>(far, 'colleagueAnswer'));
  await sleep(300);
  for (const c of await call<{ id: string; status: string; who: string }[]>(far, 'calls')) {
    if (c.status !== 'ended') await call(far, 'hangup', c.id).catch(() => undefined);
  }
  await side.hangup();
  await sleep(500);
}

async function main(): Promise<void> {
  assertLoopbackOnly();
  const lab = await startLab({ quiet: true, workDir: '.lab/bench-controls' });
  for (const user of [EXT_USER, BASE_USER]) await lab.setRouting(user, { forwardingEnabled: false, ringTimeoutSeconds: 60 });
  const { browser, popup } = await signedInAgent(lab, EXT_USER);
  const far = await browser.context.newPage();
  await grantMicrophone(browser.context, far, new URL(lab.consoleUrl).origin);
  await far.goto(lab.consoleUrl);
  await far.evaluate(() => (window as unknown as { lab: { ready: Promise<void> } }).lab.ready);
  const baseline = await browser.context.newPage();
  await baseline.goto(`${lab.consoleUrl}?agent=${BASE_USER}`);
  await baseline.evaluate(() => (window as unknown as { lab: { ready: Promise<void> } }).lab.ready);

  const rows: Rows = {};
  for (const name of [
    'mute → caller hears silence',
    'unmute → caller hears the agent',
    'hold → caller gets the re-INVITE',
    'resume → caller gets the re-INVITE',
    'digit → caller receives it (RFC 4733)',
    'transfer → caller gets the REFER',
    'transfer → the target rings',
  ]) {
    rows[name] = { ext: [], base: [] };
  }
  try {
    for (let i = 0; i < SAMPLES; i++) {
      await sample(extensionSide(popup), far, rows, 'ext');
      await sample(baselineSide(baseline), far, rows, 'base');
    }
  } finally {
    await browser.context.close();
    await lab.stop();
  }
  const title = `in-call controls (${SAMPLES} sample${SAMPLES > 1 ? 's' : ''} per row; ms from the click to the far end noticing; baseline = plain JsSIP page, same lab run)`;
  printSummary(title, summarise(rows));
  console.log(`  written: ${(await writeReport('controls', title, rows)).join(', ')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
