#!/usr/bin/env node
/** Runs the `kubeloop` command: `kubeloop generate crd ...` (see `kubeloop --help`). */
import { runCli } from './generate.ts';

process.exitCode = await runCli(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
