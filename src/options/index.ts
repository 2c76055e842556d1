/**
 * Options and diagnostics: who is signed in, the phone's state, and what to do
 * about it. Built with DOM APIs and textContent only (no HTML from data).
 */
import { localizePage } from '../platform/page-i18n'; // First: the words come from _locales.
import type { Snapshot } from '../shared/snapshot';
import type { TimelineEntry } from '../shared/timeline-types';
import type { TimerStats } from '../shared/engine-types';
import { describeError, describeRegistration } from '../shared/text';
import { onSnapshot, requestBackground } from '../platform/ui-channel';
import { commandShortcuts } from '../platform/lifecycle';
import { timelineLines, type TimelineLine } from './timeline-view';
import type { DtmfTransport } from '../shared/engine-types';
import { renderLineTest } from './line-test';
import { renderGreeting } from './greeting';
import './audio';
import { t, uiLanguage, type MessageKey } from '../shared/i18n';

localizePage();

const table = document.getElementById('diagnostics') as HTMLTableSectionElement;
const signOut = document.getElementById('sign-out') as HTMLButtonElement;

function row(label: string, value: string): HTMLTableRowElement {
  const tr = document.createElement('tr');
  const th = document.createElement('th');
  th.textContent = label;
  const td = document.createElement('td');
  td.textContent = value;
  tr.append(th, td);
  return tr;
}

/** The engine's timers in words: what matters is whether they run on time (Chrome throttles hidden documents). */
function timerLine(timer: TimerStats): string {
  if (timer.ticks === 0) return t('timerNotMeasured');
  return timer.lateTicks > 0 ? t('timerLate', timer.lateTicks, (timer.maxLateMs / 1000).toLocaleString(uiLanguage(), { maximumFractionDigits: 1, minimumFractionDigits: 1 })) : t('timerOnTime', timer.maxLateMs);
}

const MIC_WORDS: Record<string, MessageKey> = { granted: 'micAllowed', denied: 'micBlocked', prompt: 'micNotAllowedYet', unknown: 'micNotChecked' };

async function engineRows(): Promise<HTMLTableRowElement[]> {
  const engine = await requestBackground('get-engine-state', {});
  if (!engine) return [row(t('diagEngine'), t('diagEngineNotRunning'))];
  const rows = [
    row(
      t('diagEngine'),
      t(
        'diagEngineState',
        t(engine.registration === 'registered' ? 'diagRegistered' : 'diagNotRegistered'),
        t(engine.transportConnected ? 'diagConnected' : 'diagNotConnected'),
        t(MIC_WORDS[engine.mic] ?? 'micNotChecked'),
      ),
    ),
    row(t('diagLastRefresh'), engine.lastRegisteredAt ? new Date(engine.lastRegisteredAt).toLocaleTimeString(uiLanguage()) : '—'),
  ];
  if (engine.timers) {
    rows.push(row(t('diagChecks'), timerLine(engine.timers.document)), row(t('diagBackupTimer'), timerLine(engine.timers.worker)));
  }
  return rows;
}

let renders = 0;

async function render(s: Snapshot): Promise<void> {
  const mine = ++renders;
  signOut.hidden = s.login !== 'signed-in';
  const since = new Date(s.registrationSince).toLocaleTimeString(uiLanguage());
  const engine = await engineRows();
  if (mine !== renders) return; // A newer snapshot is being rendered.
  table.replaceChildren(
    row(t('diagAccount'), s.account ? `${s.account.name} <${s.account.email}>` : t('signedOut')),
    row(t('diagNumber'), s.account?.vPhoneNumber ?? '—'),
    row(t('server'), s.account?.server ?? s.lastLogin?.server ?? '—'),
    row(t('softphone'), t(s.softphoneEnabled ? 'on' : 'off')),
    row(t('diagPhoneState'), t('diagStateSince', describeRegistration(s.registration), since)),
    row(t('diagLastProblem'), s.registrationError ? describeError(s.registrationError) : '—'),
    row(t('diagForwarding'), s.routing?.forwardingEnabled && s.routing.forwardingNumber ? s.routing.forwardingNumber : t('none')),
    row(t('voicemail'), s.routing ? (s.routing.voicemailEnabled ? t('diagVoicemailAfter', s.routing.ringTimeoutSeconds) : t('off')) : '—'),
    row(t('diagSessionExpires'), s.sessionExpiresAt ? new Date(s.sessionExpiresAt).toLocaleString(uiLanguage()) : '—'),
    ...engine,
  );
}

