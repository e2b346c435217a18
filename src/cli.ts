#!/usr/bin/env node
// The local entry: the same pipeline as the action, from the command line.
import { processIo } from './cli/io.js';
import { runCli } from './cli/run.js';

process.exitCode = await runCli(process.argv.slice(2), processIo());
