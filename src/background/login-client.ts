/**
 * The HTTP side of sign-in: one POST to the provider API. The decisions (URL
 * rules, response validation, error mapping) are pure, in shared/login-contract.
 */
import { loginEndpoint, loginErrorFor, parseLoginGrant, type LoginOutcome } from '../shared/login-contract';

const TIMEOUT_MS = 10_000;
/** A login answer is a few hundred bytes; a megabyte is a misbehaving server, not a grant. */
const MAX_BODY_BYTES = 64 * 1024;

export async function requestLogin(server: string, username: string, password: string): Promise<LoginOutcome> {
  let response: Response;
  try {
    response = await fetch(loginEndpoint(server), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
      credentials: 'omit', // Our login is independent of any website session (R8).
      // A 307/308 would send the password again to its Location, which may be
      // plain http: the https rule checked the address typed, so never follow.
      // ('manual' rather than 'error': a refused redirect must say so, not
      // look like an unreachable server.)
      redirect: 'manual',
      cache: 'no-store',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    return { ok: false, error: 'server_unreachable', detail: err instanceof Error ? err.name : 'fetch failed' };
  }
  if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
    return { ok: false, error: 'login_redirected', detail: `HTTP ${response.status}` };
  }
  let body: unknown = null;
  try {
    const text = await readCapped(response, MAX_BODY_BYTES);
    if (text === null) return { ok: false, error: 'bad_response', detail: `body over ${MAX_BODY_BYTES} bytes` };
    body = JSON.parse(text);
  } catch {
    if (response.ok) return { ok: false, error: 'bad_response', detail: 'not JSON' };
  }
  return response.ok ? parseLoginGrant(body) : loginErrorFor(response.status, body);
}

/** The body as text, or null once it passes `limit` bytes (read no further). */
async function readCapped(response: Response, limit: number): Promise<string | null> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limit) return null;
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}
