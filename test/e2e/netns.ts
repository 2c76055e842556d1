/**
 * End-to-end tests place WebRTC calls; they must run in a private network
 * namespace that has only `lo`, so that no packet leaves loopback (Chrome would
 * otherwise gather the host's other addresses for ICE). `npm run test:e2e`
 * enters one (scripts/netns-run.sh); running these files any other way fails
 * here, loudly, instead of skipping.
 */
import { readFileSync } from 'node:fs';

export function assertPrivateNetwork(): void {
  // /proc/self/net follows this process's network namespace (/sys/class/net
  // would show the namespace that mounted sysfs).
  const interfaces = readFileSync('/proc/self/net/dev', 'utf8')
    .split('\n')
    .slice(2)
    .map((line) => line.split(':')[0]?.trim())
    .filter((name): name is string => Boolean(name));
  if (interfaces.length !== 1 || interfaces[0] !== 'lo') {
    throw new Error(
      `End-to-end tests must run in a private network namespace with only "lo", but this one has: ${interfaces.join(', ')}.\n` +
        'Run them with `npm run test:e2e` (or `bash scripts/netns-run.sh npx vitest run --project e2e`).',
    );
  }
}
