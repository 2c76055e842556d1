/**
 * Knowing at once that the phone engine is gone. The offscreen document can
 * be closed under the worker (a crash, Chrome reclaiming it, an extension
 * update); until the worker notices, the popup would say "Ready" while no
 * call can ring. The engine holds a port to the worker while both live; the
 * port's disconnect tells the worker, which checks and recreates the
 * document. The port does not keep the worker alive (an idle port is not an
 * event): when the worker sleeps the port closes on the engine's side, and
 * the engine opens a new one with its next fact (which wakes the worker
 * anyway); a document lost while the worker sleeps is found by the watchdog.
 */
import { browser } from './browser';

const NAME = 'engine-liveness';

/** The engine's side: (re)connects; call it at start and whenever a fact is sent. */
export function engineLivenessPort(): () => void {
  let port: ReturnType<typeof browser.runtime.connect> | null = null;
  return () => {
    if (port) return;
    try {
      port = browser.runtime.connect({ name: NAME });
      port.onDisconnect.addListener(() => {
        port = null;
      });
    } catch {
      port = null; // The extension is reloading: the next fact tries again.
    }
  };
}

/** The worker's side: `onGone` runs when the engine's document closes (not when the worker itself stops). */
export function onEngineGone(onGone: () => void): void {
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== NAME || !port.sender?.url?.endsWith('/offscreen.html')) return;
    port.onDisconnect.addListener(() => onGone());
  });
}
