/**
 * Benchmark output a person can trust and look at: per row the samples'
 * median and 90th percentile, the ratio to the baseline measured in the same
 * run, a JSON file in artifacts/bench/, and an SVG strip chart of every sample
 * (plain SVG written here: one small file, no chart library to load).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type Rows = Record<string, { ext: number[]; base: number[] }>;

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * p;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (i - lo);
}

export interface Summary {
  name: string;
  extension: { n: number; median: number; p90: number };
  baseline: { n: number; median: number; p90: number } | null;
  ratio: number | null;
}

export function summarise(rows: Rows): Summary[] {
  return Object.entries(rows).map(([name, r]) => {
    const ext = { n: r.ext.length, median: percentile(r.ext, 0.5), p90: percentile(r.ext, 0.9) };
    const base = r.base.length ? { n: r.base.length, median: percentile(r.base, 0.5), p90: percentile(r.base, 0.9) } : null;
    return { name, extension: ext, baseline: base, ratio: base ? ext.median / base.median : null };
  });
}

export function printSummary(title: string, summary: Summary[]): void {
  console.log(`\n${title}`);
  for (const s of summary) {
    const base = s.baseline ? `baseline ${s.baseline.median.toFixed(0).padStart(6)} (p90 ${s.baseline.p90.toFixed(0).padStart(6)})  ratio ${s.ratio?.toFixed(2)}` : 'baseline      — (not sampled)';
    console.log(`  ${s.name.padEnd(42)} extension ${s.extension.median.toFixed(0).padStart(6)} (p90 ${s.extension.p90.toFixed(0).padStart(6)}, n=${s.extension.n})  ${base}`);
  }
}

const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** One row per measurement: every sample as a dot (extension blue, baseline grey), medians as bars. */
export function stripChart(title: string, rows: Rows): string {
  const width = 900;
  const left = 330;
  const rowH = 34;
  const names = Object.keys(rows);
  const height = 60 + names.length * rowH;
  const max = Math.max(1, ...names.flatMap((n) => [...(rows[n]?.ext ?? []), ...(rows[n]?.base ?? [])]));
  const x = (v: number) => left + ((width - left - 20) * v) / max;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<text x="${left}" y="40" fill="#555">0</text><text x="${width - 60}" y="40" fill="#555">${Math.round(max)} ms</text>`,
  ];
  names.forEach((name, i) => {
    const y = 60 + i * rowH;
    const r = rows[name] as { ext: number[]; base: number[] };
    parts.push(`<text x="10" y="${y + 4}">${esc(name)}</text>`, `<line x1="${left}" x2="${width - 20}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    for (const v of r.base) parts.push(`<circle cx="${x(v).toFixed(1)}" cy="${y + 6}" r="3" fill="#999" fill-opacity="0.6"/>`);
    for (const v of r.ext) parts.push(`<circle cx="${x(v).toFixed(1)}" cy="${y - 6}" r="3" fill="#1a73e8" fill-opacity="0.6"/>`);
    if (r.base.length) parts.push(`<line x1="${x(percentile(r.base, 0.5)).toFixed(1)}" x2="${x(percentile(r.base, 0.5)).toFixed(1)}" y1="${y + 1}" y2="${y + 12}" stroke="#333" stroke-width="2"/>`);
    if (r.ext.length) parts.push(`<line x1="${x(percentile(r.ext, 0.5)).toFixed(1)}" x2="${x(percentile(r.ext, 0.5)).toFixed(1)}" y1="${y - 12}" y2="${y - 1}" stroke="#0b3d91" stroke-width="2"/>`);
  });
  parts.push(`<text x="10" y="${height - 8}" fill="#555">blue: extension, grey: plain JsSIP page (same run); bars: medians</text>`, '</svg>');
  return parts.join('\n');
}

/** Writes artifacts/bench/<name>.json and <name>.svg; returns their paths. */
export async function writeReport(name: string, title: string, rows: Rows): Promise<string[]> {
  const dir = join(process.cwd(), 'artifacts', 'bench');
  await mkdir(dir, { recursive: true });
  const json = join(dir, `${name}.json`);
  const svg = join(dir, `${name}.svg`);
  await writeFile(json, JSON.stringify({ title, at: new Date().toISOString(), summary: summarise(rows), samples: rows }, null, 2));
  await writeFile(svg, stripChart(title, rows));
  return [json, svg];
}