const timelineBody = document.getElementById('timeline') as HTMLTableSectionElement;

function cells(...values: string[]): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const v of values) {
    const td = document.createElement('td');
    td.textContent = v;
    tr.append(td);
  }
  return tr;
}

const timelineSummary = document.getElementById('timeline-summary') as HTMLElement;
const timelineMore = document.getElementById('timeline-more') as HTMLButtonElement;
/** Lines shown; "Show older events" adds a page. */
let timelineShown = 25;

function when(line: TimelineLine): string {
  const at = new Date(line.at).toLocaleString(uiLanguage());
  return line.count > 1 ? t('timelineRepeats', at, line.count, new Date(line.since).toLocaleTimeString(uiLanguage())) : at;
}

async function renderTimeline(): Promise<TimelineEntry[]> {
  const entries = await requestBackground('get-timeline', {});
  const lines = timelineLines(entries);
  timelineSummary.textContent = lines.length ? t('timelineSummary', lines.length, lines[0]?.text ?? '') : t('timelineEmpty');
  timelineBody.replaceChildren(...lines.slice(0, timelineShown).map((l) => cells(when(l), l.text)));
  timelineMore.hidden = lines.length <= timelineShown;
  return entries;
}
timelineMore.addEventListener('click', () => {
  timelineShown += 50;
  void renderTimeline();
});

