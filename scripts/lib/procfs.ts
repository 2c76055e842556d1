/** Processes from /proc (Linux): the memory benchmark and the demo's leftover check use them. */
import { readdirSync, readFileSync } from 'node:fs';

export interface Proc {
  pid: number;
  ppid: number;
  cmdline: string;
}

export function processes(): Proc[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const cmdline = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ').trim();
        return [{ pid: Number(d), ppid, cmdline }];
      } catch {
        return []; // The process ended while we looked.
      }
    });
}

/** Processes other than this one whose command line mentions `needle`. */
export function processesMentioning(needle: string): Proc[] {
  return processes().filter((p) => p.pid !== process.pid && p.cmdline.includes(needle));
}
