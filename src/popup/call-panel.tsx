/**
 * The calls: a ringing call (or a waiting one during a call), the call in
 * progress with its controls, and the call on hold. Caller text is untrusted:
 * JSX renders it as text, isolated with <bdi> so a right-to-left name cannot
 * reorder what follows it. Accessible names are an interface (tests and screen
 * readers use them): a toggle keeps its name and shows its state in aria-pressed.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CallOp, CallStats } from '../shared/engine-types';
import { requestBackground } from '../platform/ui-channel';
import { t } from '../shared/i18n';
import { formatDuration, type InCallPanel, type RingingPanel, type CallPanel as CallPanelView } from './view-model';

export interface CallActions {
  op(callId: string, op: CallOp): Promise<boolean>;
}

interface Props {
  call: CallPanelView;
  busy: boolean;
  /** The last failed control of this call, in words. */
  error: string | null;
  /** Chrome's real bindings, for aria-keyshortcuts. */
  shortcuts: Record<string, string>;
  actions: CallActions;
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;
const STATS_POLL_MS = 250;

function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <span class="elapsed" role="timer" aria-label={t('callDuration')}>
      {formatDuration(now - since)}
    </span>
  );
}

/** The agent's own microphone as sent, so they see it works (0 while muted or on hold). */
function MicMeter({ callId }: { callId: string }) {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    let alive = true;
    const poll = async () => {
      const stats: CallStats | null = await requestBackground('get-call-stats', { callId }).catch(() => null);
      if (alive) setLevel(stats?.micLevel ?? 0);
    };
    const timer = setInterval(() => void poll(), STATS_POLL_MS);
    void poll();
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [callId]);
  // The level is linear amplitude; a square root reads closer to loudness.
  return <meter class="mic-meter" aria-label={t('microphoneLevel')} min={0} max={1} value={Math.sqrt(level)} />;
}

function Caller({ name, number, caller }: { name: string; number: string; caller: string }) {
  return (
    <>
      <p class="caller">
        <bdi>{name || number || caller}</bdi>
      </p>
      {name && number && (
        <p class="number">
          <bdi>{number}</bdi>
        </p>
      )}
    </>
  );
}

function RingingCall({ call, busy, shortcuts, actions }: Omit<Props, 'call' | 'error'> & { call: RingingPanel }) {
  return (
    <section class={`call ringing ${call.waiting ? 'waiting' : ''}`} aria-label={call.region}>
      <p class="call-label">{call.region}</p>
      <Caller {...call} />
      <div class="buttons">
        <button class="answer" data-answer={call.id} disabled={busy} aria-keyshortcuts={shortcuts['answer-call'] || undefined} onClick={() => void actions.op(call.id, { kind: 'answer' })}>
          {call.answerLabel}
        </button>
        <button class="decline" disabled={busy} onClick={() => void actions.op(call.id, { kind: 'hangup' })}>
          {t('decline')}
        </button>
      </div>
    </section>
  );
}

function Keypad({ callId, actions }: { callId: string; actions: CallActions }) {
  const [sent, setSent] = useState('');
  const press = (key: string) => {
    setSent((s) => (s + key).slice(-24));
    void actions.op(callId, { kind: 'dtmf', tones: key });
  };
  // The keyboard's digit keys work while the keypad is open.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.ctrlKey || e.altKey || e.metaKey) return;
      if ((KEYS as readonly string[]).includes(e.key)) {
        e.preventDefault();
        press(e.key);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [callId]);
  return (
    <div class="keypad" role="group" aria-label={t('keypad')}>
      <output class="digits" aria-label={t('digitsSent')}>
        {sent}
      </output>
      {KEYS.map((key) => (
        <button key={key} type="button" onClick={() => press(key)}>
          {key}
        </button>
      ))}
    </div>
  );
}

function TransferForm({ callId, actions, busy }: { callId: string; actions: CallActions; busy: boolean }) {
  const [target, setTarget] = useState('');
  return (
    <form
      class="transfer"
      onSubmit={(e) => {
        e.preventDefault();
        void actions.op(callId, { kind: 'transfer', target });
      }}
    >
      <label for={`transfer-${callId}`}>{t('transferTo')}</label>
      <input
        id={`transfer-${callId}`}
        type="text"
        inputMode="tel"
        autoComplete="off"
        placeholder={t('transferPlaceholder')}
        value={target}
        maxLength={256}
        onInput={(e) => setTarget((e.target as HTMLInputElement).value)}
      />
      <button type="submit" class="primary" disabled={busy || target.trim() === ''}>
        {t('transferNow')}
      </button>
    </form>
  );
}

function InCall({ call, busy, error, shortcuts, actions }: Props & { call: InCallPanel }) {
  const [open, setOpen] = useState<'keypad' | 'transfer' | null>(null);
  const toggle = (panel: 'keypad' | 'transfer') => setOpen((cur) => (cur === panel ? null : panel));
  const current = call.current;
  const disabled = busy || !call.controls;
  return (
    <section class={`call in-call ${call.held ? 'held' : ''}`} aria-label={call.region} data-call={call.id} tabIndex={-1}>
      <p class="call-label">{call.status}</p>
      <Caller {...call} />
      {call.answeredAt !== null && <Elapsed since={call.answeredAt} />}
      {current && call.controls && !call.held && <MicMeter callId={call.id} />}
      {call.quality && (
        <p class="quality" role="status">
          {call.quality}
        </p>
      )}
      {(call.notice || error) && (
        <p class="error" role="alert">
          {error ?? call.notice}
        </p>
      )}
      <div class="controls">
        {current && (
          <button type="button" aria-pressed={call.muted} disabled={disabled} aria-keyshortcuts={shortcuts['toggle-mute'] || undefined} onClick={() => void actions.op(call.id, { kind: 'mute', on: !call.muted })}>
            {t('mute')}
          </button>
        )}
        <button type="button" aria-pressed={call.held} disabled={disabled} onClick={() => void actions.op(call.id, { kind: 'hold', on: !call.held })}>
          {t('hold')}
        </button>
        {current && (
          <button type="button" aria-expanded={open === 'keypad'} disabled={!call.controls || call.held} onClick={() => toggle('keypad')}>
            {t('keypad')}
          </button>
        )}
        {current && (
          <button type="button" aria-expanded={open === 'transfer'} disabled={disabled} onClick={() => toggle('transfer')}>
            {t('transfer')}
          </button>
        )}
      </div>
      {current && open === 'keypad' && call.controls && !call.held && <Keypad callId={call.id} actions={actions} />}
      {current && open === 'transfer' && call.controls && <TransferForm callId={call.id} actions={actions} busy={busy} />}
      <div class="buttons">
        <button class="decline" aria-keyshortcuts={current ? shortcuts['hangup-call'] || undefined : undefined} onClick={() => void actions.op(call.id, { kind: 'hangup' })}>
          {t('hangUp')}
        </button>
      </div>
    </section>
  );
}

export function CallPanel(props: Props) {
  const { call } = props;
  return call.kind === 'ringing' ? <RingingCall {...props} call={call} /> : <InCall {...props} call={call} />;
}
