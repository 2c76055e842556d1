/**
 * Whether a call to the agent's number would ring here, in words: the one
 * place that derives everything the agent is told about it — the popup's
 * status line, its detail and its button, the toolbar badge and its tooltip,
 * and the "cannot receive calls" notification with its button. They cannot
 * disagree, because they are the same value rendered three ways.
 *
 * Time matters, so it is an input: an outage is announced only after a short
 * grace period (a blip during a refresh is not worth an interruption), and
 * "Reconnecting…" (amber) becomes "Cannot receive calls" (red, with where calls
 * go meanwhile) once it has lasted `escalateMs`. Durations count from the
 * moment calls stopped ringing here (`Snapshot.outage.since`), not from the
 * last state change, and the notification says "since 14:03:12", which never
 * goes stale.
 */
import type { ErrorCode } from './errors';
import type { RoutingSummary, Snapshot } from './snapshot';
import { describeError, whereCallsGo } from './text';
import { t, timeOfDay } from './i18n';

export type ReachKind = 'signed-out' | 'expired' | 'off' | 'ready' | 'connecting' | 'reconnecting' | 'down' | 'mic';
export type Tone = 'ok' | 'off' | 'busy' | 'bad';
/** The fixing button's label ("Reconnect now", "Allow microphone"), in the agent's language. */
export type FixAction = string;

export interface ReachTimes {
  /** An outage shorter than this is not announced. */
  graceMs: number;
  /** "Reconnecting…" turns into "Cannot receive calls" after this long. */
  escalateMs: number;
}

export const DEFAULT_REACH_TIMES: ReachTimes = { graceMs: 5000, escalateMs: 20_000 };

export interface Reachability {
  kind: ReachKind;
  tone: Tone;
  /** The status line. */
  headline: string;
  /** Why, in one sentence, without the headline's words again; null when nothing to add. */
  reason: string | null;
  /** Where a call to the agent's number goes while it cannot ring here; null when it rings here. */
  meanwhile: string | null;
  /** When calls stopped ringing here (or the agent asked for them and they never did). */
  since: number | null;
  /** The one action that can fix it. */
  action: FixAction | null;
  badge: { text: string; color: string };
  /** The "cannot receive calls" notification, or null when the agent must not be interrupted. */
  notice: { title: string; message: string; button: FixAction } | null;
  /** When this derivation changes by itself (grace over, escalation), so a holder can re-derive. */
  changesAt: number | null;
}

const COLORS: Record<Tone, string> = { ok: '#188038', off: '#5f6368', busy: '#e37400', bad: '#c5221f' };

/** What the state machine's reasons say, minus the ones that would repeat the headline. */
function reasonFor(error: ErrorCode | null, kind: ReachKind): string | null {
  if (!error) return kind === 'down' ? t('reasonServerSilent') : null;
  if (error === 'mic_not_granted' && kind === 'mic') return null; // The headline says it.
  return describeError(error);
}

export function clockTime(ms: number): string {
  return timeOfDay(ms, true);
}

function base(kind: ReachKind, tone: Tone, headline: string, badgeText: string): Reachability {
  return {
    kind,
    tone,
    headline,
    reason: null,
    meanwhile: null,
    since: null,
    action: null,
    badge: { text: badgeText, color: COLORS[tone] },
    notice: null,
    changesAt: null,
  };
}

export function reachability(s: Snapshot, now: number, times: ReachTimes = s.reachTimes ?? DEFAULT_REACH_TIMES): Reachability {
  if (s.login !== 'signed-in') {
    return s.registration === 'session-expired' || s.loginError === 'session_expired'
      ? { ...base('expired', 'bad', t('state_session_expired'), '!'), meanwhile: whereCallsGo(s.routing) }
      : base('signed-out', 'off', t('signedOut'), '');
  }
  if (!s.softphoneEnabled) return { ...base('off', 'off', t('headlineOff'), t('badgeOff')), meanwhile: routesWhenOff(s.routing) };
  if (s.registration === 'registered') return base('ready', 'ok', t('state_registered'), t('badgeOn'));

  const since = s.outage?.since ?? s.registrationSince;
  const age = Math.max(0, now - since);
  const lost = s.outage?.kind === 'lost';
  let r: Reachability;
  if (s.registration === 'mic-needed') {
    r = { ...base('mic', 'bad', t('state_mic_needed'), '!'), action: t('allowMicrophone') };
  } else if (s.registration === 'unreachable' || s.registration === 'session-expired' || age >= times.escalateMs) {
    r = { ...base('down', 'bad', t('state_unreachable'), '!'), action: t('reconnectNow') };
  } else if (lost || s.registration === 'recovering') {
    r = { ...base('reconnecting', 'busy', t('state_recovering'), '…'), action: t('reconnectNow') };
  } else {
    // Switching on, signing in, a worker start: connecting is not an outage yet.
    r = { ...base('connecting', 'busy', t('state_registering'), '…'), action: age >= times.graceMs ? t('reconnectNow') : null };
  }
  r.reason = reasonFor(s.registrationError, r.kind);
  r.since = since;
  r.meanwhile = whereCallsGo(s.routing);
  const announceAt = since + times.graceMs;
  if (now >= announceAt && r.action) {
    const why = r.reason ?? (/[.…]$/.test(r.headline) ? r.headline : `${r.headline}.`);
    r.notice = {
      title: t(lost ? 'noticeLostTitle' : 'noticeNotYetTitle'),
      message: `${why} ${t('sinceTime', clockTime(since))} ${r.meanwhile}`,
      button: r.action,
    };
  }
  const upcoming = [announceAt, since + times.escalateMs].filter((t) => t > now && r.kind !== 'down' && r.kind !== 'mic');
  if (r.kind === 'mic' && announceAt > now) upcoming.push(announceAt);
  r.changesAt = upcoming.length > 0 ? Math.min(...upcoming) : null;
  return r;
}

/** With the softphone off, where calls go (rules R2, R4, R5). */
function routesWhenOff(routing: RoutingSummary | null): string {
  return whereCallsGo(routing, false);
}

export { formatAge } from './text';
