/**
 * Knowing at once that the phone engine is gone. The offscreen document can
 * be closed under the worker (a crash, Chrome reclaiming it, an extension
 * update); until the worker notices, the popup would say "Ready" while no
 * call can ring. The engine holds a port to the worker while both live; the
 * port's disconnect tells the worker, which checks and recreates the
 * document. An idle port does not keep the worker alive (it is not an
 * event): when the worker sleeps the port closes on the engine's side, and
 * the engine opens a new one with its next fact (which wakes the worker
 * anyway); a document lost while the worker sleeps is found by the watchdog.
 *
 * The heartbeat: while the softphone is on, the engine posts a beat on the
 * port every `workerHeartbeatSeconds` (under the worker's 30 s idle limit; a
 * message is an event, so the worker stays up). A call's notification is then
 * shown by a running worker: about 40 ms after the INVITE instead of about
 * 95 ms when the worker must start first (npm run bench, "idle" rows).
 */
import { browser } from './browser';

const NAME = 'engine-liveness';

export interface EngineLiveness {
  /** (Re)connects; call it at start and whenever a fact is sent. */
  hold(): void;
  /** One heartbeat: keeps the worker up (connecting wakes it if it slept). */
  beat(): void;
}

/** The engine's side of the port. */
export function engineLivenessPort(): EngineLiveness {
  let port: ReturnType<typeof browser.runtime.connect> | null = null;
  const hold = () => {
    if (port) return;
    try {
      const opened = browser.runtime.connect({ name: NAME });
      opened.onDisconnect.addListener(() => {
        if (port === opened) port = null;
      });
      port = opened;
    } catch {
      port = null; // The extension is reloading: the next fact tries again.
    }
  };
  return {
    hold,
    beat() {
      if (!port) return hold(); // A new connection is itself an event that starts the worker.
      try {
        port.postMessage({ beat: Date.now() });
      } catch {
        // A port that can no longer send: close it, so its later disconnect cannot read as the engine gone.
        try {
          port?.disconnect();
        } catch {
          // Already closed.
        }
        port = null;
        hold();
      }
    },
  };
}

/** The worker's side: `onGone` runs when the engine's document closes (not when the worker itself stops). */
export function onEngineGone(onGone: () => void): void {
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== NAME || !port.sender?.url?.endsWith('/offscreen.html')) return;
    port.onDisconnect.addListener(() => onGone());
    port.onMessage.addListener(() => undefined); // A heartbeat: its arrival is what keeps the worker up.
  });
}
