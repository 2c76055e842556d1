import { useState } from 'preact/hooks';

interface Props {
  offer: { endsAt: number; server: string; username: string };
  busy: boolean;
  onRenew(server: string, username: string, password: string): Promise<boolean>;
}

/** "Stay signed in": the password again (never stored), swapped in without dropping the phone or a call. */
export function RenewSession({ offer, busy, onRenew }: Props) {
  const [password, setPassword] = useState('');
  const at = new Date(offer.endsAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  // During a call the expiry waits for the call to end; say so rather than show a past time.
  const text =
    offer.endsAt <= Date.now()
      ? 'Your session has ended. Enter your password to keep receiving calls after this one.'
      : `Your session ends at ${at}. Enter your password to stay signed in.`;
  return (
    <form
      class="renew"
      aria-label="Stay signed in"
      onSubmit={async (e) => {
        e.preventDefault();
        await onRenew(offer.server, offer.username, password);
        setPassword('');
      }}
    >
      <p>{text}</p>
      <label for="renew-password">Password</label>
      <input id="renew-password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      <button type="submit" class="primary" disabled={busy}>
        Stay signed in
      </button>
    </form>
  );
}
