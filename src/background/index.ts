/**
 * Service worker entry: wiring only. Every listener is registered synchronously
 * at start (a wake-up event is delivered only to listeners that exist by the end
 * of the first turn); the work they do waits on one readiness promise.
 */
import '../platform/i18n'; // First: every word the worker shows comes from _locales.
import { createLogger } from '../shared/logger';
import { initialSnapshot } from '../shared/snapshot';
import { broadcast, serve, servePrivately } from '../platform/messaging';
import { localArea, onLocalChange, sessionArea } from '../platform/storage';
import { showNotification, clearNotification, onNotificationButton, onNotificationClicked, forgetDismissedNotifications, shownNotifications } from '../platform/notifications';
import { setBadge, tryOpenPopup } from '../platform/action';
import { ensureAlarm, onAlarm } from '../platform/alarms';
import { callWindow, openExtensionTab } from '../platform/tabs';
import { onCommand, onInstalled, onStartup, onUpdateAvailable, reloadExtension } from '../platform/lifecycle';
import { engineChannel } from '../platform/engine-channel';
import { onEngineGone } from '../platform/engine-liveness';
import { requestLogin } from './login-client';
import { SnapshotStore } from './snapshot-store';
import { PhoneSupervisor, SESSION_NOTICE, SESSION_WARNING_NOTICE } from './phone-supervisor';
import { CallHandler } from './call-handler';
import { SessionController } from './session-controller';
import { RoutingController } from './routing-controller';
import { routingOver } from './routing-client';
import { callProvider } from './provider-client';
import { VoicemailController } from './voicemail-controller';
import { LineTestController } from './line-test-controller';
import { createRouter } from './router';
import { restoreSnapshot } from './restore';
import { ConnectionNotices, CONNECTION_NOTICE } from './connection-notices';
import { BoundedLog, callEntryForChange, entryForChange, Timeline } from './timeline';
import { RECENT_CALLS_LIMIT, type RecentCall } from '../shared/recent-calls';
import { UpdateGate } from './update-gate';
import { reachTimesFrom } from '../shared/tuning';
import type { LocalState, Ports, SessionState } from './ports';

const log = createLogger('worker');
const WATCHDOG_ALARM = 'phone-watchdog';

const ports: Ports = {
  local: localArea<LocalState>(),
  session: sessionArea<SessionState>(),
  engine: engineChannel,
  notifier: { show: showNotification, clear: clearNotification },
  ui: {
    publish: (snapshot) => broadcast('ui', 'snapshot', { snapshot }),
    setBadge,
    openPermissionPage: () => openExtensionTab('permission.html'),
    callWindow,
  },
  login: requestLogin,
  now: () => Date.now(),
  randomId: () => crypto.randomUUID(),
};

const store = new SnapshotStore(ports, initialSnapshot(Date.now()));
const timeline = new Timeline(ports.local);
const callLog = new Timeline(ports.local, 'callLog');
const recentCalls = new BoundedLog<'recentCalls', RecentCall>(ports.local, 'recentCalls', RECENT_CALLS_LIMIT);
const calls = new CallHandler(
  ports,
  store,
  (_callId, at) => callLog.add({ at, event: 'call-notified', detail: '' }),
  (call) => {
    recentCalls.add(call);
    // Not answered here (missed, declined): the caller may be leaving a message. Only from a call that just
    // ended, never from a snapshot restored at worker start.
    if (call.outcome === 'Missed' || call.outcome === 'Declined') voicemail.expectMessage();
  },
);
const phone = new PhoneSupervisor(ports, store, (engineCalls) => calls.resync(engineCalls));
const session = new SessionController(ports, store, phone);
const notices = new ConnectionNotices(ports, () => store.get(), () => store.refreshBadge());

