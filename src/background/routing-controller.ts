/**
 * The agent's inbound routing (forwarding number, voicemail): read from the
 * provider when a page opens and with the watchdog (a change made on the
 * website shows up too), changed from the options page. The provider is the
 * source of truth; the snapshot mirrors its last answer, and the stored
 * session keeps it for the next worker start.
 */
import type { Result } from '../shared/errors';
import { fail, ok } from '../shared/errors';
import { createLogger } from '../shared/logger';
import { checkRouting, toE164, type RoutingDraft, type RoutingOutcome } from '../shared/routing-contract';
import type { Ports } from './ports';
import type { RoutingRequest } from './routing-client';
import type { SnapshotStore } from './snapshot-store';

const log = createLogger('routing');


export class RoutingController {
  constructor(
    private readonly ports: Ports,
    private readonly store: SnapshotStore,
    private readonly request: RoutingRequest,
    /** A refused token is an expired session (the same path as a refused REGISTER). */
    private readonly onExpired: (why: string) => Promise<void>,
  ) {}

  /** Re-reads the routing from the provider. */
  async refresh(): Promise<Result> {
    const session = this.store.get().login === 'signed-in' ? await this.ports.local.get('session') : undefined;
    if (!session) return fail('not_signed_in');
    if (!session.api) return this.readOnly();
    const outcome = await this.request(session.account.server, session.api.token, null);
    return this.apply(outcome);
  }

  /** Saves a change: checked here first, then the provider's word wins. */
  async save(draft: RoutingDraft): Promise<Result & { field?: 'forwardingNumber' }> {
    const session = this.store.get().login === 'signed-in' ? await this.ports.local.get('session') : undefined;
    if (!session) return fail('not_signed_in');
    if (!session.api) return fail('routing_unsupported');
    const change: RoutingDraft = { ...draft, forwardingNumber: draft.forwardingNumber === null ? null : toE164(draft.forwardingNumber, session.account.vPhoneNumber) || null };
    const mistake = checkRouting(change, session.account.vPhoneNumber);
    if (mistake) return { ...fail(mistake), field: 'forwardingNumber' };
    const outcome = await this.request(session.account.server, session.api.token, change);
    const result = await this.apply(outcome);
    return !outcome.ok && outcome.field ? { ...result, field: outcome.field } : result;
  }

  private async apply(outcome: RoutingOutcome): Promise<Result> {
    if (outcome.ok) {
      const session = await this.ports.local.get('session');
      if (session) await this.ports.local.set({ session: { ...session, routing: outcome.routing } });
      const greeting = outcome.greeting;
      this.store.update((s) => ({ ...s, routing: outcome.routing, routingEditable: true, voicemail: greeting ? { ...s.voicemail, greeting } : s.voicemail }));
      return ok;
    }
    if (outcome.error === 'session_expired') {
      await this.onExpired('the provider refused the API token');
      return fail('session_expired');
    }
    if (outcome.error === 'routing_unsupported') return this.readOnly();
    log.warn('routing request failed', outcome.error);
    return fail(outcome.error);
  }

  private readOnly(): Result {
    this.store.update((s) => (s.routingEditable ? { ...s, routingEditable: false } : s));
    return fail('routing_unsupported');
  }
}
