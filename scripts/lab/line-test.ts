/**
 * The provider's line test (DESIGN.md §5): POST /v1/softphone/line-test has
 * the lab console's `line-test` phone call the account's vPhone number
 * through the real routing; GET /v1/softphone/line-test/{id} reports what
 * each route did. Who tells what (POST /lab/line-tests/:id/events):
 *   Kamailio (kamailio.cfg, route[LINE_TEST] and friends): `sent` when the
 *     INVITE arrives, `leg` for each branch it forks, `rang` (18x) and
 *     `answered` (200) per branch, the route told by the branch's target;
 *   the console's cell phone: `picked-up` (route forwarding) when it picks
 *     up before pressing 1 (R3), which SIP never shows;
 *   the console's line-test caller: `ended` when its call is over.
 * Times are measured from `sent`, on this process's clock.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendEmpty, sendJson } from './http-util';
import { authorised } from './routing-api';
import type { ServiceState } from './service-state';

export type LineRoute = 'extension' | 'forwarding' | 'voicemail';
const ROUTES: readonly LineRoute[] = ['extension', 'forwarding', 'voicemail'];
const EVENTS = ['sent', 'leg', 'rang', 'picked-up', 'answered', 'ended'] as const;
type LineEvent = (typeof EVENTS)[number];

/** A test that never heard `ended` (console gone, call stuck) is done after this. */
export const LINE_TEST_LIMIT_MS = 40_000;
/** Finished tests kept for late GETs; the oldest go first. */
const KEEP_TESTS = 50;

interface Leg {
  rangAt: number | null;
  answeredAt: number | null;
}

interface LineTest {
  id: string;
  user: string;
  createdAt: number;
  sentAt: number | null;
  legs: Map<LineRoute, Leg>;
  answeredBy: LineRoute | null;
  done: boolean;
  timer: NodeJS.Timeout;
}

export interface LineTestJson {
  state: 'running' | 'done';
  legs: Array<{ route: LineRoute; rangAfterMs: number | null; answeredAfterMs: number | null }>;
  answeredBy: LineRoute | null;
}

export class LineTests {
  private readonly tests = new Map<string, LineTest>();

  running(user: string): boolean {
    return [...this.tests.values()].some((test) => test.user === user && !test.done);
  }

  start(user: string, now = Date.now()): string {
    const id = randomBytes(12).toString('base64url');
    const timer = setTimeout(() => this.finish(id), LINE_TEST_LIMIT_MS);
    timer.unref();
    this.tests.set(id, { id, user, createdAt: now, sentAt: null, legs: new Map(), answeredBy: null, done: false, timer });
    for (const old of [...this.tests.values()].filter((test) => test.done).slice(0, Math.max(0, this.tests.size - KEEP_TESTS))) {
      this.tests.delete(old.id);
    }
    return id;
  }

  /** The test's report, for its own account only. */
  report(id: string, user: string): LineTestJson | null {
    const test = this.tests.get(id);
    if (!test || test.user !== user) return null;
    const origin = test.sentAt ?? test.createdAt;
    const after = (at: number | null): number | null => (at === null ? null : Math.max(0, at - origin));
    return {
      state: test.done ? 'done' : 'running',
      legs: ROUTES.filter((route) => test.legs.has(route)).map((route) => {
        const leg = test.legs.get(route) as Leg;
        return { route, rangAfterMs: after(leg.rangAt), answeredAfterMs: after(leg.answeredAt) };
      }),
      answeredBy: test.answeredBy,
    };
  }

  /** False for an unknown test. Reports after the end are ignored. */
  record(id: string, event: LineEvent, route: LineRoute | null, now = Date.now()): boolean {
    const test = this.tests.get(id);
    if (!test) return false;
    if (test.done) return true;
    if (event === 'sent') test.sentAt ??= now;
    if (event === 'ended') this.finish(id);
    if (route === null) return true;
    const leg = test.legs.get(route) ?? { rangAt: null, answeredAt: null };
    test.legs.set(route, leg);
    if (event === 'rang') leg.rangAt ??= now;
    if (event === 'picked-up' || event === 'answered') {
      leg.answeredAt ??= now;
      // A phone can ring after it answered only through a reordering; keep the story sane.
      leg.rangAt ??= leg.answeredAt;
    }
    if (event === 'answered') test.answeredBy ??= route;
    return true;
  }

  private finish(id: string): void {
    const test = this.tests.get(id);
    if (!test) return;
    test.done = true;
    clearTimeout(test.timer);
  }
}

export function startLineTest(state: ServiceState, req: IncomingMessage, res: ServerResponse, cors: Record<string, string>): void {
  const account = authorised(state, req, res, cors);
  if (!account) return;
  if (state.lineTests.running(account.user)) return sendJson(res, 429, { error: 'line_test_running' }, cors);
  if (!state.channel.isOpen) return sendJson(res, 503, { error: 'line_test_unavailable' }, cors);
  const id = state.lineTests.start(account.user);
  state.channel.send('line-test', { id, number: account.vPhoneNumber });
  sendJson(res, 202, { id }, cors);
}

export function getLineTest(state: ServiceState, id: string, req: IncomingMessage, res: ServerResponse, cors: Record<string, string>): void {
  const account = authorised(state, req, res, cors);
  if (!account) return;
  const report = state.lineTests.report(id, account.user);
  if (report) sendJson(res, 200, report, cors);
  else sendJson(res, 404, { error: 'not_found' }, cors);
}

/** POST /lab/line-tests/:id/events, form-encoded `event=<event>[&route=<route>]` (Kamailio and the console). */
export async function recordLineTestEvent(state: ServiceState, id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req, 1024);
  const form = new URLSearchParams(body?.toString('utf8') ?? '');
  const event = form.get('event');
  const route = form.get('route');
  if (!isOneOf(EVENTS, event) || (route !== null && !isOneOf(ROUTES, route))) return sendJson(res, 400, { error: 'invalid_event' });
  if (state.lineTests.record(id, event, route)) sendEmpty(res, 204);
  else sendJson(res, 404, { error: 'not_found' });
}

function isOneOf<T extends string>(values: readonly T[], value: string | null): value is T {
  return value !== null && (values as readonly string[]).includes(value);
}
