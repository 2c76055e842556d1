/**
 * The login service's routes for voicemail and the line test: the provider
 * API (bearer token, CORS for the extension) and the lab's own levers and
 * reports under /lab/ (loopback only: see dispatch() in login-service.ts).
 */
import { apiPreflight, corsHeaders, type RequestContext, type Route } from './http-util';
import { getLineTest, recordLineTestEvent, startLineTest } from './line-test';
import type { ServiceState } from './service-state';
import {
  deleteGreeting,
  getGreeting,
  getMessageAudio,
  labAddMessage,
  labClearMessages,
  labGetGreeting,
  labListMessages,
  listMessages,
  markHeard,
  putGreeting,
} from './voicemail-api';

const ID = '([A-Za-z0-9_-]{1,64})';
const USER = '([a-z0-9-]{1,32})';

export function voicemailRoutes(state: ServiceState, ownOrigins: readonly string[]): Route[] {
  const cors = ({ req }: RequestContext) => corsHeaders(req.headers.origin, ownOrigins) ?? {};
  const GREETING = /^\/v1\/softphone\/voicemail\/greeting$/;
  const MESSAGES = /^\/v1\/softphone\/voicemail\/messages$/;
  const AUDIO = new RegExp(`^/v1/softphone/voicemail/messages/${ID}/audio$`);
  const HEARD = new RegExp(`^/v1/softphone/voicemail/messages/${ID}/heard$`);
  const LAB_MESSAGES = new RegExp(`^/lab/accounts/${USER}/voicemail$`);
  return [
    apiPreflight(GREETING, 'GET, PUT, DELETE', ownOrigins),
    apiPreflight(MESSAGES, 'GET', ownOrigins),
    apiPreflight(AUDIO, 'GET', ownOrigins),
    apiPreflight(HEARD, 'POST', ownOrigins),
    { method: 'GET', path: GREETING, handle: (ctx) => getGreeting(state, ctx.req, ctx.res, cors(ctx)) },
    { method: 'PUT', path: GREETING, handle: (ctx) => putGreeting(state, ctx.req, ctx.res, cors(ctx)) },
    { method: 'DELETE', path: GREETING, handle: (ctx) => deleteGreeting(state, ctx.req, ctx.res, cors(ctx)) },
    { method: 'GET', path: MESSAGES, handle: (ctx) => listMessages(state, ctx.req, ctx.res, cors(ctx)) },
    { method: 'GET', path: AUDIO, handle: (ctx) => getMessageAudio(state, ctx.params[0] ?? '', ctx.req, ctx.res, cors(ctx)) },
    { method: 'POST', path: HEARD, handle: (ctx) => markHeard(state, ctx.params[0] ?? '', ctx.req, ctx.res, cors(ctx)) },
    { method: 'GET', path: LAB_MESSAGES, handle: ({ res, params }) => labListMessages(state, params[0] ?? '', res) },
    { method: 'POST', path: LAB_MESSAGES, handle: ({ req, res, params }) => labAddMessage(state, params[0] ?? '', req, res) },
    { method: 'DELETE', path: LAB_MESSAGES, handle: ({ res, params }) => labClearMessages(state, params[0] ?? '', res) },
    {
      method: 'GET',
      path: new RegExp(`^/lab/accounts/${USER}/voicemail/greeting$`),
      handle: ({ res, params }) => labGetGreeting(state, params[0] ?? '', res),
    },
  ];
}

export function lineTestRoutes(state: ServiceState, ownOrigins: readonly string[]): Route[] {
  const cors = ({ req }: RequestContext) => corsHeaders(req.headers.origin, ownOrigins) ?? {};
  const START = /^\/v1\/softphone\/line-test$/;
  const REPORT = new RegExp(`^/v1/softphone/line-test/${ID}$`);
  return [
    apiPreflight(START, 'POST', ownOrigins),
    apiPreflight(REPORT, 'GET', ownOrigins),
    { method: 'POST', path: START, handle: (ctx) => startLineTest(state, ctx.req, ctx.res, cors(ctx)) },
    { method: 'GET', path: REPORT, handle: (ctx) => getLineTest(state, ctx.params[0] ?? '', ctx.req, ctx.res, cors(ctx)) },
    {
      method: 'POST',
      path: new RegExp(`^/lab/line-tests/${ID}/events$`),
      handle: ({ req, res, params }) => recordLineTestEvent(state, params[0] ?? '', req, res),
    },
  ];
}