store.onChange((next, prev) => {
  const entry = entryForChange(prev, next, ports.now());
  if (entry) timeline.add(entry);
  const callEntry = callEntryForChange(prev, next, ports.now());
  if (callEntry) callLog.add(callEntry);
  // Signing out forgets the recent calls (an expired session is not a sign-out).
  if (prev.login === 'signed-in' && next.login === 'signed-out' && next.registration !== 'session-expired') recentCalls.clear();
  // Signed in: the voicemail list as it stands (not news, so no notification).
  if (prev.login !== 'signed-in' && next.login === 'signed-in') void ready.then(() => voicemail.refresh()).catch(() => undefined);
  if (next.login !== 'signed-in') voicemail.stopChecks();
  void notices.check();
});

async function applyTuning(): Promise<void> {
  const tuning = await phone.tuning();
  const reachTimes = reachTimesFrom(tuning);
  store.update((s) => (s.reachTimes.graceMs === reachTimes.graceMs && s.reachTimes.escalateMs === reachTimes.escalateMs ? s : { ...s, reachTimes }));
  await ensureAlarm(WATCHDOG_ALARM, tuning.watchdogMinutes);
}

/**
 * Start-up in two steps. Engine facts need only the restored snapshot: a
 * call that woke the worker is shown without waiting for the engine's
 * resync (a round trip to the document that is busy ringing). Everything
 * else waits for the resync too.
 */
const restored = (async () => {
  const snapshot = await restoreSnapshot(ports);
  store.update(() => snapshot);
})();
const ready = (async () => {
  await restored;
  await applyTuning();
  void notices.check();
  // Never assume a fresh start: rediscover the engine and resync with it.
  await phone.reconcile('worker-start');
})().catch((err: unknown) => log.error('start-up failed', err));

const expire = (why: string) => phone.expireSession(why);
const routing = new RoutingController(ports, store, routingOver(callProvider), expire);
const voicemail = new VoicemailController(ports, store, callProvider, expire);
const lineTest = new LineTestController(ports, store, callProvider, expire);
const router = createRouter({ ports, store, phone, calls, session, timeline, callLog, recentCalls, routing, voicemail, lineTest, ready, restored });
serve('background', router);
servePrivately(router);

onNotificationButton((id, index) => {
  void ready.then(async () => {
    if (id === SESSION_NOTICE || id === SESSION_WARNING_NOTICE) return void tryOpenPopup();
    if (id !== CONNECTION_NOTICE) return calls.onNotificationButton(id, index);
    // The one click that can fix it: the microphone page, or a reconnect now.
    await phone.fixConnection();
  });
});
// The body of a notification: open the popup, where the agent can act on it.
onNotificationClicked(() => void tryOpenPopup());
// The engine's document closed under us: check at once (the watchdog would take up to a minute).
onEngineGone(() => void ready.then(() => phone.engineGone()));
forgetDismissedNotifications();
onAlarm((name) => {
  if (name === WATCHDOG_ALARM) void ready.then(async () => {
    await phone.watchdog();
    await notices.check();
    // A change made on the website shows up within a minute, popup open or not.
    if (store.get().login === 'signed-in') await Promise.all([routing.refresh(), voicemail.refresh()]).catch(() => undefined);
  });
});
onCommand((command) => {
  void ready.then(() => {
    if (command === 'toggle-softphone') {
      const s = store.get();
      if (s.login === 'signed-in') void phone.setEnabled(!s.softphoneEnabled);
      return;
    }
    calls.onCommand(command);
  });
});
onLocalChange('tuning', () => void applyTuning().then(() => phone.pushConfig()));
onStartup(() => log.info('browser started'));
onInstalled(() => log.info('installed or updated'));

// An update must not cut a call: reload only when the phone is idle.
const updateGate = new UpdateGate(() => store.get(), reloadExtension);
onUpdateAvailable(() => updateGate.onUpdateAvailable());
store.onChange(() => updateGate.reloadIfIdle());

// For debugging from the worker's DevTools console (and read by the end-to-end
// tests); a release build has no such handle (scripts/build.mjs --release).
declare const __DEBUG__: boolean;
if (__DEBUG__) Object.assign(globalThis, { softphone: { store, phone, calls, notifications: shownNotifications } });
