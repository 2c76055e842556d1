import { existsSync } from 'node:fs';
import { assertPrivateNetwork } from './netns';
import { DIST } from './harness';

export default function setup(): void {
  assertPrivateNetwork();
  if (!existsSync(`${DIST}/manifest.json`)) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
}
