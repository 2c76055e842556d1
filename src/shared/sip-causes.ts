/**
 * JsSIP's failure causes (JsSIP.C.causes strings) mapped to our error codes.
 * Pure, so the offscreen engine stays thin and the table is unit-tested.
 */
import type { ErrorCode } from './errors';

export function registrationErrorFor(cause: string | undefined, status: number | undefined): ErrorCode {
  if (status === 401 || status === 403 || status === 407 || cause === 'Authentication Error' || cause === 'Rejected') {
    return 'sip_auth_failed';
  }
  if (cause === 'Connection Error' || cause === 'Request Timeout' || status === 408 || status === 503) return 'sip_transport_error';
  return 'sip_registration_failed';
}

/** An expired ephemeral credential: `403` whose reason phrase says so (Kamailio auth_ephemeral). */
export function isExpiredCredential(status: number | undefined, reasonPhrase: string | undefined): boolean {
  return status === 403 && /expired/i.test(reasonPhrase ?? '');
}
