/**
 * Does the popup open instantly? From popup.html's navigation start to the
 * first frame that shows the real state (the status line says "Ready to
 * receive calls", the worker's verified snapshot), against a budget of 100 ms
 * on this machine; beside it, the same page's first frame at all (its
 * "Loading…"), so the cost of asking the worker is visible. Numbers, not
 * assertions.
 *
 *   npm run bench:popup            30 opens
 *   ... popup.ts --smoke           5 opens
 */
import { startLab } from '../lab/lab';
import { assertLoopbackOnly } from '../lib/netns';
import { signedInAgent } from '../lib/signed-in-agent';

const smoke = process.argv.includes('--smoke');
const OPENS = smoke ? 5 : 30;
const BUDGET_MS = 100;

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;

async function main(): Promise<void> {
  assertLoopbackOnly();
  const lab = await startLab({ quiet: true, workDir: '.lab/bench-popup' });
  const { browser } = await signedInAgent(lab, 'bob');
  const real: number[] = [];
  const first: number[] = [];
  try {
    for (let i = 0; i < OPENS; i++) {
      const page = await browser.context.newPage();
      // Watch from the first script on: the first frame, and the first frame with the real state.
      await page.addInitScript(() => {
        const w = window as unknown as { firstFrame?: number; realState?: number };
        const check = () => {
          w.firstFrame ??= performance.now();
          if (document.querySelector('[role=status]')?.textContent?.includes('Ready to receive calls')) w.realState = performance.now();
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      });
      await page.goto(`${browser.origin}/popup.html`);
      const t = await page.waitForFunction(() => {
        const w = window as unknown as { firstFrame?: number; realState?: number };
        return w.realState !== undefined ? { first: w.firstFrame ?? NaN, real: w.realState } : null;
      });
      const v = (await t.jsonValue()) as { first: number; real: number };
      first.push(v.first);
      real.push(v.real);
      await page.close();
    }
  } finally {
    await browser.context.close();
    await lab.stop();
  }
  console.log(`\npopup open (${OPENS} opens; ms from navigation start; budget ${BUDGET_MS} ms for the real state)`);
  console.log(`  first frame                    median ${pct(first, 0.5).toFixed(0).padStart(4)}  p90 ${pct(first, 0.9).toFixed(0).padStart(4)}`);
  console.log(`  first frame with the real state median ${pct(real, 0.5).toFixed(0).padStart(4)}  p90 ${pct(real, 0.9).toFixed(0).padStart(4)}  ${pct(real, 0.9) <= BUDGET_MS ? 'within budget' : 'OVER BUDGET'}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
