/** Small helpers for the login service's plain `node:http` server. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY_BYTES = 16 * 1024;

export class BadRequestError extends Error {
  override name = 'BadRequestError';
}

/** Reads a JSON body; a missing, oversized or unparsable one is a BadRequestError. */
export async function readJsonBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) throw new BadRequestError('body too large');
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new BadRequestError('body is not JSON');
  }
}

/** Bodies beyond this are not even drained: the connection is cut. */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * Reads a raw body of at most `maxBytes`; null when it is larger. A larger
 * body is still drained (up to 16 MB, then the socket is cut) so that the
 * client, which may still be sending, gets to read our 413.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > DRAIN_LIMIT_BYTES) {
      req.destroy();
      return null;
    }
    if (size <= maxBytes) chunks.push(buffer);
  }
  return size > maxBytes ? null : Buffer.concat(chunks);
}

export function sendBytes(res: ServerResponse, body: Buffer, contentType: string, headers: Record<string, string> = {}): void {
  res.writeHead(200, { ...headers, 'Content-Type': contentType, 'Content-Length': body.length, 'Cache-Control': 'no-store' });
  res.end(body);
}

/** One request to the login service, with its path's captured groups. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: string[];
}

export interface Route {
  method: string;
  path: RegExp;
  handle(ctx: RequestContext): Promise<void> | void;
}

/**
 * CORS preflight for a provider API path that takes the bearer token: only
 * the extension's origin and the lab's own pages get an answer.
 */
export function apiPreflight(path: RegExp, methods: string, ownOrigins: readonly string[]): Route {
  return {
    method: 'OPTIONS',
    path,
    handle: ({ req, res }) => {
      const cors = corsHeaders(req.headers.origin, ownOrigins);
      if (cors) sendEmpty(res, 204, { ...preflightHeaders(cors, `${methods}, OPTIONS`), 'Access-Control-Allow-Headers': 'Content-Type, Authorization' });
      else sendEmpty(res, 403);
    },
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    'Cache-Control': 'no-store',
  });
  res.end(payload);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'Content-Length': 0 });
  res.end();
}

/**
 * The extension's id, from the manifest's `key` (the id Chrome derives: the
 * first 128 bits of SHA-256 over the public key, hex digits 0-f spelt a-p).
 */
export function extensionIdFromKey(base64Key: string): string {
  const digest = createHash('sha256').update(Buffer.from(base64Key, 'base64')).digest('hex').slice(0, 32);
  return [...digest].map((h) => String.fromCharCode(97 + parseInt(h, 16))).join('');
}

const MANIFEST = fileURLToPath(new URL('../../manifest.json', import.meta.url));

/**
 * The extension origins the provider API answers CORS for: ours (fixed by the
 * manifest key), plus any in SOFTPHONE_EXTENSION_IDS (comma-separated, e.g. a
 * store build's id). A provider copies the lab, so the lab sets the example:
 * never "any chrome-extension:// origin".
 */
export function allowedExtensionOrigins(): string[] {
  const key = (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { key?: string }).key;
  const extra = (process.env.SOFTPHONE_EXTENSION_IDS ?? '').split(',').map((s) => s.trim()).filter((s) => /^[a-p]{32}$/.test(s));
  return [...(key ? [extensionIdFromKey(key)] : []), ...extra].map((id) => `chrome-extension://${id}`);
}

/**
 * CORS for the provider API: the extension's origin and the lab's own pages
 * may read responses; any other origin gets no CORS headers at all (never a
 * wildcard), so a random web page or another extension cannot use the login
 * API from a browser.
 */
export function corsHeaders(origin: string | undefined, ownOrigins: readonly string[]): Record<string, string> | null {
  if (origin === undefined || !ownOrigins.includes(origin)) return null;
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
}

/**
 * A request to a loopback service names it by a loopback Host. Anything else
 * is a page that resolved its own domain to 127.0.0.1 (DNS rebinding) and may
 * not drive the lab's controls.
 */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}

export function preflightHeaders(cors: Record<string, string>, methods: string): Record<string, string> {
  return {
    ...cors,
    'Access-Control-Allow-Methods': methods,
    'Access-Control-Allow-Headers': 'Content-Type',
    'Access-Control-Max-Age': '600',
  };
}

export function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}
