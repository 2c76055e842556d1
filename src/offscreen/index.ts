/**
 * Offscreen document entry: wiring only. Commands from the worker go to the
 * engine; the engine's facts go to the worker (waking it if it sleeps).
 */
import { fail } from '../shared/errors';
import { createLogger } from '../shared/logger';
import type { EngineFact } from '../shared/engine-types';
import type { Message, OffscreenApi, OffscreenMessage } from '../shared/protocol';
import { send, serve } from '../platform/messaging';
import { PhoneEngine } from './phone-engine';
import { warmCallAlerts } from '../platform/call-alerts';
import { engineLivenessPort } from '../platform/engine-liveness';
import { watchMicPermission } from './microphone';
import { TimerProbe } from './timer-probe';

const log = createLogger('offscreen');

const liveness = engineLivenessPort();

function report(fact: EngineFact): void {
  send('background', 'engine-fact', { fact })
    .then(() => liveness.hold()) // The worker is awake now: hold the port that tells it if this document goes.
    .catch((err: unknown) => log.warn('could not report', fact.kind, err));
}

const engine = new PhoneEngine(report, () => send('background', 'get-sip-credential', {}));
void watchMicPermission((status) => engine.onMicPermission(status));
warmCallAlerts();
liveness.hold();

// Ticks from a worker: hidden-document timers can be throttled to one a minute.
const TICK_MS = 1000;
const ticker = new Worker('ticker-worker.js', { type: 'module' });
const probe = new TimerProbe(TICK_MS);
engine.timerHealth = () => probe.health();
let lastBeat = 0;
ticker.onmessage = () => {
  probe.onWorkerTick();
  engine.tick();
  // The worker's heartbeat rides the ticker: a hidden document's own timers may be throttled to one a minute.
  const every = engine.heartbeatSeconds() * 1000;
  if (every > 0 && Date.now() - lastBeat >= every) {
    lastBeat = Date.now();
    liveness.beat();
  }
};
ticker.postMessage({ periodMs: TICK_MS });
addEventListener('online', () => engine.onOnline());

type Handlers = {
  [K in keyof OffscreenApi]: (msg: Message<'offscreen', K>) => Promise<OffscreenApi[K]['res']> | OffscreenApi[K]['res'];
};

/** One handler per engine command (the guard in protocol.ts has checked each payload). */
const handlers: Handlers = {
  'engine-configure': (m) => engine.configure(m.config),
  'engine-enable': () => engine.enable(),
  'engine-disable': () => engine.disable(),
  'engine-call': (m) => engine.callOp(m.callId, m.op),
  'engine-state': () => engine.state(),
  'engine-recover': () => engine.recover(),
  'engine-stats': (m) => engine.stats(m.callId),
};

serve('offscreen', (msg, sender) => {
  // Only the service worker drives the engine.
  if (sender.page !== '/background.js') return fail('bad_request');
  return (handlers[msg.type] as (m: OffscreenMessage) => unknown)(msg);
});
