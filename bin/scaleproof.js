#!/usr/bin/env node
// Entry point of the published CLI: runs the compiled code in dist/ (built by `npm install`).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('scaleproof is not built yet: run `npm run build` in the package folder.\n');
  process.exit(3);
}
await import(cli.href);
