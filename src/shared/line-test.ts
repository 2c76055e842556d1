/**
 * "Test my line": the provider calls the agent's vPhone number through the
 * real routing and reports what each route did (DESIGN section 5). These pure
 * functions check that report and turn it into a diagnosis in plain words,
 * with the one action that fixes what it found. They know the traps the
 * provider's help text lists: a forwarding phone that is off answers at once
 * with its own voicemail (rule R3 keeps the call, but that phone rings for
 * nothing), and a phone that cannot ring sends every call to voicemail (R5).
 */
import type { ErrorCode } from './errors';
import { describeError } from './text';
import { listOf, t, uiLanguage, type MessageKey } from './i18n';

export type LineRoute = 'extension' | 'forwarding' | 'voicemail';

export interface LineLeg {
  route: LineRoute;
  rangAfterMs: number | null;
  answeredAfterMs: number | null;
}

export interface LineTestReport {
  state: 'running' | 'done';
  legs: LineLeg[];
  answeredBy: LineRoute | null;
}

/** Why this phone could not ring when the test began (null: it could). */
export type NotHere = 'off' | 'session-expired' | 'mic' | 'down' | null;

export interface LineTestView {
  phase: 'running' | 'done' | 'failed';
  startedAt: number;
  id: string | null;
  report: LineTestReport | null;
  error: ErrorCode | null;
  notHere: NotHere;
}

/** The action that fixes what a test found: the same intents as the popup's buttons. */
export type LineFix = 'switch-on' | 'sign-in' | 'allow-mic' | 'reconnect';

export interface Diagnosis {
  tone: 'ok' | 'warn' | 'bad' | 'busy';
  lines: string[];
  fix: { action: LineFix; label: string } | null;
}

/** How long the extension waits for a test's result before calling it failed. */
export const LINE_TEST_LIMIT_MS = 60_000;
/** Voicemail this soon after the call was sent answered "at once" (rule R5), not after the ring timeout. */
const AT_ONCE_MS = 3000;
/** A forwarding phone that picks up this soon never rang in anyone's hand: its own voicemail did. */
const MACHINE_PICKUP_MS = 4000;

const ROUTES: readonly LineRoute[] = ['extension', 'forwarding', 'voicemail'];
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const ms = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 3_600_000);
const isRoute = (v: unknown): v is LineRoute => typeof v === 'string' && (ROUTES as readonly string[]).includes(v);

export function isLineTestId(v: unknown): v is string {
  return typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(v);
}

/** A line-test report, or null when it is off contract. */
export function parseLineTest(body: unknown): LineTestReport | null {
  if (!isObj(body) || (body.state !== 'running' && body.state !== 'done') || !Array.isArray(body.legs) || body.legs.length > 10) return null;
  const legs: LineLeg[] = [];
  for (const leg of body.legs) {
    if (!isObj(leg) || !isRoute(leg.route) || !ms(leg.rangAfterMs) || !ms(leg.answeredAfterMs)) return null;
    legs.push({ route: leg.route, rangAfterMs: leg.rangAfterMs, answeredAfterMs: leg.answeredAfterMs });
  }
  if (body.answeredBy !== null && !isRoute(body.answeredBy)) return null;
  return { state: body.state, legs, answeredBy: body.answeredBy };
}

/** "0.2 s"; under a tenth of a second "0.03 s" (a fast leg is not "0.0 s"). */
const seconds = (n: number) => t('secondsShort', (n / 1000).toLocaleString(uiLanguage(), { minimumFractionDigits: n < 95 ? 2 : 1, maximumFractionDigits: n < 95 ? 2 : 1 }));

const NOT_HERE: Record<Exclude<NotHere, null>, { why: MessageKey; fix: { action: LineFix; label: MessageKey } }> = {
  off: { why: 'lineNotHereOff', fix: { action: 'switch-on', label: 'switchOn' } },
  'session-expired': { why: 'lineNotHereExpired', fix: { action: 'sign-in', label: 'signInAgain' } },
  mic: { why: 'lineNotHereMic', fix: { action: 'allow-mic', label: 'allowMicrophone' } },
  down: { why: 'lineNotHereDown', fix: { action: 'reconnect', label: 'reconnectNow' } },
};

/** The words of a test, from its view and the forwarding number (as the agent sees it). */
export function diagnose(test: LineTestView, forwardingLabel: string | null): Diagnosis {
  if (test.phase === 'failed') return { tone: 'bad', lines: [t('lineFailed', describeError(test.error ?? 'server_unreachable'))], fix: null };
  const report = test.report;
  if (test.phase === 'running' || !report) return { tone: 'busy', lines: [t('lineRunning')], fix: null };

  const leg = (route: LineRoute) => report.legs.find((l) => l.route === route) ?? null;
  const here = leg('extension');
  const away = leg('forwarding');
  const voicemail = leg('voicemail');
  const rangHere = here?.rangAfterMs != null;
  const awayName = forwardingLabel ?? t('lineYourForwardingPhone');
  const rang = [
    rangHere ? t('lineRangHereAfter', seconds(here.rangAfterMs as number)) : null,
    away?.rangAfterMs != null ? t('lineRangOnAfter', awayName, seconds(away.rangAfterMs)) : null,
  ].filter((x): x is string => x !== null);
  const where = listOf(rang);
  const lines: string[] = [];
  let tone: Diagnosis['tone'] = 'ok';
  let fix: Diagnosis['fix'] = null;

  if (!rangHere) {
    const cause = test.notHere ? NOT_HERE[test.notHere] : null;
    lines.push(cause ? t('lineNotHere', t(cause.why)) : t('lineNotHereReady'));
    fix = cause ? { action: cause.fix.action, label: t(cause.fix.label) } : { action: 'reconnect', label: t('reconnectNow') };
    tone = 'bad';
  }

  const machineAway = away?.answeredAfterMs != null && away.answeredAfterMs < MACHINE_PICKUP_MS && report.answeredBy !== 'forwarding';
  switch (report.answeredBy) {
    case 'extension':
      lines.unshift(t('lineAnsweredHere', where));
      break;
    case 'forwarding':
      lines.unshift(t('lineAnsweredAway', where, awayName));
      break;
    case 'voicemail': {
      const after = voicemail?.answeredAfterMs ?? null;
      if (rang.length === 0 && (after === null || after < AT_ONCE_MS)) {
        lines.unshift(t('lineVoicemailAtOnce'));
        tone = 'bad';
      } else {
        if (rang.length === 0) lines.unshift(t('lineNothingRangVoicemailAfter', seconds(after ?? 0)));
        else lines.unshift(after !== null ? t('lineVoicemailAfter', where, seconds(after)) : t('lineVoicemail', where));
      }
      break;
    }
    default:
      lines.unshift(rang.length ? t('lineNobodyNoVoicemail', where) : t('lineNothingRang'));
      if (!rang.length) tone = 'bad';
  }
  if (machineAway && away?.answeredAfterMs != null) {
    lines.push(t('lineMachineAway', seconds(away.answeredAfterMs)));
    if (tone === 'ok') tone = 'warn';
  }
  return { tone, lines, fix };
}

/** Why calls could not ring here at this moment, from the snapshot's words (null: they could). */
export function notHereFor(s: { login: string; softphoneEnabled: boolean; registration: string }): NotHere {
  if (s.registration === 'session-expired' || s.login !== 'signed-in') return 'session-expired';
  if (!s.softphoneEnabled) return 'off';
  if (s.registration === 'mic-needed') return 'mic';
  return s.registration === 'registered' ? null : 'down';
}
