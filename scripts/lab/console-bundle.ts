/** Bundles the lab console (TypeScript + JsSIP) for the browser with esbuild. */
import { build } from 'esbuild';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./console/main.ts', import.meta.url));

/** Writes `console.js` into `outDir`. */
export async function bundleConsole(outDir: string): Promise<void> {
  await build({
    entryPoints: [ENTRY],
    outfile: join(outDir, 'console.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'inline',
    logLevel: 'silent',
  });
}
