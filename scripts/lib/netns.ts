/**
 * Everything that places WebRTC calls must run in a private network namespace
 * that has only `lo`, so that no packet leaves loopback (Chromium would
 * otherwise gather the host's other addresses for ICE). scripts/netns-run.sh
 * makes one; this check refuses to run anywhere else — loudly, never a skip.
 */
import { readFileSync } from 'node:fs';

/** Interface names of this process's network namespace (/proc/self/net follows it; /sys/class/net does not). */
export function networkInterfaces(): string[] {
  return readFileSync('/proc/self/net/dev', 'utf8')
    .split('\n')
    .slice(2)
    .map((line) => line.split(':')[0]?.trim())
    .filter((name): name is string => Boolean(name));
}

export function assertLoopbackOnly(how = 'bash scripts/netns-run.sh <command>'): void {
  const names = networkInterfaces();
  if (names.join() !== 'lo') {
    throw new Error(`This must run in a private network namespace with only "lo", but this one has: ${names.join(', ')}.\nRun it with ${how}.`);
  }
}
