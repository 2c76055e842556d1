/**
 * The worker's authoritative snapshot: one writer (this store), many readers.
 * Every change is persisted to storage.session (a worker restart resumes from
 * it), pushed to open pages and reflected on the badge.
 */
import { outageAfter, type Snapshot } from '../shared/snapshot';
import { createLogger } from '../shared/logger';
import type { RegistrationEvent } from '../shared/registration-state';
import { nextRegistrationState } from '../shared/registration-state';
import type { ErrorCode } from '../shared/errors';
import { badgeFor } from './badge';
import type { Ports } from './ports';

const log = createLogger('snapshot');

export class SnapshotStore {
  private current: Snapshot;
  private persisting: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(next: Snapshot, prev: Snapshot) => void>();

  constructor(
    private readonly ports: Pick<Ports, 'session' | 'ui' | 'now'>,
    initial: Snapshot,
  ) {
    this.current = initial;
  }

  get(): Snapshot {
    return this.current;
  }

  onChange(listener: (next: Snapshot, prev: Snapshot) => void): void {
    this.listeners.add(listener);
  }

  update(change: (s: Snapshot) => Snapshot): Snapshot {
    const prev = this.current;
    let next = change(prev);
    if (next === prev) return prev;
    const outage = outageAfter(prev, next, this.ports.now());
    if (outage !== next.outage) next = { ...next, outage };
    this.current = next;
    // Writes are chained so storage never ends up with an older snapshot than memory.
    this.persisting = this.persisting
      .then(() => this.ports.session.set({ snapshot: next }))
      .catch((err: unknown) => log.error('could not persist the snapshot', err));
    this.ports.ui.publish(next);
    this.refreshBadge();
    for (const listener of this.listeners) listener(next, prev);
    return next;
  }

  /** Applies a registration event through the state machine (throws on an illegal move). */
  transition(event: RegistrationEvent, error: ErrorCode | null = null, at: number = this.ports.now()): Snapshot {
    return this.update((s) => {
      const registration = nextRegistrationState(s.registration, event);
      if (registration === s.registration && error === s.registrationError) return s;
      return {
        ...s,
        registration,
        registrationError: error,
        registrationSince: registration === s.registration ? s.registrationSince : Math.min(at, this.ports.now()),
      };
    });
  }

  /** The badge says what the snapshot says now (also called when an outage escalates with time). */
  refreshBadge(): void {
    void this.ports.ui.setBadge(badgeFor(this.current, this.ports.now())).catch((err: unknown) => log.warn('badge', err));
  }

  /** Waits for pending storage writes (the unit tests use it). */
  flush(): Promise<void> {
    return this.persisting;
  }
}
