/**
 * What the toolbar says at a glance. One state, one look: an agent must tell
 * "ready", "off", "working on it", "cannot receive calls" and "signed out or
 * expired" apart without opening anything. The words come from
 * `reachability()`, like the popup's and the notification's.
 */
import { reachability } from '../shared/reachability';
import { plural, t } from '../shared/i18n';
import { hasLiveCall, liveCalls, newVoicemails, ringingCall, type Snapshot } from '../shared/snapshot';

export interface BadgeSpec {
  text: string;
  color: string;
  title: string;
}

const BLUE = '#1a73e8';

export function badgeFor(s: Snapshot, now: number): BadgeSpec {
  const who = s.account ? `${s.account.name} · ${s.account.vPhoneNumber}` : '';
  const title = (...lines: (string | null)[]) => [who ? `vPhone — ${who}` : 'vPhone', ...lines.filter(Boolean)].join('\n');

  const ringing = ringingCall(s);
  if (ringing) return { text: t('badgeRing'), color: BLUE, title: title(t(hasLiveCall(s) ? 'callWaiting' : 'incomingCall')) };
  const live = liveCalls(s);
  if (live.length > 1) return { text: t('badgeCall'), color: BLUE, title: title(t('badgeTwoCalls', live.length)) };
  if (live.length === 1) return { text: t('badgeCall'), color: BLUE, title: title(t(live[0]?.held ? 'badgeOnCallHeld' : 'callActive')) };

  const r = reachability(s, now);
  const missed = s.missed.count > 0 ? plural(s.missed.count, { one: 'missedCallsOne', other: 'missedCallsOther' }) : null;
  const unheard = newVoicemails(s);
  const voicemail = unheard > 0 ? plural(unheard, { one: 'newVoicemailsOne', other: 'newVoicemailsOther' }) : null;
  // Missed calls and new voicemails are counted on the badge while the phone is fine; a problem with it wins.
  const count = s.missed.count + unheard;
  if (count > 0 && r.kind === 'ready') return { text: String(Math.min(count, 99)), color: BLUE, title: title(r.headline, missed, voicemail) };
  return { ...r.badge, title: title(r.headline, r.reason, r.meanwhile, missed, voicemail) };
}
