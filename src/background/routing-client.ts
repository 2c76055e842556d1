/**
 * The HTTP side of the routing API: GET and PUT with the bearer token. The
 * decisions (validation, error mapping) are pure, in shared/routing-contract.
 */
import { routingOutcome, type RoutingDraft, type RoutingOutcome } from '../shared/routing-contract';

const TIMEOUT_MS = 10_000;

export async function requestRouting(server: string, token: string, change: RoutingDraft | null): Promise<RoutingOutcome> {
  let response: Response;
  try {
    response = await fetch(`${server}/v1/softphone/routing`, {
      method: change ? 'PUT' : 'GET',
      headers: { authorization: `Bearer ${token}`, ...(change ? { 'content-type': 'application/json' } : {}) },
      body: change ? JSON.stringify(change) : undefined,
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'manual', // The token, like the password, never follows a redirect.
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    return { ok: false, error: 'server_unreachable' };
  }
  if (response.type === 'opaqueredirect') return { ok: false, error: 'login_redirected' };
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // An empty or non-JSON body: the status decides.
  }
  return routingOutcome(response.status, body);
}
