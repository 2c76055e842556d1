/**
 * What a browser's processes cost, from /proc (Linux): its process tree,
 * renderer processes, proportional set size (Pss) and CPU time (utime +
 * stime), per process and per thread. For the benchmarks (scripts/bench/).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { processes, type Proc } from './procfs';

/** Clock ticks per second of utime/stime (almost always 100). */
export const CLK_TCK: number = (() => {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
})();

/** Every process of the browser whose user-data-dir is `profile`: the browser process and its descendants. */
export function browserTree(profile: string): Proc[] {
  const all = processes();
  const root = all.find((p) => p.cmdline.includes(`--user-data-dir=${profile}`) && !p.cmdline.includes('--type='));
  if (!root) throw new Error(`no browser process for ${profile}`);
  const tree = new Set([root.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => tree.has(p.pid));
}

export function renderersOf(profile: string): Proc[] {
  return browserTree(profile).filter((p) => p.cmdline.includes('--type=renderer'));
}

/** The renderer that holds the extension's service worker and offscreen document (there must be exactly one). */
export function extensionRenderer(profile: string): Proc {
  const ext = renderersOf(profile).filter((p) => p.cmdline.includes('--extension-process'));
  if (ext.length !== 1) throw new Error(`expected one extension renderer, found ${ext.length}`);
  return ext[0] as Proc;
}

/**
 * The web page's renderer: the largest one that is neither the extension's
 * nor the browser's own WebUI (`--top-chrome-webui`, larger than a small page);
 * Chromium may also keep a small spare renderer around.
 */
export function pageRenderer(profile: string): Proc {
  const pages = renderersOf(profile).filter((p) => !p.cmdline.includes('--extension-process') && !p.cmdline.includes('--top-chrome-webui'));
  const sized = pages.map((p) => ({ p, kb: pssKb(p.pid) })).sort((a, b) => b.kb - a.kb);
  if (!sized[0]) throw new Error(`no page renderer for ${profile}`);
  return sized[0].p;
}

export function pssKb(pid: number): number {
  const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  if (!match) throw new Error(`no Pss for ${pid}`);
  return Number(match[1]);
}

/**
 * Memory only this process maps (USS: Private_Clean + Private_Dirty). Unlike
 * Pss it does not depend on how many other processes share the Chromium
 * binary's pages — every Chromium on the machine does.
 */
export function privateKb(pid: number): number {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? NaN);
  return field('Private_Clean') + field('Private_Dirty');
}

/** utime + stime, in clock ticks, from a /proc/.../stat line (fields 14 and 15; the name may hold spaces). */
function statTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU time the process has used so far (all its threads, live and ended), in clock ticks. */
export function cpuTicks(pid: number): number {
  return statTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/**
 * CPU time per live thread, in ns (/proc/<pid>/task/<tid>/schedstat, far finer
 * than the 10 ms ticks of stat), keyed "<tid> <name>".
 */
export function threadCpuNs(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      out.set(`${tid} ${name}`, Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

/**
 * Where a process's CPU went between two threadCpuNs() readings: ns per
 * thread name (threads of one name summed; a thread born in between counts
 * from zero, one that ended is lost), largest first.
 */
export function threadBreakdown(before: Map<string, number>, after: Map<string, number>): { name: string; ns: number }[] {
  const byName = new Map<string, number>();
  for (const [key, ns] of after) {
    const name = key.slice(key.indexOf(' ') + 1);
    byName.set(name, (byName.get(name) ?? 0) + ns - (before.get(key) ?? 0));
  }
  return [...byName].map(([name, ns]) => ({ name, ns })).filter((t) => t.ns > 0).sort((a, b) => b.ns - a.ns);
}
