/** Waiting helpers shared by the tests, the demo and the benchmarks. */

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `check` until it gives a truthy value and returns it. Bounded: after
 * `timeoutMs` it throws, naming what was awaited and the last value seen.
 */
export async function until<T>(what: string, check: () => Promise<T> | T, timeoutMs = 15_000, everyMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await check();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last seen: ${JSON.stringify(last)})`);
    await sleep(everyMs);
  }
}
