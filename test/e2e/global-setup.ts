import { existsSync } from 'node:fs';
import { assertLoopbackOnly } from '../../scripts/lib/netns';
import { DIST } from './harness';

export default function setup(): void {
  assertLoopbackOnly('`npm run test:e2e` (or `bash scripts/netns-run.sh npx vitest run --project e2e`)');
  if (!existsSync(`${DIST}/manifest.json`)) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
}
