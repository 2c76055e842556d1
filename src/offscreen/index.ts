/**
 * Offscreen document entry: wiring only. Commands from the worker go to the
 * engine; the engine's facts go to the worker (waking it if it sleeps).
 */
import { fail } from '../shared/errors';
import { createLogger } from '../shared/logger';
import type { EngineFact } from '../shared/engine-types';
import { send, serve } from '../platform/messaging';
import { PhoneEngine } from './phone-engine';
import { watchMicPermission } from './microphone';
import { TimerProbe } from './timer-probe';

const log = createLogger('offscreen');

function report(fact: EngineFact): void {
  send('background', 'engine-fact', { fact }).catch((err: unknown) => log.warn('could not report', fact.kind, err));
}

const engine = new PhoneEngine(report);
void watchMicPermission((status) => engine.onMicPermission(status));

// Ticks from a worker: hidden-document timers can be throttled to one a minute.
const TICK_MS = 1000;
const ticker = new Worker('ticker-worker.js', { type: 'module' });
const probe = new TimerProbe(TICK_MS);
engine.timerHealth = () => probe.health();
ticker.onmessage = () => {
  probe.onWorkerTick();
  engine.tick();
};
ticker.postMessage({ periodMs: TICK_MS });
addEventListener('online', () => engine.onOnline());

serve('offscreen', (msg, sender) => {
  // Only the service worker drives the engine.
  if (sender.page !== '/background.js') return fail('bad_request');
  switch (msg.type) {
    case 'engine-configure':
      return engine.configure(msg.config);
    case 'engine-enable':
      return engine.enable();
    case 'engine-disable':
      return engine.disable();
    case 'engine-answer':
      return engine.answer(msg.callId);
    case 'engine-hangup':
      return engine.hangup(msg.callId);
    case 'engine-state':
      return engine.state();
    case 'engine-recover':
      return engine.recover();
    case 'engine-stats':
      return engine.stats();
  }
});
