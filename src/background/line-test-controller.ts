/**
 * "Test my line": asks the provider to call the agent's vPhone number, then
 * polls its report until the call is over (bounded). The snapshot carries the
 * test, so the popup and the options page show the same diagnosis, and one
 * runs at a time (the provider refuses a second with 429 too).
 */
import { fail, ok, type ErrorCode, type Result } from '../shared/errors';
import { isLineTestId, LINE_TEST_LIMIT_MS, notHereFor, parseLineTest, type LineTestView } from '../shared/line-test';
import type { ProviderCall } from './provider-client';
import type { Ports } from './ports';
import type { SnapshotStore } from './snapshot-store';

const PATH = '/v1/softphone/line-test';
const POLL_MS = 1000;

export class LineTestController {
  constructor(
    private readonly ports: Ports,
    private readonly store: SnapshotStore,
    private readonly call: ProviderCall,
    private readonly onExpired: (why: string) => Promise<void>,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async start(): Promise<Result> {
    const s = this.store.get();
    const session = s.login === 'signed-in' ? await this.ports.local.get('session') : undefined;
    if (!session) return fail('not_signed_in');
    if (!session.api) return fail('line_test_unavailable');
    if (s.lineTest?.phase === 'running') return fail('line_test_running');
    const startedAt = this.ports.now();
    this.set({ phase: 'running', startedAt, id: null, report: null, error: null, notHere: notHereFor(s) });
    const server = session.account.server;
    const token = session.api.token;
    const answer = await this.call(server, token, PATH, { method: 'POST', json: {} });
    const id = answer.status === 202 && typeof answer.body === 'object' && answer.body !== null ? (answer.body as { id?: unknown }).id : null;
    if (!isLineTestId(id)) return this.failWith(answer.status, startedAt);
    this.update(startedAt, (t) => ({ ...t, id }));
    void this.follow(server, token, id, startedAt);
    return ok;
  }

  /** Polls the report until it is done or the limit passes. */
  private async follow(server: string, token: string, id: string, startedAt: number): Promise<void> {
    while (this.ports.now() - startedAt < LINE_TEST_LIMIT_MS) {
      await this.sleep(POLL_MS);
      if (this.store.get().lineTest?.startedAt !== startedAt) return; // Signed out, or replaced.
      const answer = await this.call(server, token, `${PATH}/${encodeURIComponent(id)}`);
      if (answer.status === 401) return void this.failWith(401, startedAt);
      const report = answer.status === 200 ? parseLineTest(answer.body) : null;
      if (!report) continue; // A lost poll is retried; the limit bounds it.
      this.update(startedAt, (t) => ({ ...t, report, phase: report.state === 'done' ? 'done' : 'running' }));
      if (report.state === 'done') return;
    }
    this.update(startedAt, (t) => ({ ...t, phase: 'failed', error: 'server_unreachable' }));
  }

  private async failWith(status: number, startedAt: number): Promise<Result> {
    const error: ErrorCode =
      status === 401 ? 'session_expired' : status === 429 ? 'line_test_running' : status === 404 || status === 503 ? 'line_test_unavailable' : status === 0 || status >= 500 ? 'server_unreachable' : 'bad_response';
    this.update(startedAt, (t) => ({ ...t, phase: 'failed', error }));
    if (status === 401) await this.onExpired('the provider refused the API token');
    return fail(error);
  }

  private set(test: LineTestView): void {
    this.store.update((s) => ({ ...s, lineTest: test }));
  }

  private update(startedAt: number, change: (t: LineTestView) => LineTestView): void {
    this.store.update((s) => (s.lineTest?.startedAt === startedAt ? { ...s, lineTest: change(s.lineTest) } : s));
  }
}
