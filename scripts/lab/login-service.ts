/**
 * The lab's provider: the login API of DESIGN.md §5, the lab's own /lab/
 * endpoints and the lab console page, on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AccountDirectory, demoAccounts } from './accounts';
import { BlackholeStun } from './blackhole-stun';
import { ConsoleChannel } from './console-channel';
import {
  BadRequestError,
  allowedExtensionOrigins,
  type Route,
  corsHeaders,
  isLoopback,
  isLoopbackHost,
  preflightHeaders,
  readJsonBody,
  sendEmpty,
  sendJson,
} from './http-util';
import { getBlackholeStun, issueCredentials, listAccounts, lookupRoute, setBlackholeStun, setCellMode, setSessionLifetime, updateRouting } from './lab-api';
import { LineTests } from './line-test';
import { lineTestRoutes, voicemailRoutes } from './login-routes';
import { handleLogin } from './login-api';
import { createTokenStore, getRouting, putRouting } from './routing-api';
import { LoginThrottle } from './login-throttle';
import type { ServiceState } from './service-state';
import { VoicemailStore } from './voicemail-store';

export interface LoginServiceOptions {
  port: number;
  sipDomain: string;
  /** Every edge's WebSocket URI, the primary first (the login's sip.wsUris). */
  wsUris: readonly string[];
  /** auth_ephemeral secret shared with Kamailio. */
  secret: string;
  sessionLifetimeSeconds: number;
  /** Ring timeout every demo account starts with. */
  ringTimeoutSeconds: number;
  /** Directory holding the bundled console.js (built by console-bundle.ts). */
  consoleBundleDir: string;
  /** UDP port of the STUN server that never answers (opened when first switched on). */
  blackholeStunPort?: number;
  /** List that STUN server in sip.iceServers from the start (default off; PUT /lab/blackhole-stun switches it). */
  blackholeStun?: boolean;
  log?: (line: string) => void;
}

