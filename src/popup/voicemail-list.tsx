/**
 * Voicemail messages (R7) in the popup: who, when, how long, new or heard,
 * and "Play". The audio comes from the worker as base64 (it holds the API
 * token) and plays from a blob here; playing marks the message heard. Caller
 * text is untrusted: rendered as isolated text.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatDuration, type VoicemailMessage } from '../shared/voicemail';
import { fromBase64 } from '../shared/base64';
import { describeError } from '../shared/text';
import { t } from '../shared/i18n';
import { requestBackground } from '../platform/ui-channel';
import { when, Who } from './recent-calls';

export function VoicemailList({ messages }: { messages: VoicemailMessage[] }) {
  const [playing, setPlaying] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const audio = useRef<HTMLAudioElement>(null);
  const url = useRef<string | null>(null);
  useEffect(() => () => void (url.current && URL.revokeObjectURL(url.current)), []);

  const play = async (id: string) => {
    setError(null);
    setPlaying(id);
    const answer = await requestBackground('voicemail-audio', { id }).catch(() => null);
    const bytes = answer?.ok ? fromBase64(answer.data) : null;
    if (!answer?.ok || !bytes || !audio.current) {
      setPlaying(null);
      return setError(describeError(answer && !answer.ok ? answer.error : 'server_unreachable'));
    }
    if (url.current) URL.revokeObjectURL(url.current);
    url.current = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: answer.contentType }));
    audio.current.src = url.current;
    await audio.current.play().catch(() => undefined);
    void requestBackground('voicemail-heard', { id }).catch(() => undefined);
  };

  const unheard = messages.filter((m) => !m.heard).length;
  const now = Date.now();
  return (
    <section class="voicemail" aria-labelledby="voicemail-heading">
      <h2 id="voicemail-heading">
        {t('voicemail')}
        {unheard > 0 && <span class="count"> · {t('newCount', unheard)}</span>}
      </h2>
      {messages.length === 0 ? (
        <p class="empty">{t('noMessages')}</p>
      ) : (
        <ul aria-label={t('voicemail')}>
          {messages.slice(0, 20).map((m) => (
            <li key={m.id} class={`message ${m.heard ? '' : 'new'}`}>
              <Who name={m.fromName} number={m.from} />
              <span class="meta">
                {when(m.receivedAt, now)} · {formatDuration(m.durationSeconds)} · <span class="outcome">{t(m.heard ? 'heard' : 'new')}</span>
              </span>
              <button class="secondary" aria-pressed={playing === m.id} onClick={() => void play(m.id)}>
                {t('play')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <audio ref={audio} controls hidden={playing === null} onEnded={() => setPlaying(null)} aria-label={t('voicemailPlayer')} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
