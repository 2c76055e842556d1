/**
 * Sign-in and sign-out. Stores the session (account, routing and the
 * time-limited SIP credential), never the agent's password.
 */
import { fail, ok, type Result } from '../shared/errors';
import { parseServerUrl } from '../shared/login-contract';
import { createLogger } from '../shared/logger';
import { SerialQueue } from '../shared/serial-queue';
import { accountKey, type Ports, type StoredSession } from './ports';
import { SESSION_NOTICE, SESSION_WARNING_NOTICE, type PhoneSupervisor } from './phone-supervisor';
import type { SnapshotStore } from './snapshot-store';

const log = createLogger('session');

export class SessionController {
  private readonly queue = new SerialQueue();

  constructor(
    private readonly ports: Ports,
    private readonly store: SnapshotStore,
    private readonly phone: PhoneSupervisor,
  ) {}

  login(serverInput: string, usernameInput: string, password: string): Promise<Result> {
    return this.queue.run(async () => {
      const username = usernameInput.trim();
      const server = parseServerUrl(serverInput);
      if (!server.ok) return this.loginFailed(fail('invalid_server_url'));
      if (username === '' || password === '') return this.loginFailed(fail('invalid_credentials'));
      // The provider said how long to wait (429): enforced here, without asking it again.
      const retry = this.store.get().retry;
      if (retry && retry.at > this.ports.now() && retry.server === server.url && retry.username === username) {
        return fail('too_many_attempts', { retryAfterSeconds: Math.ceil((retry.at - this.ports.now()) / 1000) });
      }

      const prev = this.store.get();
      // Renewing ("Stay signed in") keeps the phone view; a first sign-in shows progress.
      const renewing = prev.login === 'signed-in';
      this.store.update((s) => ({ ...s, login: renewing ? s.login : 'signing-in', loginError: null, retry: null }));
      const outcome = await this.ports.login(server.url, username, password);
      if (!outcome.ok) {
        this.store.update((s) => ({ ...s, login: prev.login === 'signing-in' ? 'signed-out' : prev.login }));
        return this.loginFailed(fail(outcome.error, { retryAfterSeconds: outcome.retryAfterSeconds, detail: outcome.detail }), { server: server.url, username });
      }

      const { grant } = outcome;
      const session: StoredSession = {
        account: { ...grant.account, username, server: server.url },
        routing: grant.routing,
        // The credential lies on disk (storage.local) so that a browser restart
        // resumes the phone; it lies there at most a working day, whatever
        // lifetime the provider gives it (see docs/ARCHITECTURE.md, "Secrets").
        sip: { ...grant.sip, expiresAt: capExpiry(grant.sip.expiresAt, this.ports.now()) },
        api: grant.api,
      };
      // The softphone returns to the state this account's agent chose; another
      // account signing in on this browser does not inherit it.
      const intent = await this.ports.local.get('softphoneIntent');
      const softphoneEnabled = intent?.accountKey === accountKey(session.account) && intent.enabled;
      await this.ports.local.set({ session, lastLogin: { server: server.url, username } });
      this.store.update((s) => ({
        ...s,
        login: 'signed-in',
        account: session.account,
        routing: session.routing,
        routingEditable: session.api !== null,
        lastLogin: { server: server.url, username },
        loginError: null,
        retry: null,
        softphoneEnabled,
        sessionExpiresAt: session.sip.expiresAt,
        registration: s.registration === 'session-expired' ? 'off' : s.registration,
      }));
      log.info('signed in', session.account.id);
      this.phone.sessionRenewed();
      void this.ports.notifier.clear(SESSION_NOTICE);
      void this.ports.notifier.clear(SESSION_WARNING_NOTICE);
      await this.phone.reconcile('login');
      return ok;
    });
  }

  private loginFailed(
    result: { ok: false; error: Parameters<typeof fail>[0]; retryAfterSeconds?: number; detail?: string },
    who: { server: string; username: string } | null = null,
  ): Result {
    const retry = result.retryAfterSeconds === undefined || !who ? null : { ...who, at: this.ports.now() + result.retryAfterSeconds * 1000 };
    this.store.update((s) => ({ ...s, loginError: result.error, retry }));
    if (result.detail) log.warn('sign-in failed', result.error, result.detail);
    return result;
  }

  logout(): Promise<Result> {
    return this.queue.run(async () => {
      await this.ports.local.remove('session');
      this.store.update((s) => ({
        ...s,
        login: 'signed-out',
        account: null,
        routing: null,
        softphoneEnabled: false,
        loginError: null,
        sessionExpiresAt: null,
        voicemail: { supported: false, messages: [], greeting: null },
        lineTest: null,
      }));
      // Unregisters and stops the UA; closing the document then frees the memory.
      await this.phone.reconcile('logout');
      await this.ports.engine.close();
      this.store.transition('disable');
      log.info('signed out');
      return ok;
    });
  }
}

/** The longest a SIP credential is kept on disk, from sign-in. */
export const MAX_STORED_CREDENTIAL_MS = 12 * 3600_000;

/** The provider's expiry, or sign-in + 12 h when that is sooner (ISO 8601). */
export function capExpiry(expiresAt: string, now: number): string {
  const cap = now + MAX_STORED_CREDENTIAL_MS;
  return Date.parse(expiresAt) > cap ? new Date(cap).toISOString() : expiresAt;
}
