/**
 * Options and diagnostics: who is signed in, the phone's state, and what to do
 * about it. Built with DOM APIs and textContent only (no HTML from data).
 */
import type { Snapshot } from '../shared/snapshot';
import { describeError, describeRegistration } from '../shared/text';
import { onSnapshot, requestBackground } from '../platform/ui-channel';

const table = document.getElementById('diagnostics') as HTMLTableSectionElement;

function row(label: string, value: string): HTMLTableRowElement {
  const tr = document.createElement('tr');
  const th = document.createElement('th');
  th.textContent = label;
  const td = document.createElement('td');
  td.textContent = value;
  tr.append(th, td);
  return tr;
}

function render(s: Snapshot): void {
  const since = new Date(s.registrationSince).toLocaleTimeString();
  table.replaceChildren(
    row('Account', s.account ? `${s.account.name} <${s.account.email}>` : 'Signed out'),
    row('vPhone number', s.account?.vPhoneNumber ?? '—'),
    row('Server', s.account?.server ?? s.lastLogin?.server ?? '—'),
    row('Softphone', s.softphoneEnabled ? 'On' : 'Off'),
    row('Phone state', `${describeRegistration(s.registration)} (since ${since})`),
    row('Last problem', s.registrationError ? describeError(s.registrationError) : '—'),
    row('Forwarding', s.routing?.forwardingEnabled && s.routing.forwardingNumber ? s.routing.forwardingNumber : 'None'),
    row('Voicemail', s.routing ? (s.routing.voicemailEnabled ? `After ${s.routing.ringTimeoutSeconds} s` : 'Off') : '—'),
    row('Session expires', s.sessionExpiresAt ? new Date(s.sessionExpiresAt).toLocaleString() : '—'),
  );
}

onSnapshot(render);
void requestBackground('get-snapshot', {}).then(render);
