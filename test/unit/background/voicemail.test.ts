/** Voicemail and the line test in the worker, over an in-memory provider API. */
import { describe, expect, it, vi } from 'vitest';
import { badgeFor } from '../../../src/background/badge';
import { MESSAGE_CHECKS_MS, VOICEMAIL_NOTIFICATION } from '../../../src/background/voicemail-controller';
import { fakeWorker } from '../../fakes/worker';

const message = (id: string, heard = false) => ({ id, from: '+15550100001', fromName: 'Carol Caller', receivedAt: '2026-12-01T10:00:00Z', durationSeconds: 9, heard });

async function signedIn() {
  const w = fakeWorker();
  await w.auth.login('https://api.example.test', 'alice', 'pw');
  return w;
}

describe('voicemail in the worker', () => {
  it('the list at sign-in is not news; a message that arrives later is notified and counted until heard', async () => {
    const w = await signedIn();
    let messages = [message('old', true)];
    w.api.answer = (method, path) => {
      if (path === '/v1/softphone/voicemail/messages') return { status: 200, body: { messages } };
      if (method === 'POST' && path === '/v1/softphone/voicemail/messages/new1/heard') return { status: 204 };
      return { status: 404 };
    };
    expect(await w.voicemail.refresh()).toEqual({ ok: true });
    expect(w.notifications.has(VOICEMAIL_NOTIFICATION)).toBe(false);

    messages = [message('new1'), ...messages];
    await w.voicemail.refresh();
    expect(w.notifications.get(VOICEMAIL_NOTIFICATION)).toMatchObject({ title: 'New voicemail', message: 'From Carol Caller (+15550100001)' });
    expect(badgeFor(w.store.get(), Date.now()).title).toContain('1 new voicemail');

    expect(await w.voicemail.markHeard('new1')).toEqual({ ok: true });
    expect(w.store.get().voicemail.messages.every((m) => m.heard)).toBe(true);
    expect(w.notifications.has(VOICEMAIL_NOTIFICATION)).toBe(false);
  });

  it('after a call unanswered here, the message is looked for a few times, then no more; a newer call restarts the checks', async () => {
    const w = await signedIn();
    let reads = 0;
    let messages = [message('old', true)];
    w.api.answer = (_method, path) => {
      if (path !== '/v1/softphone/voicemail/messages') return { status: 404 };
      reads += 1;
      return { status: 200, body: { messages } };
    };
    await w.voicemail.refresh();
    vi.useFakeTimers();
    try {
      const before = reads;
      w.voicemail.expectMessage();
      await vi.advanceTimersByTimeAsync((MESSAGE_CHECKS_MS[0] ?? 0) - 1);
      expect(reads).toBe(before);
      messages = [message('left-after-the-call'), ...messages];
      await vi.advanceTimersByTimeAsync(1);
      expect(reads).toBe(before + 1);
      expect(w.notifications.get(VOICEMAIL_NOTIFICATION)?.title).toBe('New voicemail');
      // A newer unanswered call restarts the schedule instead of adding a second one.
      w.voicemail.expectMessage();
      await vi.advanceTimersByTimeAsync((MESSAGE_CHECKS_MS.at(-1) ?? 0) + 60_000);
      expect(reads).toBe(before + 1 + MESSAGE_CHECKS_MS.length);
      w.voicemail.stopChecks();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a provider without voicemail hides it; a refused token is an expired session', async () => {
    const w = await signedIn();
    w.api.answer = () => ({ status: 404 });
    await w.voicemail.refresh();
    expect(w.store.get().voicemail.supported).toBe(false);
    w.api.answer = () => ({ status: 401, body: { error: 'session_expired' } });
    await w.voicemail.refresh();
    expect(w.store.get().registration).toBe('session-expired');
  });

  it('audio crosses as base64 and only as audio; the greeting goes up and back to the default', async () => {
    const w = await signedIn();
    w.api.answer = (method, path) => {
      if (path.endsWith('/audio')) return { status: 200, bytes: new Uint8Array([82, 73, 70, 70]), contentType: 'text/html' };
      if (path.endsWith('/greeting')) return { status: 200, body: { greeting: method === 'PUT' ? 'custom' : 'default' } };
      return { status: 404 };
    };
    expect(await w.voicemail.audio('m1')).toEqual({ ok: true, contentType: 'audio/wav', data: 'UklGRg==' });
    expect(await w.voicemail.setGreeting({ contentType: 'audio/webm', data: 'UklGRg==' })).toEqual({ ok: true });
    expect(w.api.requests.at(-1)?.request).toMatchObject({ method: 'PUT', body: { contentType: 'audio/webm', bytes: new Uint8Array([82, 73, 70, 70]) } });
    expect(w.store.get().voicemail.greeting).toBe('custom');
    expect(await w.voicemail.setGreeting(null)).toEqual({ ok: true });
    expect(w.store.get().voicemail.greeting).toBe('default');
    w.api.answer = () => ({ status: 413, body: { error: 'too_large' } });
    expect(await w.voicemail.setGreeting({ contentType: 'audio/webm', data: 'UklGRg==' })).toMatchObject({ ok: false, error: 'greeting_too_large' });
    expect(w.store.get().voicemail.greeting).toBe('default');
  });
});

describe('"Test my line" in the worker', () => {
  it('starts, remembers why this phone could not ring, polls until done', async () => {
    const w = await signedIn(); // Softphone off: this phone cannot ring.
    let polls = 0;
    w.api.answer = (method, path) => {
      if (method === 'POST' && path === '/v1/softphone/line-test') return { status: 202, body: { id: 'lt1' } };
      if (path === '/v1/softphone/line-test/lt1') {
        polls++;
        const state = polls < 2 ? 'running' : 'done';
        return { status: 200, body: { state, legs: [{ route: 'voicemail', rangAfterMs: null, answeredAfterMs: 120 }], answeredBy: state === 'done' ? 'voicemail' : null } };
      }
      return { status: 404 };
    };
    expect(await w.lineTest.start()).toEqual({ ok: true });
    expect(w.store.get().lineTest).toMatchObject({ phase: 'running', id: 'lt1', notHere: 'off' });
    expect(await w.lineTest.start()).toMatchObject({ ok: false, error: 'line_test_running' });
    await w.lineTestTick();
    expect(w.store.get().lineTest?.phase).toBe('running');
    await w.lineTestTick();
    expect(w.store.get().lineTest).toMatchObject({ phase: 'done', report: { answeredBy: 'voicemail' } });
  });

  it('the provider refusing (429, no line test) is a failed test with its reason', async () => {
    const w = await signedIn();
    w.api.answer = () => ({ status: 429, body: { error: 'line_test_running' } });
    expect(await w.lineTest.start()).toMatchObject({ ok: false, error: 'line_test_running' });
    expect(w.store.get().lineTest).toMatchObject({ phase: 'failed', error: 'line_test_running' });
    w.api.answer = () => ({ status: 202, body: { id: '../../etc' } });
    expect(await w.lineTest.start()).toMatchObject({ ok: false, error: 'bad_response' });
  });
});
