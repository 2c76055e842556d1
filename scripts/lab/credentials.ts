/**
 * Time-limited SIP credentials in the shape Kamailio's auth_ephemeral checks:
 * user "<expiry-unix-time>:<user>", password base64(HMAC-SHA1(secret, user)).
 * The SIP server enforces the expiry itself, which is how the login timeout
 * (R10) reaches a phone that is already registered.
 */
import { createHmac } from 'node:crypto';

export interface SipCredential {
  authorizationUser: string;
  password: string;
  expiresAt: Date;
}

export function issueSipCredential(
  secret: string,
  user: string,
  lifetimeSeconds: number,
  nowMs: number = Date.now(),
): SipCredential {
  const expiry = Math.floor(nowMs / 1000) + lifetimeSeconds;
  const authorizationUser = `${expiry}:${user}`;
  const password = createHmac('sha1', secret).update(authorizationUser).digest('base64');
  return { authorizationUser, password, expiresAt: new Date(expiry * 1000) };
}
