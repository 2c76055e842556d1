/** The console's timeline of SIP facts, shown on the page and read by tests. */
import type { LabEvent } from './api';

type LabEventInput = Omit<LabEvent, 't'>;

export class EventLog {
  readonly events: LabEvent[] = [];
  private readonly listeners: Array<(event: LabEvent) => void> = [];

  add(input: LabEventInput): void {
    const event: LabEvent = { t: Date.now(), ...withoutUndefined(input) };
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
  }

  subscribe(listener: (event: LabEvent) => void): void {
    this.listeners.push(listener);
  }
}

/** Keeps events JSON-clean: tests compare them with toMatchObject / toEqual. */
function withoutUndefined(input: LabEventInput): LabEventInput {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as LabEventInput;
}
