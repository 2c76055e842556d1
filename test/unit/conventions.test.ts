/**
 * The project's own conventions, checked on the source itself (the lint rules
 * enforce them too; this fails even if someone weakens the lint config).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

const sources = files(join(root, 'src')).map((path) => ({ path: relative(root, path), text: readFileSync(path, 'utf8') }));

describe('conventions', () => {
  it('only src/offscreen/ imports jssip', () => {
    const offenders = sources.filter((f) => /from ['"]jssip/.test(f.text) && !f.path.startsWith('src/offscreen/'));
    expect(offenders.map((f) => f.path)).toEqual([]);
  });

  it('only src/platform/ touches chrome.* or webextension-polyfill', () => {
    const offenders = sources.filter(
      (f) => !f.path.startsWith('src/platform/') && (/\bchrome\.[a-z]/.test(f.text.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')) || /webextension-polyfill/.test(f.text)),
    );
    expect(offenders.map((f) => f.path)).toEqual([]);
  });

  it('src/shared/ runs anywhere: no DOM-only globals, no platform imports', () => {
    const shared = sources.filter((f) => f.path.startsWith('src/shared/'));
    expect(shared.length).toBeGreaterThan(5);
    for (const f of shared) {
      expect(f.text, f.path).not.toMatch(/\bdocument\.|\bwindow\.|from ['"]\.\.\/platform/);
    }
  });

  it('no bare console.* outside the logger', () => {
    const offenders = sources.filter((f) => f.path !== 'src/shared/logger.ts' && /\bconsole\.(log|info|warn|error|debug)\(/.test(f.text));
    expect(offenders.map((f) => f.path)).toEqual([]);
  });

  it('the manifest asks for no host permissions and only what it uses', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as { permissions: string[]; host_permissions?: string[] };
    expect(manifest.host_permissions).toBeUndefined();
    expect([...manifest.permissions].sort()).toEqual(['alarms', 'notifications', 'offscreen', 'storage']);
  });
});
