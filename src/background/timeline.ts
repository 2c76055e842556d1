/**
 * The connection timeline: the last few hundred things that happened to the
 * registration, with timestamps, for the options page and for support
 * ("export" gives a file an agent can send). Kept in storage.local so that it
 * survives worker and browser restarts; writes are batched.
 *
 * Call events (rang, notified, ended) go to a log of their own, bounded
 * separately: a caller ringing and hanging up a hundred times must not push
 * the connection history that support needs out of its bounded log.
 */
import type { EngineFact } from '../shared/engine-types';
import type { Snapshot } from '../shared/snapshot';
import type { TimelineEntry } from '../shared/timeline-types';
import type { KeyValueStore } from './ports';

export const TIMELINE_LIMIT = 300;
const FLUSH_DELAY_MS = 1000;

export function appendBounded(entries: TimelineEntry[], entry: TimelineEntry, limit = TIMELINE_LIMIT): TimelineEntry[] {
  const next = [...entries, entry];
  return next.length > limit ? next.slice(next.length - limit) : next;
}

/** The entry a snapshot change deserves, or null when nothing worth noting changed. */
export function entryForChange(prev: Snapshot, next: Snapshot, at: number): TimelineEntry | null {
  if (prev.registration !== next.registration || prev.registrationError !== next.registrationError) {
    return { at, event: next.registration, detail: next.registrationError ?? '' };
  }
  if (prev.login !== next.login) return { at, event: next.login, detail: next.account?.username ?? '' };
  return null;
}

/** The call-log entry a snapshot change deserves (never the connection timeline's). */
export function callEntryForChange(prev: Snapshot, next: Snapshot, at: number): TimelineEntry | null {
  if (next.calls.some((c) => !prev.calls.some((p) => p.id === c.id))) return { at, event: 'call-ringing', detail: '' };
  if (prev.lastCall?.id !== next.lastCall?.id && next.lastCall) return { at, event: 'call-ended', detail: next.lastCall.endReason ?? '' };
  return null;
}

/** Engine facts about calls, for the call log (and the benchmark's timestamps). */
export function callEntryForFact(fact: EngineFact): TimelineEntry | null {
  if (fact.kind === 'call-incoming') return { at: fact.at, event: 'incoming', detail: '' };
  if (fact.kind === 'call-ringtone') return { at: fact.at, event: 'ringtone', detail: '' };
  // Timed where it happened (the engine showed it); the worker's own notification logs itself.
  if (fact.kind === 'call-notified' && fact.shown) return { at: fact.at, event: 'call-notified', detail: 'engine' };
  return null;
}

/** Engine facts worth a line: transport changes and why a registration failed. */
export function timelineEntryForFact(fact: EngineFact): TimelineEntry | null {
  switch (fact.kind) {
    case 'transport':
      return { at: fact.at, event: fact.connected ? 'transport-up' : 'transport-lost', detail: '' };
    case 'registration-failed':
      return { at: fact.at, event: 'register-failed', detail: [fact.status, fact.reason ?? fact.cause].filter(Boolean).join(' ') };
    case 'registered':
      return { at: fact.at, event: 'register-ok', detail: '' };
    default:
      return null;
  }
}

/**
 * A bounded log in storage.local, written in batches: the connection
 * timeline, the call log and the recent calls are each one of these.
 */
export class BoundedLog<K extends string, T> {
  private entries: T[] = [];
  private readonly loaded: Promise<void>;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly store: KeyValueStore<Record<K, T[]>>,
    private readonly key: K,
    private readonly limit: number = TIMELINE_LIMIT,
  ) {
    // Entries added while the saved ones load go after them, in order.
    this.loaded = store.get(key).then((saved) => {
      this.entries = ((saved) ?? []).concat(this.entries).slice(-this.limit);
    });
  }

  async all(): Promise<T[]> {
    await this.loaded;
    return this.entries;
  }

  /** Synchronous on purpose: two events in one turn must both be kept, in order. */
  add(entry: T): void {
    this.entries = [...this.entries, entry].slice(-this.limit);
    this.scheduleFlush();
  }

  /** Forgets everything (sign-out). */
  clear(): void {
    this.entries = [];
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      void this.loaded.then(() => this.store.set({ [this.key]: this.entries } as Partial<Record<K, T[]>>));
    }, FLUSH_DELAY_MS);
  }
}

/** The connection timeline, or the call log (same entries, bounded apart). */
export class Timeline extends BoundedLog<'timeline' | 'callLog', TimelineEntry> {
  constructor(store: KeyValueStore<Record<'timeline' | 'callLog', TimelineEntry[]>>, key: 'timeline' | 'callLog' = 'timeline') {
    super(store, key, TIMELINE_LIMIT);
  }
}
