/**
 * A dedicated worker that only ticks. Timers of a hidden document may be
 * throttled to one wake-up a minute after a few minutes (Chrome's intensive
 * wake-up throttling); worker timers are not, so the registration period holds.
 */
const scope = self as unknown as { onmessage: ((e: MessageEvent<{ periodMs: number }>) => void) | null; postMessage(v: number): void };
let timer: ReturnType<typeof setInterval> | null = null;

scope.onmessage = (e) => {
  if (timer !== null) clearInterval(timer);
  timer = setInterval(() => scope.postMessage(Date.now()), Math.max(250, e.data.periodMs));
};
