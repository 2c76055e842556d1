/**
 * Every call the engine holds, keyed by our own id (never the caller's
 * Call-ID, which comes from a stranger and can be thousands of characters).
 */
import { MAX_CALLS } from '../shared/engine-types';
import type { IncomingCall } from './incoming-call';

export type Admission = 'ring' | 'waiting' | 'busy';

export class CallBook {
  private readonly calls = new Map<string, IncomingCall>();

  add(call: IncomingCall): void {
    this.calls.set(call.id, call);
  }

  remove(call: IncomingCall): boolean {
    return this.calls.get(call.id) === call && this.calls.delete(call.id);
  }

  get(id: string): IncomingCall | null {
    return this.calls.get(id) ?? null;
  }

  all(): IncomingCall[] {
    return [...this.calls.values()];
  }

  get size(): number {
    return this.calls.size;
  }

  ringing(): IncomingCall[] {
    return this.all().filter((c) => c.phase === 'ringing');
  }

  /** Answered calls other than `except` that are not on hold: they must be held before another is talked to. */
  talkingExcept(except: IncomingCall): IncomingCall[] {
    return this.all().filter((c) => c !== except && c.phase === 'active' && !c.view.held);
  }

  /**
   * Whether a new call may ring: at most MAX_CALLS; a call while another is
   * answered is call waiting (when the agent allows it); a call while another
   * still rings gets 486, so its other routes take it.
   */
  admit(callWaiting: boolean): Admission {
    if (this.calls.size === 0) return 'ring';
    if (this.calls.size >= MAX_CALLS || !callWaiting || this.ringing().length > 0) return 'busy';
    return 'waiting';
  }
}
