import { useState } from 'preact/hooks';
import type { PopupView } from './view-model';
import { t } from '../shared/i18n';

interface Props {
  view: PopupView['signIn'];
  onSubmit(server: string, username: string, password: string): Promise<boolean>;
}

/** The extension's own sign-in (independent of any website session, rule R8). */
export function SignInForm({ view, onSubmit }: Props) {
  const [server, setServer] = useState(view.server);
  const [username, setUsername] = useState(view.username);
  const [password, setPassword] = useState('');
  // The last attempt's error belongs to that attempt: once the agent edits the
  // form (or the browser flags a field), it would only sit beside newer words.
  const [stale, setStale] = useState(false);
  const edit = (set: (v: string) => void) => (e: { currentTarget: HTMLInputElement }) => {
    setStale(true);
    set(e.currentTarget.value);
  };

  // The provider's wait (429) holds for the server and user it was given for.
  const waiting = view.wait !== null && view.wait.username === username.trim() && server.trim().startsWith(view.wait.server);

  const submit = async (e: Event) => {
    e.preventDefault();
    setStale(false);
    const ok = await onSubmit(server, username, password);
    // The password is forgotten at once either way; only the worker ever saw it.
    setPassword('');
    if (!ok) (document.getElementById('password') as HTMLInputElement | null)?.focus();
  };

  return (
    <form class="sign-in" onSubmit={submit} onInvalidCapture={() => setStale(true)} aria-busy={view.busy}>
      <h1>{t('signInHeading')}</h1>
      {view.expired && (
        <p class="notice bad" role="status">
          {view.expired}
        </p>
      )}
      <label for="server">{t('server')}</label>
      <input id="server" name="server" type="url" autoComplete="url" required value={server} onInput={edit(setServer)} />
      <label for="username">{t('username')}</label>
      <input id="username" name="username" autoComplete="username" required value={username} onInput={edit(setUsername)} />
      <label for="password">{t('password')}</label>
      <input id="password" name="password" type="password" autoComplete="current-password" required value={password} onInput={edit(setPassword)} />
      {view.error && (!stale || waiting) && (
        <p class="error" role="alert">
          {view.error}
        </p>
      )}
      <button type="submit" class="primary" disabled={view.busy || waiting}>
        {t('signIn')}
      </button>
      {view.busy && (
        <p class="hint" role="status">
          {t('signingIn')}
        </p>
      )}
    </form>
  );
}
