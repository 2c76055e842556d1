/**
 * The worker's message router: one handler per request type, checked senders.
 * Engine facts are accepted only from the offscreen document; everything else
 * only from our own pages.
 */
import { fail, ok } from '../shared/errors';
import { isEngineFact } from '../shared/schemas';
import type { BackgroundApi, BackgroundMessage, Message } from '../shared/protocol';
import type { CallHandler } from './call-handler';
import type { PhoneSupervisor } from './phone-supervisor';
import type { RoutingController } from './routing-controller';
import type { VoicemailController } from './voicemail-controller';
import type { LineTestController } from './line-test-controller';
import type { Ports } from './ports';
import type { SessionController } from './session-controller';
import type { SnapshotStore } from './snapshot-store';
import { callEntryForFact, timelineEntryForFact, type BoundedLog, type Timeline } from './timeline';
import type { RecentCall } from '../shared/recent-calls';

export const OFFSCREEN_PAGE = '/offscreen.html';
/** How long a snapshot request may wait for the freshness check. */
const FRESH_CHECK_BUDGET_MS = 300;
const UI_PAGES = new Set(['/popup.html', '/permission.html', '/options.html']);
/** Engine facts on the ring path (see the start-up gate below). */
const RING_PATH = new Set(['call-incoming', 'call-notified', 'call-ringtone']);

type Handlers = {
  [K in keyof BackgroundApi]: (msg: Message<'background', K>) => Promise<BackgroundApi[K]['res']> | BackgroundApi[K]['res'];
};

export interface RouterDeps {
  ports: Ports;
  store: SnapshotStore;
  phone: PhoneSupervisor;
  calls: CallHandler;
  session: SessionController;
  timeline: Timeline;
  callLog: Timeline;
  recentCalls: BoundedLog<'recentCalls', RecentCall>;
  routing: RoutingController;
  voicemail: VoicemailController;
  lineTest: LineTestController;
  /** Gate every request on the worker having restored its state. */
  ready: Promise<void>;
  /** The snapshot is restored from storage (engine facts wait for this only). */
  restored?: Promise<void>;
}

export function createRouter(deps: RouterDeps) {
  const { store, phone, calls, session, ports, timeline, callLog, recentCalls, routing, voicemail, lineTest } = deps;
  const handlers: Handlers = {
    'get-snapshot': async () => {
      // A page is about to show the state: make sure "Ready" is still true.
      await Promise.race([phone.verifyFresh(), new Promise((r) => setTimeout(r, FRESH_CHECK_BUDGET_MS))]);
      return store.get();
    },
    'fix-connection': () => phone.fixConnection(),
    login: (m) => session.login(m.server, m.username, m.password),
    logout: () => session.logout(),
    'set-softphone': (m) => phone.setEnabled(m.enabled),
    'call-op': (m) => calls.op(m.callId, m.op),
    'set-call-preferences': (m) => phone.setCallPreferences(m.preferences),
    'get-call-preferences': () => phone.callPreferences(),
    'set-audio-preferences': (m) => phone.setAudioPreferences(m.preferences),
    'get-audio-preferences': () => phone.audioPreferences(),
    'mic-result': (m) => phone.onMicResult(m.granted),
    'get-call-stats': async (m) => ((await ports.engine.exists()) ? ports.engine.request('engine-stats', { callId: m.callId }) : null),
    'get-timeline': () => timeline.all(),
    'get-call-log': () => callLog.all(),
    'get-recent-calls': () => recentCalls.all(),
    // The answer goes to the requesting engine only (runtime message answers are not broadcast).
    'get-sip-credential': async () => {
      const stored = await ports.local.get('session');
      return stored ? { authorizationUser: stored.sip.authorizationUser, password: stored.sip.password } : null;
    },
    'refresh-routing': () => routing.refresh(),
    'save-routing': (m) => routing.save(m.routing),
    'refresh-voicemail': () => voicemail.refresh(),
    'voicemail-audio': (m) => voicemail.audio(m.id),
    'voicemail-heard': (m) => voicemail.markHeard(m.id),
    'greeting-audio': () => voicemail.greetingAudio(),
    'set-greeting': (m) => voicemail.setGreeting(m.recording),
    'start-line-test': () => lineTest.start(),
    'missed-seen': () => {
      calls.missedSeen();
      return ok;
    },
    'get-engine-state': async () => ((await ports.engine.exists()) ? ports.engine.request('engine-state', {}) : null),
    'engine-fact': (m) => {
      // Every field, before anything reads it: a malformed fact changes nothing.
      if (!isEngineFact(m.fact)) return fail('bad_request', { detail: `malformed ${String(m.fact.kind)} fact` });
      const entry = timelineEntryForFact(m.fact);
      if (entry) timeline.add(entry);
      const callEntry = callEntryForFact(m.fact);
      if (callEntry) callLog.add(callEntry);
      // The ring path's trace: when the worker heard of the call (after the hop, and its start when it slept).
      if (m.fact.kind === 'call-incoming') callLog.add({ at: ports.now(), event: 'worker-knows', detail: '' });
      phone.onRegistrationFact(m.fact);
      calls.onCallFact(m.fact);
      return ok;
    },
  };

  return async (msg: BackgroundMessage, sender: { page: string | null; channel?: 'message' | 'private' }): Promise<unknown> => {
    const fromEngine = sender.page === OFFSCREEN_PAGE;
    // A password only on the private port (never a broadcast every page receives);
    // the SIP credential only to the engine, as the answer to its own request.
    if (msg.type === 'login' && sender.channel !== 'private') return fail('bad_request', { detail: 'sign in on the private port' });
    const allowed = msg.type === 'engine-fact' || msg.type === 'get-sip-credential' ? fromEngine : sender.page !== null && UI_PAGES.has(sender.page);
    if (!allowed) return fail('bad_request', { detail: `${msg.type} is not accepted from ${sender.page ?? 'outside'}` });
    // Everything waits for the worker's start-up, except the engine asking for
    // its credential: start-up itself configures the engine, which asks for it
    // (waiting here would be a deadlock).
    // A ringing call that woke the worker is shown once the snapshot is restored, without waiting
    // for the resync with the engine; every other fact keeps its order behind the resync.
    if (msg.type === 'engine-fact' && RING_PATH.has(msg.fact.kind)) await (deps.restored ?? deps.ready);
    else if (msg.type !== 'get-sip-credential') await deps.ready;
    const handler = handlers[msg.type] as (m: BackgroundMessage) => unknown;
    return handler(msg);
  };
}
