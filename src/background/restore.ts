/**
 * Tells a wake-up from a cold start. storage.session holds the last snapshot
 * while the browser runs (a worker restart resumes from it); after a browser
 * restart only storage.local is left, and the snapshot is rebuilt from the
 * stored session and the agent's intent.
 */
import { initialSnapshot, type Snapshot } from '../shared/snapshot';
import { accountKey, type Ports } from './ports';

export async function restoreSnapshot(ports: Pick<Ports, 'local' | 'session' | 'now'>): Promise<Snapshot> {
  const saved = await ports.session.get('snapshot');
  // A snapshot saved by an older version may lack `calls`; the engine resync fills it.
  if (saved) return { ...initialSnapshot(ports.now()), ...saved, calls: Array.isArray(saved.calls) ? saved.calls : [], missed: saved.missed ?? { count: 0, recent: [] }, login: saved.login === 'signing-in' ? 'signed-out' : saved.login };

  const base = initialSnapshot(ports.now());
  const lastLogin = (await ports.local.get('lastLogin')) ?? null;
  const session = await ports.local.get('session');
  if (!session) return { ...base, lastLogin };

  if (Date.parse(session.sip.expiresAt) <= ports.now()) {
    // The credential expired while the browser was closed: ask to sign in again.
    await ports.local.remove('session');
    return { ...base, lastLogin, loginError: 'session_expired' };
  }
  const intent = await ports.local.get('softphoneIntent');
  return {
    ...base,
    login: 'signed-in',
    account: session.account,
    routing: session.routing,
    routingEditable: Boolean(session.api),
    lastLogin,
    softphoneEnabled: intent?.accountKey === accountKey(session.account) && intent.enabled,
    sessionExpiresAt: session.sip.expiresAt,
  };
}
