/**
 * The periods that decide how fast the phone notices and repairs a problem.
 * Production values by default; the end-to-end tests shorten them (through
 * storage.local `tuning`) so that faults are found in seconds, not minutes.
 */
export interface PhoneTuning {
  /** The phone re-registers this often to catch a silently lost binding. */
  refreshSeconds: number;
  /** No final answer to a REGISTER after this long: the transport is dead. */
  registerDeadlineMs: number;
  /** A WebSocket that has not opened after this long is retried. */
  connectTimeoutMs: number;
  /** Nothing heard from the server for this long: a keep-alive checks the link (a frozen server is found in seconds). */
  keepAliveSeconds: number;
  keepAliveDeadlineMs: number;
  /** The worker's alarm watchdog (chrome.alarms: ≥ 0.5 min for packed extensions). */
  watchdogMinutes: number;
  /** How long "cannot receive calls" may last before the agent is notified. */
  graceSeconds: number;
  /** How long "Reconnecting…" may last before it is "Cannot receive calls" (red, with where calls go). */
  escalateSeconds: number;
  /** How long before the login expires the agent is offered to stay signed in. */
  sessionWarningMinutes: number;
  /**
   * 1: the phone engine shows the incoming-call notification itself (a web
   * notification through the worker's registration) instead of the worker
   * (chrome.notifications). Measured not faster (the notification API's own
   * cost dominates, and the engine's thread is the busy one while a call
   * arrives), so off by default: the benchmark's A/B lever.
   */
  engineNotifies: number;
  /**
   * 1: the microphone opens while a call rings, not on Answer (the benchmark's A/B lever). Off by
   * default: it saved 7 ms of Answer → confirmed (median of 20; 16 ms at p90), and lit the
   * system's microphone indicator for every caller.
   */
  micWhileRinging: number;
  /** 1: let the worker sleep when idle, no heartbeat (the benchmark's A/B lever; see engine-liveness.ts). */
  workerSleeps: number;
}

export const DEFAULT_TUNING: PhoneTuning = {
  refreshSeconds: 30,
  registerDeadlineMs: 5000,
  connectTimeoutMs: 5000,
  keepAliveSeconds: 3,
  keepAliveDeadlineMs: 2000,
  watchdogMinutes: 1,
  graceSeconds: 5,
  escalateSeconds: 20,
  sessionWarningMinutes: 10,
  engineNotifies: 0,
  micWhileRinging: 0,
  workerSleeps: 0,
};

/** The heartbeat's period: under the worker's 30 s idle limit, with room for a late tick. */
export const WORKER_HEARTBEAT_SECONDS = 20;

/** Merges stored overrides, ignoring anything that is not a positive number. */
export function tuningFrom(stored: unknown): PhoneTuning {
  const out = { ...DEFAULT_TUNING };
  if (typeof stored !== 'object' || stored === null) return out;
  for (const key of Object.keys(DEFAULT_TUNING) as (keyof PhoneTuning)[]) {
    const v = (stored as Record<string, unknown>)[key];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) out[key] = v;
  }
  return out;
}

/** The reachability words' periods (src/shared/reachability.ts). */
export function reachTimesFrom(t: PhoneTuning): { graceMs: number; escalateMs: number } {
  return { graceMs: t.graceSeconds * 1000, escalateMs: t.escalateSeconds * 1000 };
}

/** A last good refresh older than this means the registration is stale. */
export function staleAfterMs(t: PhoneTuning): number {
  return t.refreshSeconds * 2000 + t.registerDeadlineMs;
}
