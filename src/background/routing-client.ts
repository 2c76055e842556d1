/**
 * The routing API over the provider client: GET, or PUT with a change. The
 * decisions (validation, error mapping) are pure, in shared/routing-contract.
 */
import { routingOutcome, type RoutingDraft, type RoutingOutcome } from '../shared/routing-contract';
import type { ProviderCall } from './provider-client';

export type RoutingRequest = (server: string, token: string, change: RoutingDraft | null) => Promise<RoutingOutcome>;

export const routingOver =
  (call: ProviderCall): RoutingRequest =>
  async (server, token, change) => {
    const answer = await call(server, token, '/v1/softphone/routing', change ? { method: 'PUT', json: change } : {});
    if (answer.redirected) return { ok: false, error: 'login_redirected' };
    if (answer.status === 0) return { ok: false, error: 'server_unreachable' };
    return routingOutcome(answer.status, answer.body);
  };
