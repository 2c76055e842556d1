/**
 * The HTTP side of the provider API beyond login (routing, voicemail, line
 * test): every request carries the bearer token, never follows a redirect
 * (the token, like the password, goes only where the agent signed in), sends
 * no cookies and gives up after a timeout. The decisions (validation, error
 * mapping) are pure, in src/shared.
 */
const TIMEOUT_MS = 10_000;
/** The largest body read (a voicemail message or greeting is at most a few MB). */
const MAX_BYTES = 5_000_000;

export interface ProviderRequest {
  method?: 'GET' | 'PUT' | 'POST' | 'DELETE';
  json?: unknown;
  body?: { contentType: string; bytes: Uint8Array };
  /** Read the answer as bytes (audio) rather than JSON. */
  bytes?: boolean;
}

/** status 0: nothing usable came back (unreachable, redirected, too large). */
export interface ProviderAnswer {
  status: number;
  body: unknown;
  bytes: Uint8Array | null;
  contentType: string;
  redirected: boolean;
}

export type ProviderCall = (server: string, token: string, path: string, request?: ProviderRequest) => Promise<ProviderAnswer>;

export const callProvider: ProviderCall = async (server, token, path, request = {}) => {
  const none: ProviderAnswer = { status: 0, body: null, bytes: null, contentType: '', redirected: false };
  let response: Response;
  try {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    let body: BodyInit | undefined;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.body) {
      headers['content-type'] = request.body.contentType;
      body = request.body.bytes as Uint8Array<ArrayBuffer>;
    }
    response = await fetch(`${server}${path}`, {
      method: request.method ?? 'GET',
      headers,
      body,
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    return none;
  }
  if (response.type === 'opaqueredirect') return { ...none, redirected: true };
  const contentType = (response.headers.get('content-type') ?? '').slice(0, 100);
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > MAX_BYTES) return none;
  try {
    if (request.bytes && response.ok) {
      const bytes = new Uint8Array(await response.arrayBuffer());
      return bytes.length > MAX_BYTES ? none : { status: response.status, body: null, bytes, contentType, redirected: false };
    }
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text && text.length <= 1_000_000 ? JSON.parse(text) : null;
    } catch {
      // Not JSON: the status decides.
    }
    return { status: response.status, body, bytes: null, contentType, redirected: false };
  } catch {
    return none;
  }
};
