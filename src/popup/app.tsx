import { useEffect, useRef, useState } from 'preact/hooks';
import { hasAnyCall } from '../shared/snapshot';
import { commandShortcuts } from '../platform/lifecycle';
import { callKey, usePopupState, type PopupStore } from './store';
import { popupView } from './view-model';
import { SignInForm } from './sign-in-form';
import { CallPanel } from './call-panel';
import { RenewSession } from './renew-session';
import { RecentCalls } from './recent-calls';
import { VoicemailList } from './voicemail-list';
import { LineTestResult } from './line-test';
import { t, type MessageKey } from '../shared/i18n';

declare const __DEFAULT_SERVER__: string;

const SHORTCUT_LABELS: [string, MessageKey][] = [
  ['answer-call', 'answer'],
  ['hangup-call', 'hangUp'],
  ['toggle-mute', 'mute'],
  ['toggle-softphone', 'softphone'],
];

/** The bindings Chrome really made (see commandShortcuts), not the ones we suggested. */
function useShortcuts(): Record<string, string> {
  const [shortcuts, setShortcuts] = useState<Record<string, string>>({});
  useEffect(() => {
    commandShortcuts().then(setShortcuts, () => undefined);
  }, []);
  return shortcuts;
}

/** A clock that ticks every second while `running`: durations and escalation follow time. */
function useNow(running: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!running) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return running ? now : Date.now();
}

/** Where the keyboard focus belongs: on Answer while a call rings, on the call once answered, on the page's heading after. */
function focusKey(view: ReturnType<typeof popupView> | null): string | null {
  if (!view || view.screen !== 'phone') return null;
  const ringing = view.calls.find((c) => c.kind === 'ringing');
  if (ringing) return `ring:${ringing.id}`;
  const current = view.calls.find((c) => c.kind === 'in-call' && c.current);
  return current ? `call:${current.id}` : 'idle';
}

/**
 * Moves focus with the calls (a screen-reader or keyboard user must not be
 * left on the page body, nor on the Softphone switch where Space turns the
 * phone off while a call rings): Answer when a call rings, the call's region
 * once answered, the heading when the last call is over or after sign-in.
 */
function useCallFocus(key: string | null): void {
  const last = useRef<string | null>(null);
  useEffect(() => {
    const prev = last.current;
    last.current = key;
    if (key === prev || key === null) return;
    const [kind, id] = key.split(':');
    const target =
      kind === 'ring'
        ? document.querySelector<HTMLElement>(`[data-answer="${id}"]`)
        : kind === 'call'
          ? document.querySelector<HTMLElement>(`[data-call="${id}"]`)
          : prev !== null || document.activeElement === document.body
            ? document.getElementById('phone-heading')
            : null;
    target?.focus();
  }, [key]);
}

export function App({ store }: { store: PopupStore }) {
  const state = usePopupState(store);
  const shortcuts = useShortcuts();
  const now = useNow(state.snapshot?.outage != null || (state.snapshot?.retry?.at ?? 0) > Date.now());
  // The first frame with the worker's state on screen (npm run bench:popup reads this mark).
  const hasState = state.snapshot !== null;
  useEffect(() => {
    if (hasState && performance.getEntriesByName('popup-real-state').length === 0) requestAnimationFrame(() => performance.mark('popup-real-state'));
  }, [hasState]);
  const view = state.snapshot ? popupView(state.snapshot, __DEFAULT_SERVER__, now) : null;
  useCallFocus(focusKey(view));
  if (!state.snapshot || !view) return <p role="status">{t('loading')}</p>;
  const ringing = view.calls.find((c) => c.kind === 'ringing');

  if (view.screen === 'sign-in' || !view.account) {
    return (
      <main>
        <SignInForm key={`${view.signIn.server}|${view.signIn.username}`} view={view.signIn} onSubmit={state.login} />
      </main>
    );
  }

  return (
    <main>
      <h1 id="phone-heading" class="sr-only" tabIndex={-1}>
        {t('phoneHeading')}
      </h1>
      {/* An incoming call is announced at once, whatever the screen reader was reading. */}
      <p class="sr-only" aria-live="assertive">
        {ringing ? t('announceCall', ringing.region, ringing.caller) : ''}
      </p>
      <header class="account" aria-label={t('signedInAccount')}>
        <div>
          <p class="account-name">{view.account.name}</p>
          <p class="account-number">{view.account.number}</p>
          <p class="account-login">{view.account.login}</p>
        </div>
        <button class="link" onClick={() => void state.logout()} disabled={state.pending.logout || hasAnyCall(state.snapshot)}>
          {t('signOut')}
        </button>
      </header>

      <div class={`status ${view.status.tone}`}>
        <span class="dot" aria-hidden="true" />
        <div role="status" aria-live="polite">
          <p class="status-text">{view.status.text}</p>
          {view.status.detail && <p class="status-detail">{view.status.detail}</p>}
          {view.status.action && (
            <button class="link" onClick={() => void state.fixConnection()} disabled={state.pending.fix}>
              {view.status.action}
            </button>
          )}
        </div>
      </div>

      <div class="switch-row">
        <span id="softphone-label">{t('softphone')}</span>
        <button
          role="switch"
          aria-checked={view.softphone.checked}
          aria-labelledby="softphone-label"
          class="switch"
          disabled={view.softphone.disabled || state.pending.toggle}
          onClick={() => void state.setSoftphone(!view.softphone.checked)}
        >
          <span class="knob" aria-hidden="true" />
        </button>
        <span class="switch-state" aria-hidden="true">
          {t(view.softphone.checked ? 'on' : 'off')}
        </span>
      </div>

      {view.routing && (
        <section class="routing" aria-label={t('routing')}>
          {view.routing.lines.map((line) => (
            <p key={line}>{line}</p>
          ))}
          {view.routing.warning && (
            <p class="warning" role="note">
              {view.routing.warning}
            </p>
          )}
          {view.lineTest.offered && (
            <button class="secondary" onClick={() => void state.startLineTest()} disabled={view.lineTest.running || state.pending['line-test']}>
              {t('testMyLine')}
            </button>
          )}
        </section>
      )}
      {view.lineTest.diagnosis && <LineTestResult diagnosis={view.lineTest.diagnosis} busy={state.pending.toggle === true || state.pending.fix === true} onFix={(fix) => void state.fixLine(fix)} />}

      {view.renew && <RenewSession offer={view.renew} busy={state.pending.login === true} onRenew={state.login} />}

      {view.calls.map((call) => (
        <CallPanel
          key={call.id}
          call={call}
          busy={state.pending[callKey(call.id)] === true}
          error={state.actionError?.key === callKey(call.id) ? state.actionError.text : null}
          shortcuts={shortcuts}
          actions={{ op: state.callOp }}
        />
      ))}
      {state.actionError && !state.actionError.key.startsWith('call:') && (
        <p class="error" role="alert">
          {state.actionError.text}
        </p>
      )}
      {view.calls.length === 0 && view.lastCall && <p class="last-call">{view.lastCall}</p>}
      {view.voicemail && <VoicemailList messages={view.voicemail} />}
      <RecentCalls version={state.snapshot.lastCall?.id ?? ''} />
      <p class="shortcuts" aria-label={t('keyboardShortcuts')}>
        {SHORTCUT_LABELS.map(([name, label]) => t('shortcutLine', t(label), shortcuts[name] || t('shortcutNotSet'))).join(' · ')}
      </p>
    </main>
  );
}
