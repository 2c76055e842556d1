/**
 * Does the service worker sleep while the agent waits for calls, and what does
 * that cost the ring? An A/B of the engine's heartbeat (engine-liveness.ts):
 * the same extension, the same lab, alternating `tuning.workerSleeps`.
 *
 * Why not Playwright: a debugger attached to a service worker keeps it from
 * ever stopping (Playwright attaches to every worker), so the other benchmarks
 * can only stop it by force. Here Chromium is started directly and driven
 * over its DevTools socket with sessions on pages only; the worker is watched
 * with Target.getTargets, which attaches to nothing.
 *
 * Per variant and quiet spell: the share of the spell the worker was running,
 * the extension renderer's memory (Pss) at the end of it, and then a call:
 * INVITE sent → notification shown (the extension's call log).
 *
 *   npm run bench:sleep            5 spells of 75 s per variant
 *   ... worker-sleep.ts --smoke    1 spell of 60 s per variant
 *
 * Must run inside the private network namespace (scripts/netns-run.sh).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../lab/lab';
import { CHROMIUM, chromiumArgs } from '../lib/extension-browser';
import { assertLoopbackOnly } from '../lib/netns';
import { extensionRenderer, pssKb } from '../lib/proc-usage';
import { until } from '../lib/until';
import { Cdp } from './soak-lib';
import { printSummary, summarise, writeReport, type Rows } from './report';

const smoke = process.argv.includes('--smoke');
const SPELLS = smoke ? 1 : 5;
const IDLE_MS = (smoke ? 60 : 75) * 1000;
const AGENT = { user: 'alice', password: 'alice-password', number: '+15550001001' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Ev = { t: number; type: string; id: string };

async function main(): Promise<void> {
  assertLoopbackOnly();
  const lab = await startLab({ quiet: true, workDir: '.lab/bench-sleep' });
  await lab.setRouting(AGENT.user, { forwardingEnabled: false });
  const dir = await mkdtemp(join(tmpdir(), 'softphone-sleep-'));
  const chromium = spawn(CHROMIUM, [...chromiumArgs(), '--headless=new', '--remote-debugging-port=0', `--user-data-dir=${dir}`, 'about:blank'], { stdio: 'ignore' });
  const cdp = await Cdp.connect(dir);
  try {
    const worker = async () => (await cdp.targets()).find((t) => t.type === 'service_worker' && t.url.startsWith('chrome-extension://'));
    const first = await until('the extension', worker, 20_000, 100);
    const origin = `chrome-extension://${new URL(first.url).host}`;
    await cdp.send('Browser.grantPermissions', { origin, permissions: ['audioCapture'] });
    await cdp.send('Browser.grantPermissions', { origin: new URL(lab.consoleUrl).origin, permissions: ['audioCapture'] });

    /** A page with a session of its own (never the worker's). */
    const page = async (url: string) => {
      const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', { url });
      const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
      const ev = async <T>(expression: string): Promise<T> => {
        const r = await cdp.send<{ result: { value: T }; exceptionDetails?: { text: string } }>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId);
        if (r.exceptionDetails) throw new Error(`${url}: ${r.exceptionDetails.text}`);
        return r.result.value;
      };
      return { ev, close: () => cdp.send('Target.closeTarget', { targetId }) };
    };

    // Signed in through the popup's form, softphone on (as an agent does).
    let popup = await page(`${origin}/popup.html`);
    await until('the form', () => popup.ev<boolean>(`!!document.getElementById('password')`), 10_000, 100);
    await popup.ev(`(() => { const set = (id, v) => { const el = document.getElementById(id); el.value = v; el.dispatchEvent(new Event('input', { bubbles: true })); };
      set('server', ${JSON.stringify(lab.loginUrl)}); set('username', '${AGENT.user}'); set('password', '${AGENT.password}'); })()`);
    await sleep(300);
    await popup.ev(`document.querySelector('form.sign-in button[type=submit]').click()`);
    await until('signed in', () => popup.ev<boolean>(`!!document.querySelector('[role=switch]')`), 15_000, 100);
    await popup.ev(`document.querySelector('[role=switch]').click()`);
    const ask = <T>(p: { ev<U>(e: string): Promise<U> }, type: string) => p.ev<T>(`chrome.runtime.sendMessage({ target: 'background', type: '${type}' })`);
    await until('registered', async () => (await ask<{ registration: string }>(popup, 'get-snapshot')).registration === 'registered', 20_000, 200);

    const caller = await page(lab.consoleUrl);
    await until('the console', () => caller.ev<boolean>(`!!window.lab`), 10_000, 100);
    await caller.ev(`window.lab.ready`);

    const row = { ext: [] as number[], base: [] as number[] };
    const rows: Rows = { 'INVITE → notification after a quiet spell': row };
    const running: Record<'heartbeat' | 'sleeps', number[]> = { heartbeat: [], sleeps: [] };
    const atCall: Record<'heartbeat' | 'sleeps', string[]> = { heartbeat: [], sleeps: [] };
    const pss: Record<'heartbeat' | 'sleeps', number[]> = { heartbeat: [], sleeps: [] };
    for (let i = 0; i < SPELLS; i++) {
      for (const variant of i % 2 === 0 ? (['heartbeat', 'sleeps'] as const) : (['sleeps', 'heartbeat'] as const)) {
        await popup.ev(`chrome.storage.local.set({ tuning: ${variant === 'sleeps' ? '{ workerSleeps: 1 }' : '{}'} })`);
        // The popup closed (an agent's is, all day); the spell starts when the new tuning has reached the engine.
        await sleep(1000);
        await popup.close();
        let up = 0;
        let samples = 0;
        const end = Date.now() + IDLE_MS;
        while (Date.now() < end) {
          samples += 1;
          if (await worker()) up += 1;
          await sleep(250);
        }
        running[variant].push(up / samples);
        atCall[variant].push((await worker()) ? 'running' : 'stopped');
        pss[variant].push(pssKb(extensionRenderer(dir).pid) / 1024);
        const id = await caller.ev<string>(`window.lab.call('${AGENT.number}', { displayName: 'Quiet spell' })`);
        const sent = await until('INVITE sent', async () => (await caller.ev<Ev[]>(`window.lab.events.map((e) => ({ ...e }))`)).find((e) => e.id === id && e.type === 'sending'), 10_000, 50);
        await sleep(1500);
        // Reading the log opens a page (it wakes the worker), after the fact.
        const reader = await page(`${origin}/popup.html`);
        await until('the page', () => reader.ev<boolean>(`!!chrome.runtime`), 10_000, 100);
        const log = await until('call-notified', async () => (await ask<{ at: number; event: string }[]>(reader, 'get-call-log')).find((e) => e.event === 'call-notified' && e.at >= sent.t), 10_000, 100);
        row[variant === 'heartbeat' ? 'ext' : 'base'].push(log.at - sent.t);
        // Answered, then over: a missed call would set the worker looking for a voicemail for minutes
        // (voicemail-controller.ts expectMessage), which keeps it up and would spoil the next spell.
        await until('Answer shown', () => reader.ev<boolean>(`!!document.querySelector('button.answer')`), 10_000, 100);
        await reader.ev(`document.querySelector('button.answer').click()`);
        await until('answered', async () => (await caller.ev<Ev[]>(`window.lab.events.map((e) => ({ ...e }))`)).some((e) => e.id === id && e.type === 'confirmed'), 10_000, 100);
        await caller.ev(`window.lab.hangup('${id}')`);
        await until('call end', async () => (await caller.ev<Ev[]>(`window.lab.events.map((e) => ({ ...e }))`)).some((e) => e.id === id && (e.type === 'ended' || e.type === 'failed')), 10_000, 100);
        popup = reader;
      }
    }
    const pct = (xs: number[]) => xs.map((x) => `${Math.round(x * 100)} %`).join(', ');
    const mib = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(', ');
    console.log(`\nworker heartbeat A/B (${smoke ? 'smoke, ' : ''}${SPELLS} quiet spell(s) of ${IDLE_MS / 1000} s per variant; "baseline" = the same extension with the worker allowed to sleep)`);
    console.log(`  worker running during the spell      heartbeat ${pct(running.heartbeat)}   worker may sleep ${pct(running.sleeps)}`);
    console.log(`  worker when the call came            heartbeat ${atCall.heartbeat.join(', ')}   worker may sleep ${atCall.sleeps.join(', ')}`);
    console.log(`  extension renderer Pss at its end    heartbeat ${mib(pss.heartbeat)} MiB   worker may sleep ${mib(pss.sleeps)} MiB`);
    printSummary('then a call (ms)', summarise(rows));
    const files = await writeReport('worker-sleep', 'INVITE → notification after a quiet spell: heartbeat (extension) vs worker allowed to sleep (baseline)', rows);
    console.log(`  written: ${files.join(', ')}`);
  } finally {
    cdp.close();
    chromium.kill();
    await lab.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
