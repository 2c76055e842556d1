/**
 * The HTTP side of sign-in: one POST to the provider API. The decisions (URL
 * rules, response validation, error mapping) are pure, in shared/login-contract.
 */
import { loginEndpoint, loginErrorFor, parseLoginGrant, type LoginOutcome } from '../shared/login-contract';

const TIMEOUT_MS = 10_000;

export async function requestLogin(server: string, username: string, password: string): Promise<LoginOutcome> {
  let response: Response;
  try {
    response = await fetch(loginEndpoint(server), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
      credentials: 'omit', // Our login is independent of any website session (R8).
      cache: 'no-store',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    return { ok: false, error: 'server_unreachable', detail: err instanceof Error ? err.name : 'fetch failed' };
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    if (response.ok) return { ok: false, error: 'bad_response', detail: 'not JSON' };
  }
  return response.ok ? parseLoginGrant(body) : loginErrorFor(response.status, body);
}
