import { useState } from 'preact/hooks';
import { t, timeOfDay } from '../shared/i18n';

interface Props {
  offer: { endsAt: number; server: string; username: string };
  busy: boolean;
  onRenew(server: string, username: string, password: string): Promise<boolean>;
}

/** "Stay signed in": the password again (never stored), swapped in without dropping the phone or a call. */
export function RenewSession({ offer, busy, onRenew }: Props) {
  const [password, setPassword] = useState('');
  const at = timeOfDay(offer.endsAt);
  // During a call the expiry waits for the call to end; say so rather than show a past time.
  const text =
    offer.endsAt <= Date.now()
      ? t('renewEnded')
      : t('renewEndsAt', at);
  return (
    <form
      class="renew"
      aria-label={t('staySignedIn')}
      onSubmit={async (e) => {
        e.preventDefault();
        await onRenew(offer.server, offer.username, password);
        setPassword('');
      }}
    >
      <p>{text}</p>
      <label for="renew-password">{t('password')}</label>
      <input id="renew-password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      <button type="submit" class="primary" disabled={busy}>
        {t('staySignedIn')}
      </button>
    </form>
  );
}
