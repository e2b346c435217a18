#!/usr/bin/env node
// What an agent in the namespace sandbox can see and do, as JSON on stdout: its parent, the
// processes it can see and whose environment it can read, a covered directory and file, an
// attempt to unmount a cover or write under it, and a detached process left running.
//
//   node namespace-probe.mjs <covered-dir> <covered-file> <visible-dir> <marker>
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [coveredDir, coveredFile, visibleDir, marker] = process.argv.slice(2);
const attempt = (fn) => {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, code: error.code ?? String(error.message) };
  }
};
const pids = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
const environs = pids
  .map((pid) => attempt(() => readFileSync(`/proc/${pid}/environ`, 'latin1')))
  .filter((r) => r.ok)
  .map((r) => r.value)
  .join('\n');
// Left behind on purpose, in a session of its own: the sandbox must end it with the run.
const sleeper = spawn(process.execPath, ['-e', `setInterval(() => {}, 1000) // ${marker}`], { detached: true, stdio: 'ignore' });
sleeper.unref();
const report = {
  uid: process.getuid(),
  ppid: process.ppid,
  visiblePids: pids.length,
  environs,
  coveredListing: attempt(() => readdirSync(coveredDir)),
  coveredWrite: attempt(() => writeFileSync(join(coveredDir, 'planted'), 'x')),
  coveredFile: attempt(() => readFileSync(coveredFile, 'utf8')),
  umount: spawnSync('umount', [coveredDir], { encoding: 'utf8' }).status,
  visibleListing: attempt(() => readdirSync(visibleDir)),
};
process.stdout.write(JSON.stringify(report));
