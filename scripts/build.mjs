// Builds the extension into dist/: one esbuild call for every entry, then the
// static files (manifest, HTML, CSS) and the generated icons. Fails loudly and
// prints each bundle's size against its budget (DESIGN section 8).
import { build } from 'esbuild';
import { cp, mkdir, rm, writeFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { iconPng } from './icons.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// SOFTPHONE_OUTDIR builds elsewhere, e.g. beside a browser that is using dist/.
const outdir = process.env.SOFTPHONE_OUTDIR ?? join(root, 'dist');
const watchless = process.argv.includes('--quiet');

// The sign-in form's default server. The lab's login service by default; set
// SOFTPHONE_DEFAULT_SERVER=https://api.example.com to point a build elsewhere.
const defaultServer = process.env.SOFTPHONE_DEFAULT_SERVER ?? 'http://127.0.0.1:8787';

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
  sourcemap: 'linked',
  metafile: true,
  legalComments: 'linked',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  // zustand's hook imports React; Preact's compat layer provides the same API.
  alias: { react: 'preact/compat', 'react-dom': 'preact/compat' },
  define: {
    __DEFAULT_SERVER__: JSON.stringify(defaultServer),
    'process.env.NODE_ENV': '"production"',
  },
  logLevel: 'warning',
});

await cp(join(root, 'public'), outdir, { recursive: true });
await cp(join(root, 'manifest.json'), join(outdir, 'manifest.json'));
for (const size of [16, 32, 48, 128]) await writeFile(join(outdir, 'icons', `icon-${size}.png`), iconPng(size));

let overBudget = false;
for (const [file, budget] of Object.entries(BUDGET_KB)) {
  const kb = (await stat(join(outdir, file))).size / 1024;
  const over = kb > budget;
  overBudget ||= over;
  if (!watchless || over) console.log(`${file.padEnd(15)} ${kb.toFixed(1).padStart(6)} KB  (budget ${budget} KB)${over ? '  OVER BUDGET' : ''}`);
}
if (result.warnings.length > 0 || overBudget) process.exit(1);
