/**
 * What the toolbar says at a glance. One state, one look: an agent must tell
 * "ready", "off", "working on it", "cannot receive calls" and "signed out or
 * expired" apart without opening anything.
 */
import { hasLiveCall, liveCalls, ringingCall, type Snapshot } from '../shared/snapshot';
import { describeRegistration } from '../shared/text';

export interface BadgeSpec {
  text: string;
  color: string;
  title: string;
}

const GREEN = '#188038';
const GREY = '#5f6368';
const AMBER = '#e37400';
const RED = '#c5221f';
const BLUE = '#1a73e8';

export function badgeFor(s: Snapshot): BadgeSpec {
  const who = s.account ? `${s.account.name} · ${s.account.vPhoneNumber}` : '';
  const title = (line: string) => (who ? `vPhone — ${who}\n${line}` : `vPhone — ${line}`);

  const ringing = ringingCall(s);
  if (ringing) return { text: 'RING', color: BLUE, title: title(hasLiveCall(s) ? 'Call waiting' : 'Incoming call') };
  const live = liveCalls(s);
  if (live.length > 1) return { text: 'CALL', color: BLUE, title: title(`${live.length} calls, one on hold`) };
  if (live.length === 1) return { text: 'CALL', color: BLUE, title: title(live[0]?.held ? 'On a call, on hold' : 'On a call') };
  if (s.registration === 'session-expired') return { text: '!', color: RED, title: title(describeRegistration('session-expired')) };
  if (s.login !== 'signed-in') return { text: '', color: GREY, title: title('Signed out') };

  switch (s.registration) {
    case 'registered':
      return { text: 'ON', color: GREEN, title: title(describeRegistration('registered')) };
    case 'off':
      return { text: 'OFF', color: GREY, title: title(describeRegistration('off')) };
    case 'registering':
    case 'recovering':
      return { text: '…', color: AMBER, title: title(describeRegistration(s.registration)) };
    case 'unreachable':
    case 'mic-needed':
      return { text: '!', color: RED, title: title(describeRegistration(s.registration)) };
  }
}
