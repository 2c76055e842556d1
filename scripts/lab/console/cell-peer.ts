/**
 * The cell phone behind the forwarding number, with the provider's R3
 * answerer folded in: its SIP 200 is the "press 1" that connects the call.
 * "Picking up" before that (a phone that is off, whose own voicemail
 * answers) shows in SIP as nothing at all: the call keeps ringing there
 * until the ring timeout. So the phone reports a pick-up itself: an event
 * 'picked-up' in the log and, in a line test, to the login service.
 *
 * Its mode (CellMode in api.ts) is read from the login service at each
 * call, so a test that sets it over HTTP (PUT /lab/cell-mode) and calls
 * right away never races the page.
 */
import type { IncomingRTCSessionEvent } from 'jssip/lib/UA';
import type { CellMode } from './api';
import type { CallBook } from './call-book';
import type { EventLog } from './event-log';
import { lineTestIdOf, reportLineTest } from './line-test-caller';

const PRESS_1_AFTER_MS = 500;

export async function setCellMode(mode: CellMode): Promise<void> {
  const response = await fetch('/lab/cell-mode', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ mode }) });
  if (!response.ok) throw new Error(`cell mode ${String(mode)}: HTTP ${response.status}`);
}

async function currentMode(): Promise<CellMode> {
  const response = await fetch('/lab/cell-mode');
  if (!response.ok) return 'ring';
  return ((await response.json()) as { mode: CellMode }).mode;
}

export function answerAsCell(calls: CallBook, log: EventLog, event: IncomingRTCSessionEvent): void {
  const { session, request } = event;
  const id = calls.trackIncoming('cell', session, request);
  const lineTest = lineTestIdOf(request);
  const ringing = (): boolean => session.status === session.C.STATUS_WAITING_FOR_ANSWER;
  const pickUp = (): void => {
    if (!ringing()) return;
    log.add({ who: 'cell', type: 'picked-up', id });
    if (lineTest) reportLineTest(lineTest, 'picked-up', 'forwarding');
  };
  currentMode()
    .then((mode) => {
      if (mode === 'answer-at-once') pickUp();
      if (mode !== 'press-1') return;
      setTimeout(() => {
        if (!ringing()) return;
        pickUp();
        session.answer(calls.mediaFor('cell'));
      }, PRESS_1_AFTER_MS);
    })
    .catch((error: unknown) => console.warn('lab console: cell mode unknown, ringing:', error));
}
