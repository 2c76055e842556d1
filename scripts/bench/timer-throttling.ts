/**
 * Timer soak: are the offscreen document's timers throttled after it has been
 * hidden for minutes (Chrome's intensive wake-up throttling: pages hidden for
 * more than 5 minutes get one timer wake-up a minute)? Runs the extension,
 * registered, with production tuning, for N minutes (default 7) and prints how
 * late the document's own timer chain and the ticker worker's ticks fired, and
 * whether the 30 s refresh kept its period (from the connection timeline).
 *
 *   npm run build && bash scripts/netns-run.sh npx tsx scripts/bench/timer-throttling.ts [--minutes 7]
 */
import { startLab } from '../lab/lab';
import { signedInAgent } from '../lib/signed-in-agent';
import type { EngineState } from '../../src/shared/engine-types';
import { assertLoopbackOnly } from '../lib/netns';

const arg = process.argv.indexOf('--minutes');
const MINUTES = arg > 0 ? Number(process.argv[arg + 1]) : 7;

async function main(): Promise<void> {
  assertLoopbackOnly();
  const lab = await startLab({ quiet: true, workDir: `.lab/timer-soak-${process.pid}` });
  const { browser, popup } = await signedInAgent(lab);
  try {
    // The engine's state from a page opened for the purpose, then closed again.
    const state = async (): Promise<EngineState | null> => {
      const page = await browser.context.newPage();
      await page.goto(`${browser.origin}/options.html`);
      const s = (await page.evaluate(() => chrome.runtime.sendMessage({ target: 'background', type: 'get-engine-state' }))) as EngineState | null;
      await page.close();
      return s;
    };
    await popup.close(); // Nothing visible of the extension stays open.
    const start = Date.now();
    console.log(`timer soak: ${MINUTES} min, refresh period 30 s; a line per minute`);
    for (let minute = 1; minute <= MINUTES; minute++) {
      await new Promise((r) => setTimeout(r, start + minute * 60_000 - Date.now()));
      const s = await state();
      const t = s?.timers;
      const sinceGood = s?.lastRegisteredAt ? Math.round((Date.now() - s.lastRegisteredAt) / 1000) : null;
      console.log(
        `  ${minute} min: document chain max late ${t?.document.maxLateMs} ms (${t?.document.lateTicks} ticks >5 s late of ${t?.document.ticks}); ` +
          `worker max late ${t?.worker.maxLateMs} ms (${t?.worker.lateTicks} late of ${t?.worker.ticks}); hidden=${t?.hidden}; ` +
          `last good refresh ${sinceGood} s ago; registered=${s?.registration}; locations=${(await lab.locations('alice')).length}`,
      );
    }
  } finally {
    await browser.context.close();
    await lab.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
