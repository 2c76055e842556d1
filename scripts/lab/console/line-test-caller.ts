/**
 * The provider's line test, as the lab places it (scripts/lab/line-test.ts):
 * the `line-test` phone ("Line test", sip:line-test@<domain>) calls the
 * account's vPhone number with `X-Line-Test: <id>` through the real routing;
 * answered anywhere, it plays a 1 s 880 Hz tone and hangs up 3 s after the
 * answer. It tells the login service when its call is over; Kamailio tells
 * it the rest.
 */
import type { RTCSession } from 'jssip/lib/RTCSession';
import { AudioOut, mediaConnected } from './audio-out';
import type { CallBook } from './call-book';
import type { SipPeer } from './sip-peer';

const TONE = { hz: 880, ms: 1000 };
const HANG_UP_AFTER_ANSWER_MS = 3000;
/** Under the login service's 40 s limit, so the report ends with the call. */
const GIVE_UP_MS = 38_000;
export const LINE_TEST_ID = /^[A-Za-z0-9_-]{8,64}$/;
const NUMBER = /^\+?[0-9]{6,15}$/;

export type LineTestEvent = 'picked-up' | 'ended';

/** Tells the login service what a line test's phone did. */
export function reportLineTest(id: string, event: LineTestEvent, route?: 'forwarding'): void {
  const body = new URLSearchParams({ event, ...(route ? { route } : {}) });
  fetch(`/lab/line-tests/${encodeURIComponent(id)}/events`, { method: 'POST', body }).catch((error: unknown) =>
    console.warn(`lab console: line test ${id}: cannot report ${event}:`, error),
  );
}

/** The X-Line-Test id of an INVITE, when it carries a well-formed one. */
export function lineTestIdOf(request: { getHeader(name: string): string | undefined }): string | null {
  const id = request.getHeader('X-Line-Test')?.trim() ?? '';
  return LINE_TEST_ID.test(id) ? id : null;
}

export class LineTestCaller {
  constructor(
    private readonly peer: SipPeer,
    private readonly calls: CallBook,
  ) {}

  /** Places the test's call; its id in the call book, or null when it could not start. */
  place(id: string, number: string): string | null {
    if (!LINE_TEST_ID.test(id) || !NUMBER.test(number)) {
      console.warn('lab console: ignoring a malformed line test request');
      return null;
    }
    let out: AudioOut | null = null;
    let session: RTCSession;
    try {
      out = new AudioOut();
      session = this.peer.ua.call(number, {
        ...this.calls.mediaFor('line-test'),
        mediaStream: out.stream,
        fromDisplayName: 'Line test',
        extraHeaders: [`X-Line-Test: ${id}`],
      });
    } catch (error) {
      console.warn(`lab console: line test ${id} could not call:`, error);
      out?.close();
      reportLineTest(id, 'ended');
      return null;
    }
    const tone = out;
    const callId = this.calls.trackOutgoing('line-test', session);
    const hangUp = (): void => {
      if (!session.isEnded()) session.terminate();
    };
    const giveUp = setTimeout(hangUp, GIVE_UP_MS);
    session.on('accepted', () => {
      setTimeout(hangUp, HANG_UP_AFTER_ANSWER_MS);
      void tone
        .start()
        .then(() => mediaConnected(session.connection as RTCPeerConnection | undefined))
        .then(() => tone.tone(TONE.hz, TONE.ms));
    });
    const over = (): void => {
      clearTimeout(giveUp);
      tone.close();
      reportLineTest(id, 'ended');
    };
    session.on('ended', over);
    session.on('failed', over);
    return callId;
  }
}
