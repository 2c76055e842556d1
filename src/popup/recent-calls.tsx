/**
 * Recent calls, in the popup itself (no tab, no menu): who, when, how long,
 * and what happened. Caller text is untrusted: rendered as isolated text.
 */
import { useEffect, useState } from 'preact/hooks';
import type { RecentCall } from '../shared/recent-calls';
import { requestBackground } from '../platform/ui-channel';
import { formatDuration } from './view-model';
import { describeOutcome } from '../shared/text';
import { t, uiLanguage } from '../shared/i18n';

const SHOWN = 20;

export function when(at: number, now: number): string {
  const d = new Date(at);
  const sameDay = new Date(now).toDateString() === d.toDateString();
  const time = d.toLocaleTimeString(uiLanguage(), { hour: '2-digit', minute: '2-digit' });
  return sameDay ? time : `${d.toLocaleDateString(uiLanguage(), { month: 'short', day: 'numeric' })} ${time}`;
}

/** Who called, as isolated text (caller data is untrusted): the name, then the number when both exist. */
export function Who({ name, number }: { name: string; number: string }) {
  return (
    <span class="who">
      <bdi>{name || number || t('unknownCaller')}</bdi>
      {name && number && (
        <span class="number">
          {' '}
          <bdi>{number}</bdi>
        </span>
      )}
    </span>
  );
}

/** `version` changes whenever a call ends (the last call's id), so the list re-reads then. */
export function RecentCalls({ version }: { version: string }) {
  const [calls, setCalls] = useState<RecentCall[] | null>(null);
  useEffect(() => {
    requestBackground('get-recent-calls', {}).then(setCalls, () => setCalls([]));
  }, [version]);
  if (!calls) return null;
  const now = Date.now();
  const shown = [...calls].reverse().slice(0, SHOWN);
  return (
    <section class="recent" aria-labelledby="recent-heading">
      <h2 id="recent-heading">{t('recentCalls')}</h2>
      {shown.length === 0 ? (
        <p class="empty">{t('noCallsYet')}</p>
      ) : (
        <ul aria-label={t('recentCalls')}>
          {shown.map((c) => (
            <li key={c.id} class={`recent-call ${c.outcome === 'Missed' ? 'missed' : ''}`}>
              <Who name={c.name} number={c.number} />
              <span class="meta">
                {when(c.at, now)}
                {c.durationMs !== null ? ` · ${formatDuration(c.durationMs)}` : ''} · <span class="outcome">{describeOutcome(c.outcome)}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
