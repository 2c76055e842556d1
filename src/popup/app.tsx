import { useStore } from 'zustand';
import type { PopupStore } from './store';
import { popupView } from './view-model';
import { SignInForm } from './sign-in-form';
import { CallPanel } from './call-panel';
import { RenewSession } from './renew-session';

declare const __DEFAULT_SERVER__: string;

export function App({ store }: { store: PopupStore }) {
  const state = useStore(store);
  if (!state.snapshot) return <p role="status">Loading…</p>;
  const view = popupView(state.snapshot, __DEFAULT_SERVER__);

  if (view.screen === 'sign-in' || !view.account) {
    return (
      <main>
        <SignInForm key={`${view.signIn.server}|${view.signIn.username}`} view={view.signIn} onSubmit={state.login} />
      </main>
    );
  }

  return (
    <main>
      <header class="account" aria-label="Signed in account">
        <div>
          <p class="account-name">{view.account.name}</p>
          <p class="account-number">{view.account.number}</p>
          <p class="account-login">{view.account.login}</p>
        </div>
        <button class="link" onClick={() => void state.logout()} disabled={state.pending === 'logout' || state.snapshot.call !== null}>
          Sign out
        </button>
      </header>

      <div class={`status ${view.status.tone}`}>
        <span class="dot" aria-hidden="true" />
        <div role="status" aria-live="polite">
          <p class="status-text">{view.status.text}</p>
          {view.status.detail && <p class="status-detail">{view.status.detail}</p>}
          {view.status.action && (
            <button class="link" onClick={() => void state.fixConnection()} disabled={state.pending === 'fix'}>
              {view.status.action}
            </button>
          )}
        </div>
      </div>

      <div class="switch-row">
        <span id="softphone-label">Softphone</span>
        <button
          role="switch"
          aria-checked={view.softphone.checked}
          aria-labelledby="softphone-label"
          class="switch"
          disabled={view.softphone.disabled || state.pending === 'toggle'}
          onClick={() => void state.setSoftphone(!view.softphone.checked)}
        >
          <span class="knob" aria-hidden="true" />
        </button>
      </div>

      {view.renew && <RenewSession offer={view.renew} busy={state.pending === 'login'} onRenew={state.login} />}

      {view.call && (
        <CallPanel
          call={view.call}
          busy={state.pending !== null}
          onAnswer={(id) => void state.answer(id)}
          onDecline={(id) => void state.decline(id)}
          onHangup={(id) => void state.hangup(id)}
        />
      )}
      {state.actionError && (
        <p class="error" role="alert">
          {state.actionError}
        </p>
      )}
      {!view.call && view.lastCall && <p class="last-call">{view.lastCall}</p>}
    </main>
  );
}
