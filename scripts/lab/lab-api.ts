/**
 * The lab's own endpoints under /lab/ (loopback only, no CORS): what tests,
 * the lab console and Kamailio's routing script use. Not part of the
 * provider contract.
 */
import type { ServerResponse } from 'node:http';
import { LAB_PEERS } from './accounts';
import { sendJson } from './http-util';
import { CELL_MODES, sipConfig, type CellMode, type ServiceState } from './service-state';

const MAX_LIFETIME_SECONDS = 30 * 24 * 3600;

export function listAccounts(state: ServiceState, res: ServerResponse): void {
  sendJson(res, 200, {
    accounts: state.directory.list(),
    peers: LAB_PEERS,
    sessionLifetimeSeconds: state.sessionLifetimeSeconds,
    // The console holds the phones: without it, line tests are refused (503).
    consoleConnected: state.channel.isOpen,
    cellMode: state.cellMode,
  });
}

export function updateRouting(state: ServiceState, user: string, body: unknown, res: ServerResponse): void {
  const result = state.directory.updateRouting(user, body);
  if (result === 'unknown_account') sendJson(res, 404, { error: result });
  else if (typeof result === 'string') sendJson(res, 400, { error: result });
  else sendJson(res, 200, { routing: result });
}

export function setSessionLifetime(state: ServiceState, body: unknown, res: ServerResponse): void {
  const seconds = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['seconds'] : undefined;
  if (!isWholeNumberIn(seconds, 1, MAX_LIFETIME_SECONDS)) {
    sendJson(res, 400, { error: 'invalid_lifetime' });
    return;
  }
  state.sessionLifetimeSeconds = seconds;
  sendJson(res, 200, { sessionLifetimeSeconds: seconds });
}

/** PUT /lab/cell-mode {"mode"}: how the console's cell phone answers from its next call on. */
export function setCellMode(state: ServiceState, body: unknown, res: ServerResponse): void {
  const mode = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['mode'] : undefined;
  if (typeof mode !== 'string' || !(CELL_MODES as readonly string[]).includes(mode)) {
    sendJson(res, 400, { error: 'invalid_mode' });
    return;
  }
  state.cellMode = mode as CellMode;
  sendJson(res, 200, { mode });
}

/** GET /lab/blackhole-stun: whether logins list the STUN server that never answers, and what it received. */
export function getBlackholeStun(state: ServiceState, res: ServerResponse): void {
  const hole = state.blackholeStun;
  if (!hole) sendJson(res, 404, { error: 'no_blackhole_stun' });
  else sendJson(res, 200, { on: hole.on, uri: hole.server.uri, requests: hole.server.requests });
}

/**
 * PUT /lab/blackhole-stun {"on"}: from the next login (and /lab/credentials)
 * on, `sip.iceServers` lists `stun:127.0.0.1:<port>`, a UDP socket that reads
 * and never replies (opened the first time); off: the usual empty list.
 * Sessions already signed in keep what they were given.
 */
export async function setBlackholeStun(state: ServiceState, body: unknown, res: ServerResponse): Promise<void> {
  const on = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['on'] : undefined;
  const hole = state.blackholeStun;
  if (typeof on !== 'boolean') {
    sendJson(res, 400, { error: 'invalid_request' });
    return;
  }
  if (!hole) {
    sendJson(res, 404, { error: 'no_blackhole_stun' });
    return;
  }
  if (on) await hole.server.open();
  hole.on = on;
  sendJson(res, 200, { on: hole.on, uri: hole.server.uri, requests: hole.server.requests });
}

/** Kamailio's routing query (see kamailio.cfg, route[VPHONE]). */
export function lookupRoute(state: ServiceState, digits: string, res: ServerResponse): void {
  const decision = state.directory.route(digits);
  if (decision) sendJson(res, 200, decision);
  else sendJson(res, 404, { error: 'unknown_number' });
}

/**
 * Credentials for the lab's peers and, for tests, any account. `ttl`
 * (seconds, may be negative to get an already expired credential) overrides
 * the session lifetime.
 */
export function issueCredentials(state: ServiceState, user: string, ttl: string | null, res: ServerResponse): void {
  const displayName = state.directory.sipDisplayName(user);
  if (displayName === undefined) {
    sendJson(res, 404, { error: 'unknown_user' });
    return;
  }
  const lifetime = ttl === null ? state.sessionLifetimeSeconds : Number(ttl);
  if (!isWholeNumberIn(lifetime, -MAX_LIFETIME_SECONDS, MAX_LIFETIME_SECONDS)) {
    sendJson(res, 400, { error: 'invalid_ttl' });
    return;
  }
  sendJson(res, 200, sipConfig(state, user, displayName, lifetime));
}

function isWholeNumberIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
