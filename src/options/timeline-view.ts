/**
 * The connection timeline in words, for people: raw codes become sentences,
 * and runs of the same event (a refresh every 30 s) collapse into one line
 * with a count, so a day of history fits on a screen. The raw entries stay in
 * the export for support.
 */
import { isErrorCode } from '../shared/errors';
import { describeError, describeRegistration } from '../shared/text';
import { isRegistrationState } from '../shared/registration-state';
import type { TimelineEntry } from '../shared/timeline-types';
import { t } from '../shared/i18n';

export interface TimelineLine {
  /** The newest occurrence (the list is newest first). */
  at: number;
  /** The oldest occurrence in a collapsed run. */
  since: number;
  count: number;
  text: string;
}

export function describeEvent(e: TimelineEntry): string {
  const why = isErrorCode(e.detail) ? ` — ${describeError(e.detail)}` : '';
  if (isRegistrationState(e.event)) return `${describeRegistration(e.event)}${why}`;
  switch (e.event) {
    case 'signed-in':
      return e.detail ? t('eventSignedInAs', e.detail) : t('eventSignedIn');
    case 'signed-out':
      return t('signedOut');
    case 'signing-in':
      return t('signingIn');
    case 'transport-up':
      return t('eventTransportUp');
    case 'transport-lost':
      return t('eventTransportLost');
    case 'register-ok':
      return t('eventRegisterOk');
    case 'register-failed':
      return e.detail ? t('eventRegisterFailedWhy', e.detail) : t('eventRegisterFailed');
    default:
      return `${e.event}${e.detail ? ` (${e.detail})` : ''}`;
  }
}

/** Newest first, consecutive repeats collapsed. */
export function timelineLines(entries: readonly TimelineEntry[]): TimelineLine[] {
  const lines: TimelineLine[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i] as TimelineEntry;
    const text = describeEvent(e);
    const last = lines.at(-1);
    if (last && last.text === text) {
      last.count += 1;
      last.since = e.at;
    } else {
      lines.push({ at: e.at, since: e.at, count: 1, text });
    }
  }
  return lines;
}
