#!/usr/bin/env node
import { runEvidenceCli } from './run.js';

process.exitCode = await runEvidenceCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
});
