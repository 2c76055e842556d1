/** State shared by the login service's handlers, and the SIP config they hand out. */
import type { AccountDirectory } from './accounts';
import type { BlackholeStun } from './blackhole-stun';
import type { ConsoleChannel } from './console-channel';
import { issueSipCredential } from './credentials';
import type { LineTests } from './line-test';
import type { LoginThrottle } from './login-throttle';
import type { ApiTokens } from './routing-api';
import type { VoicemailStore } from './voicemail-store';
import type { CellMode } from './console/api';
import type { LoginGrant } from '../../src/shared/login-contract';

export type { CellMode };
export const CELL_MODES: readonly CellMode[] = ['ring', 'answer-at-once', 'press-1'];

export interface ServiceState {
  readonly directory: AccountDirectory;
  readonly throttle: LoginThrottle;
  readonly secret: string;
  readonly sipDomain: string;
  /** Every edge's WebSocket URI, the primary first. */
  readonly wsUris: readonly string[];
  /** Lifetime of credentials issued from now on; changeable at runtime (R10 tests). */
  sessionLifetimeSeconds: number;
  /** Bearer tokens for the API beyond login (routing), same lifetime as the SIP credential. */
  readonly tokens: ApiTokens;
  /** Greetings and messages per account (R7). */
  readonly voicemail: VoicemailStore;
  readonly lineTests: LineTests;
  /** The event stream to the lab console, which holds the phones. */
  readonly channel: ConsoleChannel;
  cellMode: CellMode;
  /**
   * The STUN server that never answers (blackhole-stun.ts) and whether logins
   * and credentials issued from now on list it in `sip.iceServers`; off by default.
   */
  readonly blackholeStun?: { server: BlackholeStun; on: boolean };
}

/** The `sip` block of the login response: the contract the extension validates (DESIGN.md §5). */
export type SipConfig = LoginGrant['sip'];

export function sipConfig(state: ServiceState, user: string, displayName: string, lifetimeSeconds: number): SipConfig {
  const credential = issueSipCredential(state.secret, user, lifetimeSeconds);
  return {
    wsUris: [...state.wsUris],
    uri: `sip:${user}@${state.sipDomain}`,
    authorizationUser: credential.authorizationUser,
    password: credential.password,
    displayName,
    expiresAt: credential.expiresAt.toISOString(),
    // Loopback needs no STUN/TURN; an empty list also keeps ICE gathering instant.
    // The black-hole lever lists a STUN server that never answers (slow gathering).
    iceServers: state.blackholeStun?.on ? [{ urls: state.blackholeStun.server.uri }] : [],
  };
}
