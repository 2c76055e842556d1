import { useEffect, useState } from 'preact/hooks';
import { formatDuration, type CallPanel as CallPanelView } from './view-model';

interface Props {
  call: CallPanelView;
  busy: boolean;
  onAnswer(id: string): void;
  onDecline(id: string): void;
  onHangup(id: string): void;
}

function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return <span class="elapsed">{formatDuration(now - since)}</span>;
}

/** The incoming call and the call in progress. Caller text is untrusted: JSX renders it as text. */
export function CallPanel({ call, busy, onAnswer, onDecline, onHangup }: Props) {
  if (call.kind === 'ringing') {
    return (
      <section class="call ringing" aria-label="Incoming call">
        <p class="call-label">Incoming call</p>
        <p class="caller">{call.name || call.number || 'Unknown caller'}</p>
        {call.name && call.number && <p class="number">{call.number}</p>}
        <div class="buttons">
          <button class="answer" disabled={busy} onClick={() => onAnswer(call.id)}>
            Answer
          </button>
          <button class="decline" disabled={busy} onClick={() => onDecline(call.id)}>
            Decline
          </button>
        </div>
      </section>
    );
  }
  return (
    <section class="call in-call" aria-label="Call in progress">
      <p class="call-label">{call.answering ? 'Connecting…' : 'On a call'}</p>
      <p class="caller">{call.caller}</p>
      {call.answeredAt !== null && <Elapsed since={call.answeredAt} />}
      <div class="buttons">
        <button class="decline" disabled={busy} onClick={() => onHangup(call.id)}>
          Hang up
        </button>
      </div>
    </section>
  );
}
