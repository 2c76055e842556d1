/**
 * The release build ships none of the development conveniences: no default
 * server pointing at the lab, no debug handle on the worker's globalThis, no
 * source maps, no manifest key. Built for real (esbuild, a second or two).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let out: string;
const read = (file: string) => readFileSync(join(out, file), 'utf8');

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'softphone-release-'));
  execFileSync('node', ['scripts/build.mjs', '--release', '--quiet'], { env: { ...process.env, SOFTPHONE_OUTDIR: out, SOFTPHONE_DEFAULT_SERVER: '' }, stdio: 'pipe' });
}, 60_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('a release build', () => {
  it('has no source maps', () => {
    expect(readdirSync(out).filter((f) => f.endsWith('.map'))).toEqual([]);
    for (const f of ['background.js', 'offscreen.js', 'popup.js', 'options.js']) expect(read(f)).not.toContain('sourceMappingURL');
  });
  it('does not point the sign-in form at the lab', () => {
    expect(read('popup.js')).not.toContain('127.0.0.1:8787');
  });
  it('exposes no debug handle on the worker', () => {
    expect(read('background.js')).not.toMatch(/softphone:\{store/);
  });
  it('carries no manifest key (the store assigns the id)', () => {
    expect(JSON.parse(read('manifest.json'))).not.toHaveProperty('key');
  });
});
