/**
 * Measures how late timers fire in this hidden document, beside the ticker
 * worker's ticks. Chrome throttles timer chains of pages hidden for more than
 * five minutes to one wake-up a minute ("intensive wake-up throttling"); this
 * probe shows whether that applies to the offscreen document, in diagnostics
 * and in the timer soak (`scripts/bench/timer-throttling.ts`).
 */
import type { TimerHealth, TimerStats } from '../shared/engine-types';

const PERIOD_MS = 1000;
const LATE_MS = 5000;

function emptyStats(): TimerStats {
  return { ticks: 0, maxLateMs: 0, lateTicks: 0 };
}

function record(stats: TimerStats, lateMs: number): void {
  stats.ticks++;
  stats.maxLateMs = Math.max(stats.maxLateMs, Math.round(lateMs));
  if (lateMs > LATE_MS) stats.lateTicks++;
}

export class TimerProbe {
  private readonly startedAt = Date.now();
  private readonly document = emptyStats();
  private readonly worker = emptyStats();
  private lastWorkerTick = Date.now();

  constructor(private readonly workerPeriodMs: number) {
    this.chain(Date.now() + PERIOD_MS);
  }

  /** A nested setTimeout chain, the pattern intensive throttling targets. */
  private chain(due: number): void {
    setTimeout(() => {
      const now = Date.now();
      record(this.document, now - due);
      this.chain(now + PERIOD_MS);
    }, PERIOD_MS);
  }

  onWorkerTick(): void {
    const now = Date.now();
    record(this.worker, now - this.lastWorkerTick - this.workerPeriodMs);
    this.lastWorkerTick = now;
  }

  health(): TimerHealth {
    return {
      sinceMs: Date.now() - this.startedAt,
      hidden: document.visibilityState === 'hidden',
      document: { ...this.document },
      worker: { ...this.worker },
    };
  }
}