export interface LoginService {
  url: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const CONSOLE_SOURCE_DIR = fileURLToPath(new URL('./console/', import.meta.url));

export async function startLoginService(options: LoginServiceOptions): Promise<LoginService> {
  const url = `http://${HOST}:${options.port}`;
  const state: ServiceState = {
    directory: new AccountDirectory(demoAccounts(options.ringTimeoutSeconds)),
    throttle: new LoginThrottle(),
    secret: options.secret,
    sipDomain: options.sipDomain,
    wsUris: [...options.wsUris],
    sessionLifetimeSeconds: options.sessionLifetimeSeconds,
    tokens: createTokenStore(),
    voicemail: new VoicemailStore(),
    lineTests: new LineTests(),
    channel: new ConsoleChannel(),
    cellMode: 'ring',
    ...(options.blackholeStunPort === undefined ? {} : { blackholeStun: { server: new BlackholeStun(options.blackholeStunPort), on: false } }),
  };
  if (options.blackholeStun) {
    if (!state.blackholeStun) throw new Error('blackholeStun needs blackholeStunPort');
    await state.blackholeStun.server.open();
    state.blackholeStun.on = true;
  }
  const routes = buildRoutes(state, options, [url, `http://localhost:${options.port}`, ...allowedExtensionOrigins()]);
  const server = createServer((req, res) => {
    dispatch(routes, req, res, options.port).catch((error: unknown) => failRequest(res, error, options.log));
  });
  try {
    await listen(server, options.port);
  } catch (error) {
    await state.blackholeStun?.server.close();
    throw error;
  }
  return {
    url,
    close: async () => {
      await state.blackholeStun?.server.close();
      await close(server);
    },
  };
}

function buildRoutes(state: ServiceState, options: LoginServiceOptions, ownOrigins: string[]): Route[] {
  const LOGIN = /^\/v1\/softphone\/login$/;
  const ROUTING = /^\/v1\/softphone\/routing$/;
  const consoleCsp = `default-src 'self'; connect-src 'self' ${options.wsUris.join(' ')}; object-src 'none'; base-uri 'none'`;
  return [
    {
      method: 'OPTIONS',
      path: LOGIN,
      handle: ({ req, res }) => {
        const cors = corsHeaders(req.headers.origin, ownOrigins);
        if (cors) sendEmpty(res, 204, preflightHeaders(cors, 'POST, OPTIONS'));
        else sendEmpty(res, 403);
      },
    },
    {
      method: 'POST',
      path: LOGIN,
      handle: async ({ req, res }) => {
        const cors = corsHeaders(req.headers.origin, ownOrigins) ?? {};
        handleLogin(state, await readJsonBody(req), res, cors);
      },
    },
    {
      method: 'OPTIONS',
      path: ROUTING,
      handle: ({ req, res }) => {
        const cors = corsHeaders(req.headers.origin, ownOrigins);
        if (cors) sendEmpty(res, 204, { ...preflightHeaders(cors, 'GET, PUT, OPTIONS'), 'Access-Control-Allow-Headers': 'Content-Type, Authorization' });
        else sendEmpty(res, 403);
      },
    },
    { method: 'GET', path: ROUTING, handle: ({ req, res }) => getRouting(state, req, res, corsHeaders(req.headers.origin, ownOrigins) ?? {}) },
    {
      method: 'PUT',
      path: ROUTING,
      handle: async ({ req, res }) => putRouting(state, req, await readJsonBody(req), res, corsHeaders(req.headers.origin, ownOrigins) ?? {}),
    },
    ...voicemailRoutes(state, ownOrigins),
    ...lineTestRoutes(state, ownOrigins),
    { method: 'GET', path: /^\/lab\/accounts$/, handle: ({ res }) => listAccounts(state, res) },
    {
      method: 'PUT',
      path: /^\/lab\/accounts\/([a-z0-9-]+)\/routing$/,
      handle: async ({ req, res, params }) => updateRouting(state, params[0] ?? '', await readJsonBody(req), res),
    },
    {
      method: 'PUT',
      path: /^\/lab\/session-lifetime$/,
      handle: async ({ req, res }) => setSessionLifetime(state, await readJsonBody(req), res),
    },
    { method: 'GET', path: /^\/lab\/cell-mode$/, handle: ({ res }) => sendJson(res, 200, { mode: state.cellMode }) },
    { method: 'PUT', path: /^\/lab\/cell-mode$/, handle: async ({ req, res }) => setCellMode(state, await readJsonBody(req), res) },
    { method: 'GET', path: /^\/lab\/blackhole-stun$/, handle: ({ res }) => getBlackholeStun(state, res) },
    { method: 'PUT', path: /^\/lab\/blackhole-stun$/, handle: async ({ req, res }) => setBlackholeStun(state, await readJsonBody(req), res) },
    { method: 'GET', path: /^\/lab\/console-channel$/, handle: ({ req, res }) => state.channel.open(req, res) },
    { method: 'GET', path: /^\/lab\/route\/\+?([0-9]{1,20})$/, handle: ({ res, params }) => lookupRoute(state, params[0] ?? '', res) },
    {
      method: 'GET',
      path: /^\/lab\/credentials\/([a-z0-9-]+)$/,
      handle: ({ res, url, params }) => issueCredentials(state, params[0] ?? '', url.searchParams.get('ttl'), res),
    },
    { method: 'GET', path: /^\/$/, handle: ({ res }) => sendEmpty(res, 302, { Location: '/console' }) },
    {
      method: 'GET',
      path: /^\/console$/,
      handle: ({ res }) => sendFile(res, join(CONSOLE_SOURCE_DIR, 'index.html'), 'text/html', consoleCsp),
    },
    {
      method: 'GET',
      path: /^\/console\/console\.css$/,
      handle: ({ res }) => sendFile(res, join(CONSOLE_SOURCE_DIR, 'console.css'), 'text/css'),
    },
    {
      method: 'GET',
      path: /^\/console\/console\.js$/,
      handle: ({ res }) => sendFile(res, join(options.consoleBundleDir, 'console.js'), 'text/javascript'),
    },
  ];
}

async function dispatch(routes: Route[], req: IncomingMessage, res: ServerResponse, port: number): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${HOST}`);
  // Defence in depth: the server only listens on loopback anyway; and a page
  // that rebinds its own domain to 127.0.0.1 sends its own Host, not ours.
  const controls = url.pathname.startsWith('/lab/') || url.pathname.startsWith('/console');
  if (controls && (!isLoopback(req.socket.remoteAddress) || !isLoopbackHost(req.headers.host, port))) {
    sendJson(res, 403, { error: 'lab_endpoints_are_loopback_only' });
    return;
  }
  const matching = routes.filter((route) => route.path.test(url.pathname));
  const route = matching.find((candidate) => candidate.method === req.method);
  if (route) {
    const params = route.path.exec(url.pathname)?.slice(1) ?? [];
    await route.handle({ req, res, url, params });
  } else if (matching.length > 0) {
    sendJson(res, 405, { error: 'method_not_allowed' }, { Allow: matching.map((r) => r.method).join(', ') });
  } else {
    sendJson(res, 404, { error: 'not_found' });
  }
}

function failRequest(res: ServerResponse, error: unknown, log?: (line: string) => void): void {
  if (error instanceof BadRequestError) {
    if (!res.headersSent) sendJson(res, 400, { error: 'invalid_request' });
    return;
  }
  log?.(`login service: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
  else res.destroy();
}

async function sendFile(res: ServerResponse, path: string, type: string, csp?: string): Promise<void> {
  const body = await readFile(path);
  res.writeHead(200, {
    'Content-Type': `${type}; charset=utf-8`,
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    ...(csp ? { 'Content-Security-Policy': csp } : {}),
  });
  res.end(body);
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive sockets (browsers, fetch) would otherwise hold close() open.
    server.closeAllConnections();
  });
}
