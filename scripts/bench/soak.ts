/**
 * A working day, compressed: a bounded run of sequential calls to the
 * signed-in extension, ending every way a call ends (answered and hung up by
 * the agent from the popup or by the caller, declined with 486, cancelled by
 * the caller while ringing, answered on the forwarding phone), and thousands
 * of registration refreshes (a 1 s refresh period through the `tuning`
 * setting, plus bursts between calls). At the start, at intervals and at the
 * end it counts what is alive (see soak-lib.ts) and prints how much each
 * count grew, in total and per call; JSON and an SVG go to artifacts/soak/.
 *
 *   npm run soak [-- --smoke]       (builds dist/, then runs this in the private network namespace)
 *   SOFTPHONE_DIST=<a build> bash scripts/netns-run.sh npx tsx scripts/bench/soak.ts [--smoke]
 *     [--calls 300] [--refreshes 3000] [--sample-every 25] [--talk-ms 300] [--settle-s 35] [--heap-diff] [--no-timer-trace]
 *
 * Defaults: 300 calls, 3000 burst refreshes (plus one a second), a sample
 * every 25 calls, a last sample 35 s after the last call (JsSIP's transaction
 * timers); --smoke: 25 calls, 250 burst refreshes, a sample every 5.
 * The timers are traced over the last `sample-every` calls and the idle time
 * after them (--no-timer-trace: not).
 * --heap-diff: heap snapshots of the offscreen document and the worker at the
 * baseline and at the end, and what grew between them, by constructor.
 * Every loop is bounded. Must run inside the private network namespace.
 */
import { startLab } from '../lab/lab';
import { assertLoopbackOnly } from '../lib/netns';
import { CALL_KINDS, growthTable, outcomesTable, runSoak, samplesTable, SoakRig, writeSoakReport } from './soak-lib';

function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} wants a number, got ${process.argv[i + 1]}`);
  return Math.floor(v);
}

const smoke = process.argv.includes('--smoke');
const CALLS = Math.max(CALL_KINDS.length * 2, numberArg('calls', smoke ? 25 : 300));
const REFRESHES = numberArg('refreshes', smoke ? 250 : 3000);
const SAMPLE_EVERY = Math.max(1, numberArg('sample-every', smoke ? 5 : 25));
const TALK_MS = numberArg('talk-ms', 300);
// JsSIP keeps an answered call's INVITE transaction 32 s (Timer L): the last sample waits that out.
const SETTLE_S = numberArg('settle-s', 35);
const HEAP_DIFF = process.argv.includes('--heap-diff');
const TRACE_TIMERS = !process.argv.includes('--no-timer-trace');

async function main(): Promise<void> {
  assertLoopbackOnly();
  const workDir = `.lab/soak-${process.pid}`;
  const lab = await startLab({ quiet: true, workDir });
  const log = (line: string) => console.log(line);
  let rig: SoakRig | null = null;
  try {
    rig = await SoakRig.start(lab, { labWorkDir: workDir, talkMs: TALK_MS, log });
    console.log(`soak: ${CALLS} calls (${CALL_KINDS.join(', ')} in turn), ${REFRESHES} burst refreshes beside a 1 s refresh period, a sample every ${SAMPLE_EVERY} calls`);
    const result = await runSoak(rig, { calls: CALLS, burstRefreshes: REFRESHES, sampleEvery: SAMPLE_EVERY, warmup: CALL_KINDS.length, settleMs: SETTLE_S * 1000, heapDiff: HEAP_DIFF, traceTimers: TRACE_TIMERS }, log);
    const first = result.samples[0]!;
    const last = result.samples[result.samples.length - 1]!;
    const accepted = first.registrations.serverAccepted !== null && last.registrations.serverAccepted !== null ? last.registrations.serverAccepted - first.registrations.serverAccepted : null;

    const title = `soak${smoke ? ' (smoke)' : ''}: ${CALLS} calls, ${accepted ?? '?'} REGISTERs accepted, ${Math.round(result.durationMs / 1000)} s`;
    console.log(`\n${title}`);
    console.log('\nhow the calls ended');
    console.log(outcomesTable(result));
    console.log(`\nregistration refreshes: ${accepted ?? '?'} REGISTERs accepted by the server during the run (${result.burstRefreshesSent} sent in bursts, the rest by the 1 s period); worker restarts seen: ${last.worker.restarts}`);
    console.log(`notifications on screen at the end, after the popup was opened (missed calls seen): ${result.notificationsAfterSeen.length === 0 ? 'none' : result.notificationsAfterSeen.join(', ')}`);
    console.log('\nat intervals (the popup closed, after a full GC)');
    console.log(samplesTable(result, ['renderer Pss (KiB)', 'offscreen JS heap (KiB)', 'worker JS heap (KiB)', 'RTCPeerConnection', 'HTMLAudioElement', 'MediaStream', 'AudioNode', 'PermissionStatus', 'DOM nodes', 'JS event listeners', 'popup: nodes gained while open', 'call-log entries', 'recent calls']));
    console.log(`\ngrowth (base = after the first round of every kind; end = right after the last call${SETTLE_S > 0 ? `; settled = ${SETTLE_S} s later` : ''}; growth = last − base; per call = growth / calls between)`);
    console.log(growthTable(result));
    if (result.timers?.pending.length) {
      console.log('\ntimers still pending at the end (set during the traced stretch)');
      for (const t of result.timers.pending) console.log(`  ${t.where.padEnd(20)} ${t.singleShot ? 'setTimeout ' : 'setInterval'} ${t.timeoutMs} ms`);
    }
    if (result.heapGrowth) {
      for (const [where, rows] of Object.entries(result.heapGrowth)) {
        if (!rows) continue;
        console.log(`\nheap objects that grew in the ${where} (snapshot at the baseline vs the last sample; count, bytes)`);
        for (const r of rows) console.log(`  ${r.key.padEnd(60)} ${String(r.count).padStart(7)} ${String(r.bytes).padStart(10)}`);
      }
    }
    console.log(`\n  written: ${(await writeSoakReport(smoke ? 'soak-smoke' : 'soak', title, result)).join(', ')}`);
  } finally {
    await rig?.close();
    await lab.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
