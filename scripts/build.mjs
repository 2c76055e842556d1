// Builds the extension into dist/: one esbuild call for every entry, then the
// static files (manifest, HTML, CSS) and the generated icons. Fails loudly and
// prints each bundle's size against its budget (DESIGN section 8).
import { build } from 'esbuild';
import { cp, mkdir, readFile, rm, writeFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { iconPng } from './icons.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// A release build (`npm run build:release`, into dist-release/) is what ships:
// no default server pointing at the lab, no debug handle on the worker's
// globalThis, no source maps, and no manifest `key` (the store assigns the id).
const release = process.argv.includes('--release');
// SOFTPHONE_OUTDIR builds elsewhere, e.g. beside a browser that is using dist/.
const outdir = process.env.SOFTPHONE_OUTDIR ?? join(root, release ? 'dist-release' : 'dist');
const watchless = process.argv.includes('--quiet');

// The sign-in form's default server: the lab's login service in a development
// build, nothing in a release; SOFTPHONE_DEFAULT_SERVER=https://api.example.com
// sets one for either.
const defaultServer = process.env.SOFTPHONE_DEFAULT_SERVER ?? (release ? '' : 'http://127.0.0.1:8787');

const BUDGET_KB = { 'background.js': 60, 'offscreen.js': 300, 'popup.js': 60, 'permission.js': 60, 'options.js': 60 };

await rm(outdir, { recursive: true, force: true });
await mkdir(join(outdir, 'icons'), { recursive: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: {
    background: 'src/background/index.ts',
    offscreen: 'src/offscreen/index.ts',
    'ticker-worker': 'src/offscreen/ticker-worker.ts',
    popup: 'src/popup/index.tsx',
    permission: 'src/permission/index.ts',
    options: 'src/options/index.ts',
  },
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome127'],
  minify: true,
  sourcemap: release ? false : 'linked',
  metafile: true,
  legalComments: 'linked',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  // zustand's hook imports React; Preact's compat layer provides the same API.
  alias: { react: 'preact/compat', 'react-dom': 'preact/compat' },
  define: {
    __DEFAULT_SERVER__: JSON.stringify(defaultServer),
    __DEBUG__: JSON.stringify(!release),
    'process.env.NODE_ENV': '"production"',
  },
  logLevel: 'warning',
});

await cp(join(root, 'public'), outdir, { recursive: true });
const manifest = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8'));
if (release) delete manifest.key;
await writeFile(join(outdir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
for (const size of [16, 32, 48, 128]) await writeFile(join(outdir, 'icons', `icon-${size}.png`), iconPng(size));

let overBudget = false;
for (const [file, budget] of Object.entries(BUDGET_KB)) {
  const kb = (await stat(join(outdir, file))).size / 1024;
  const over = kb > budget;
  overBudget ||= over;
  if (!watchless || over) console.log(`${file.padEnd(15)} ${kb.toFixed(1).padStart(6)} KB  (budget ${budget} KB)${over ? '  OVER BUDGET' : ''}`);
}
if (result.warnings.length > 0 || overBudget) process.exit(1);
