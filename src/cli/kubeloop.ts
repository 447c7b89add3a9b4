#!/usr/bin/env node
/** Runs the `kubeloop` command: `kubeloop generate crd ...` (see `kubeloop --help`). */
// First: fails clearly on an unsupported Node.js before any dependency loads.
import '../runtime-check.ts';

import { runCli } from './generate.ts';

process.exitCode = await runCli(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
