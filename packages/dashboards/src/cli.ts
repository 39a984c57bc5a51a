#!/usr/bin/env node
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderDashboards } from './index.js';

/**
 * `write` (run by the build) writes dashboards/*.json from the TypeScript definitions; `check`
 * exits 1 when a committed file differs from what the definitions generate.
 */
const [command, target] = process.argv.slice(2);
const dir = target ?? fileURLToPath(new URL('../../../dashboards/', import.meta.url));
if (command !== 'write' && command !== 'check') {
  console.error('usage: pi-egress-dashboards write|check [dir]');
  process.exit(2);
}
const stale: string[] = [];
for (const { file, json } of renderDashboards()) {
  const path = join(dir, file);
  if (command === 'write') writeFileSync(path, json);
  else if (readFileSync(path, 'utf8') !== json) stale.push(file);
}
if (stale.length > 0) {
  console.error(`differ from the generator (run the build): ${stale.join(', ')}`);
  process.exitCode = 1;
}
