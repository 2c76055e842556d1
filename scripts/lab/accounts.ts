/**
 * The lab's accounts and their routing settings: the provider's source of
 * truth that both the login API and Kamailio's routing read (DESIGN.md §2, §5).
 */
import type { RoutingSummary } from '../../src/shared/snapshot';

/** An account's routing, as the login contract returns it (DESIGN.md §5). */
export type Routing = RoutingSummary;

export type RoutingPatch = Partial<Routing>;

export interface Account {
  id: string;
  user: string;
  password: string;
  name: string;
  email: string;
  vPhoneNumber: string;
  locked: boolean;
  routing: Routing;
}

/** A SIP user agent of the lab itself (the console's caller, cell phone, voicemail and colleague). */
export interface LabPeer {
  user: 'caller' | 'cell' | 'voicemail' | 'colleague' | 'deskphone' | 'line-test';
  name: string;
  number: string | null;
}

/** What Kamailio's routing script needs for one call (GET /lab/route/<digits>). */
export interface RouteDecision {
  /** SIP user to ring: the account's agent, or the lab peer that owns the number. */
  agent: string;
  number: string;
  /** The configured forwarding number, '' when none; the script re-checks R6 with it. */
  forwardingNumber: string;
  /** SIP user that owns the forwarding number, '' when forwarding is off or goes nowhere. */
  forwardTo: string;
  /** 1 or 0: jansson hands JSON integers to the script as integers. */
  voicemail: 0 | 1;
  ringTimeoutSeconds: number;
}

export type RoutingUpdateError = 'unknown_account' | 'invalid_routing' | 'forwarding_loop';

export const DEFAULT_RING_TIMEOUT_SECONDS = 28;
const MAX_RING_TIMEOUT_SECONDS = 120;
const E164 = /^\+[1-9][0-9]{6,14}$/;

export const LAB_PEERS: readonly LabPeer[] = [
  { user: 'caller', name: 'Lab Caller', number: '+15550100001' },
  { user: 'cell', name: 'Cell Phone', number: '+15550109001' },
  { user: 'voicemail', name: 'Voicemail', number: null },
  // The target of blind transfers: reachable by its number and as sip:colleague@<domain>.
  { user: 'colleague', name: 'Colleague', number: '+15550100002' },
  // baresip over UDP (lab.startDeskphone()): the interop check with a real SIP phone.
  { user: 'deskphone', name: 'Desk Phone', number: '+15550100003' },
  // Places the provider's line tests (POST /v1/softphone/line-test): sip:line-test@<domain>, "Line test".
  { user: 'line-test', name: 'Line test', number: null },
];

export function demoAccounts(ringTimeoutSeconds: number): Account[] {
  const routing = (forwardingNumber: string | null): Routing => ({
    forwardingNumber,
    forwardingEnabled: forwardingNumber !== null,
    voicemailEnabled: true,
    ringTimeoutSeconds,
  });
  return [
    {
      id: 'acct-alice',
      user: 'alice',
      password: 'alice-password',
      name: 'Alice Agent',
      email: 'alice@example.com',
      vPhoneNumber: '+15550001001',
      locked: false,
      routing: routing('+15550109001'),
    },
    {
      id: 'acct-bob',
      user: 'bob',
      password: 'bob-password',
      name: 'Bob Builder',
      email: 'bob@example.com',
      vPhoneNumber: '+15550001002',
      locked: false,
      routing: routing(null),
    },
    {
      id: 'acct-locked',
      user: 'locked',
      password: 'locked-password',
      name: 'Locked Out',
      email: 'locked@example.com',
      vPhoneNumber: '+15550001003',
      locked: true,
      routing: routing(null),
    },
  ];
}

export class AccountDirectory {
  constructor(private readonly accounts: Account[]) {}

  list(): readonly Account[] {
    return this.accounts;
  }

  find(user: string): Account | undefined {
    return this.accounts.find((account) => account.user === user);
  }

  /** Accounts and lab peers are the users the lab issues SIP credentials to. */
  sipDisplayName(user: string): string | undefined {
    return this.find(user)?.name ?? LAB_PEERS.find((peer) => peer.user === user)?.name;
  }

  /** The number the lab knows a SIP user by (an account's vPhone number, a peer's number). */
  numberOf(user: string): string | undefined {
    return this.find(user)?.vPhoneNumber ?? LAB_PEERS.find((peer) => peer.user === user)?.number ?? undefined;
  }

  updateRouting(user: string, patch: unknown): Routing | RoutingUpdateError {
    const account = this.find(user);
    if (!account) return 'unknown_account';
    const parsed = parseRoutingPatch(patch);
    if (!parsed) return 'invalid_routing';
    const next = { ...account.routing, ...parsed };
    if (next.forwardingNumber !== null && sameNumber(next.forwardingNumber, account.vPhoneNumber)) {
      return 'forwarding_loop'; // R6
    }
    account.routing = next;
    return next;
  }

  /**
   * `number` may come with or without its leading '+'. A lab peer's number
   * rings that peer alone: no forwarding, no voicemail, the default timeout.
   */
  route(number: string): RouteDecision | null {
    const account = this.accounts.find((candidate) => sameNumber(candidate.vPhoneNumber, number));
    if (!account) return peerRoute(number);
    const { forwardingNumber, forwardingEnabled, voicemailEnabled, ringTimeoutSeconds } = account.routing;
    const forwardTo = forwardingEnabled && forwardingNumber ? (this.ownerOf(forwardingNumber) ?? '') : '';
    return {
      agent: account.user,
      number: account.vPhoneNumber,
      forwardingNumber: forwardingNumber ?? '',
      forwardTo,
      voicemail: voicemailEnabled ? 1 : 0,
      ringTimeoutSeconds,
    };
  }

  private ownerOf(number: string): string | undefined {
    const owners = [
      ...LAB_PEERS,
      ...this.accounts.map((account) => ({ user: account.user, number: account.vPhoneNumber })),
    ];
    return owners.find((owner) => owner.number !== null && sameNumber(owner.number, number))?.user;
  }
}

function peerRoute(number: string): RouteDecision | null {
  const peer = LAB_PEERS.find((candidate) => candidate.number !== null && sameNumber(candidate.number, number));
  if (!peer?.number) return null;
  return {
    agent: peer.user,
    number: peer.number,
    forwardingNumber: '',
    forwardTo: '',
    voicemail: 0,
    ringTimeoutSeconds: DEFAULT_RING_TIMEOUT_SECONDS,
  };
}

function sameNumber(a: string, b: string): boolean {
  return a.replace(/^\+/, '') === b.replace(/^\+/, '');
}

/** Accepts only known keys with well-typed values; anything else is a client bug worth a 400. */
function parseRoutingPatch(patch: unknown): RoutingPatch | null {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return null;
  const result: RoutingPatch = {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'forwardingNumber' && isForwardingNumber(value)) result.forwardingNumber = value;
    else if (key === 'forwardingEnabled' && typeof value === 'boolean') result.forwardingEnabled = value;
    else if (key === 'voicemailEnabled' && typeof value === 'boolean') result.voicemailEnabled = value;
    else if (key === 'ringTimeoutSeconds' && isRingTimeout(value)) result.ringTimeoutSeconds = value;
    else return null;
  }
  return result;
}

function isForwardingNumber(value: unknown): value is string | null {
  return value === null || (typeof value === 'string' && E164.test(value));
}

function isRingTimeout(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_RING_TIMEOUT_SECONDS;
}
