import { describe, expect, it } from 'vitest';
import { diagnose, notHereFor, parseLineTest, type LineTestReport, type LineTestView, type NotHere } from '../../../src/shared/line-test';

const done = (report: Omit<LineTestReport, 'state'>, notHere: NotHere = null): LineTestView => ({
  phase: 'done',
  startedAt: 0,
  id: 't1',
  report: { state: 'done', ...report },
  error: null,
  notHere,
});
const CELL = '+1 555 010 9001';

describe('the provider report is checked', () => {
  it('takes a well-formed report and refuses anything off contract', () => {
    const good = { state: 'done', legs: [{ route: 'extension', rangAfterMs: 210, answeredAfterMs: null }], answeredBy: 'voicemail' };
    expect(parseLineTest(good)).toEqual(good);
    expect(parseLineTest({ ...good, state: 'maybe' })).toBeNull();
    expect(parseLineTest({ ...good, answeredBy: 'pwned' })).toBeNull();
    expect(parseLineTest({ ...good, legs: [{ route: 'extension', rangAfterMs: -1, answeredAfterMs: null }] })).toBeNull();
    expect(parseLineTest({ ...good, legs: Array.from({ length: 11 }, () => good.legs[0]) })).toBeNull();
    expect(parseLineTest(null)).toBeNull();
  });
});

describe('a diagnosis in plain words, with the fix', () => {
  it('rang both, answered here', () => {
    const d = diagnose(done({ legs: [{ route: 'extension', rangAfterMs: 200, answeredAfterMs: 2100 }, { route: 'forwarding', rangAfterMs: 300, answeredAfterMs: null }], answeredBy: 'extension' }), CELL);
    expect(d).toEqual({ tone: 'ok', lines: [`Rang here after 0.2 s and on ${CELL} after 0.3 s; you answered here.`], fix: null });
  });

  it('a forwarding phone that answers at once: the R3 trap, named', () => {
    const d = diagnose(
      done({
        legs: [{ route: 'extension', rangAfterMs: 200, answeredAfterMs: null }, { route: 'forwarding', rangAfterMs: 300, answeredAfterMs: 600 }, { route: 'voicemail', rangAfterMs: null, answeredAfterMs: 28_000 }],
        answeredBy: 'voicemail',
      }),
      CELL,
    );
    expect(d.tone).toBe('warn');
    expect(d.lines[0]).toBe(`Rang here after 0.2 s and on ${CELL} after 0.3 s; nobody answered, so voicemail answered after 28.0 s.`);
    expect(d.lines[1]).toContain('Your forwarding phone answered after 0.6 s, before anyone could press 1: it is probably off or busy');
  });

  it.each([
    ['off', 'the softphone is off', 'switch-on'],
    ['session-expired', 'the session expired', 'sign-in'],
    ['mic', 'the microphone is blocked', 'allow-mic'],
    ['down', 'it cannot reach the phone server', 'reconnect'],
  ] as const)('this phone did not ring (%s): says why and offers the fix', (notHere, why, action) => {
    const d = diagnose(done({ legs: [{ route: 'voicemail', rangAfterMs: null, answeredAfterMs: 150 }], answeredBy: 'voicemail' }, notHere), null);
    expect(d.tone).toBe('bad');
    expect(d.lines).toEqual(['Voicemail answered at once: nothing could ring.', `This phone did not ring: ${why}.`]);
    expect(d.fix?.action).toBe(action);
  });

  it('a phone that was ready but did not ring is not called fine', () => {
    const d = diagnose(done({ legs: [{ route: 'forwarding', rangAfterMs: 300, answeredAfterMs: 5000 }], answeredBy: 'forwarding' }), CELL);
    expect(d.tone).toBe('bad');
    expect(d.lines).toEqual([`Rang on ${CELL} after 0.3 s; ${CELL} took the call.`, 'This phone did not ring, although it was ready. Reconnect, then test again.']);
  });

  it('running and failed tests say so', () => {
    expect(diagnose({ phase: 'running', startedAt: 0, id: null, report: null, error: null, notHere: null }, null)).toMatchObject({ tone: 'busy', lines: ['Calling your vPhone number…'] });
    expect(diagnose({ phase: 'failed', startedAt: 0, id: null, report: null, error: 'line_test_unavailable', notHere: null }, null)).toEqual({
      tone: 'bad',
      lines: ['The line test could not finish. Your provider cannot run a line test right now. Try again later.'],
      fix: null,
    });
  });

  it('why this phone cannot ring, from the snapshot', () => {
    expect(notHereFor({ login: 'signed-in', softphoneEnabled: true, registration: 'registered' })).toBeNull();
    expect(notHereFor({ login: 'signed-in', softphoneEnabled: false, registration: 'off' })).toBe('off');
    expect(notHereFor({ login: 'signed-in', softphoneEnabled: true, registration: 'mic-needed' })).toBe('mic');
    expect(notHereFor({ login: 'signed-in', softphoneEnabled: true, registration: 'recovering' })).toBe('down');
    expect(notHereFor({ login: 'signed-out', softphoneEnabled: true, registration: 'session-expired' })).toBe('session-expired');
  });
});