/** A JSON file the agent can attach to a support request (no credentials in it). */
async function exportTimeline(): Promise<void> {
  const [entries, snapshot] = await Promise.all([requestBackground('get-timeline', {}), requestBackground('get-snapshot', {})]);
  const report = {
    exportedAt: new Date().toISOString(),
    userAgent: navigator.userAgent,
    account: snapshot.account ? { username: snapshot.account.username, server: snapshot.account.server, vPhoneNumber: snapshot.account.vPhoneNumber } : null,
    registration: snapshot.registration,
    timeline: entries.map((e) => ({ ...e, time: new Date(e.at).toISOString() })),
  };
  const url = URL.createObjectURL(new Blob([JSON.stringify(report, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `vphone-timeline-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

(document.getElementById('export') as HTMLButtonElement).addEventListener('click', () => void exportTimeline());

// Sign out from here too: it unregisters and forgets the credential, like the popup's.
signOut.addEventListener('click', () => {
  signOut.disabled = true;
  void requestBackground('logout', {}).finally(() => {
    signOut.disabled = false;
  });
});
onSnapshot((s) => {
  void render(s);
  void renderTimeline();
});
void requestBackground('get-snapshot', {}).then(render);
void renderTimeline();

// --- call preferences and shortcuts ------------------------------------------

const preferencesForm = document.getElementById('call-preferences') as HTMLFormElement;
const callWaiting = document.getElementById('call-waiting') as HTMLInputElement;
const callWindow = document.getElementById('call-window') as HTMLInputElement;
const dtmfTransport = document.getElementById('dtmf-transport') as HTMLSelectElement;
const preferencesStatus = document.getElementById('call-preferences-status') as HTMLSpanElement;

void requestBackground('get-call-preferences', {}).then((p) => {
  callWaiting.checked = p.callWaiting;
  callWindow.checked = p.callWindow === true;
  dtmfTransport.value = p.dtmfTransport;
});
preferencesForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const preferences = { callWaiting: callWaiting.checked, callWindow: callWindow.checked, dtmfTransport: dtmfTransport.value as DtmfTransport };
  void requestBackground('set-call-preferences', { preferences }).then((r) => {
    preferencesStatus.textContent = r.ok ? t('saved') : describeError(r.error);
  });
});

const SHORTCUT_NAMES: Record<string, MessageKey> = {
  'answer-call': 'shortcutAnswer',
  'hangup-call': 'shortcutHangup',
  'toggle-mute': 'mute',
  'toggle-softphone': 'shortcutSoftphone',
};
void commandShortcuts().then((bound) => {
  (document.getElementById('shortcuts') as HTMLTableSectionElement).replaceChildren(
    ...Object.entries(SHORTCUT_NAMES).map(([name, label]) => row(t(label), bound[name] || t('notSet'))),
  );
});

// --- inbound routing -----------------------------------------------------------

const routingForm = document.getElementById('routing') as HTMLFormElement;
const forwardingNumber = document.getElementById('forwarding-number') as HTMLInputElement;
const forwardingError = document.getElementById('forwarding-error') as HTMLSpanElement;
const forwardSwitch = document.getElementById('forward-switch') as HTMLButtonElement;
const voicemailSwitch = document.getElementById('voicemail-switch') as HTMLButtonElement;
const ringTimeout = document.getElementById('ring-timeout') as HTMLParagraphElement;
const saveRouting = document.getElementById('save-routing') as HTMLButtonElement;
const routingStatus = document.getElementById('routing-status') as HTMLSpanElement;
const routingReadOnly = document.getElementById('routing-readonly') as HTMLParagraphElement;
/** The agent is editing: the provider's answers must not overwrite what they typed. */
let routingDirty = false;

const switchOn = (b: HTMLButtonElement) => b.getAttribute('aria-checked') === 'true';
const setSwitch = (b: HTMLButtonElement, on: boolean) => b.setAttribute('aria-checked', String(on));

function renderRouting(s: Snapshot): void {
  const r = s.routing;
  const editable = s.login === 'signed-in' && s.routingEditable;
  for (const el of [forwardingNumber, forwardSwitch, voicemailSwitch, saveRouting]) el.disabled = !editable;
  routingReadOnly.hidden = editable || s.login !== 'signed-in';
  ringTimeout.textContent = r ? t('ringTimeoutByProvider', r.ringTimeoutSeconds) : '';
  if (!r || routingDirty) return;
  forwardingNumber.value = r.forwardingNumber ?? '';
  setSwitch(forwardSwitch, r.forwardingEnabled);
  setSwitch(voicemailSwitch, r.voicemailEnabled);
}

for (const sw of [forwardSwitch, voicemailSwitch]) {
  sw.addEventListener('click', () => {
    routingDirty = true;
    setSwitch(sw, !switchOn(sw));
  });
}
forwardingNumber.addEventListener('input', () => {
  routingDirty = true;
  forwardingError.textContent = '';
});
routingForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const typed = forwardingNumber.value.trim();
  const routing = { forwardingNumber: typed === '' ? null : typed, forwardingEnabled: switchOn(forwardSwitch), voicemailEnabled: switchOn(voicemailSwitch) };
  forwardingError.textContent = '';
  routingStatus.textContent = t('saving');
  saveRouting.disabled = true;
  void requestBackground('save-routing', { routing })
    .then((r) => {
      if (r.ok) {
        routingDirty = false;
        routingStatus.textContent = t('saved');
        return;
      }
      routingStatus.textContent = '';
      // The error sits next to the field it is about.
      if (r.field === 'forwardingNumber') forwardingError.textContent = describeError(r.error);
      else routingStatus.textContent = describeError(r.error);
    })
    .finally(() => {
      saveRouting.disabled = false;
    });
});
function renderSections(s: Snapshot): void {
  renderRouting(s);
  renderLineTest(s);
  renderGreeting(s);
}
onSnapshot(renderSections);
void requestBackground('get-snapshot', {}).then(renderSections);
void requestBackground('refresh-routing', {}).catch(() => undefined);
void requestBackground('refresh-voicemail', {}).catch(() => undefined);
