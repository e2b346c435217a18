#!/usr/bin/env node
// A hostile agent for the isolation tests: it looks for the action's tokens everywhere a
// process can (every /proc/*/environ and /proc/*/cmdline it can read, a file only the
// action's user may read), tries to become root, and leaves files in the workspace.
// Prints what it found as JSON. Plain Node, no dependencies.
//
// It is never told a token: WILD_NEEDLE_SHA256 is the hash of the random part of the test's
// sentinels, so this process's own environment and command line hold nothing to find.
//
//   WILD_PRYING_MODE=scan (default) | hang (starts a sleeper in its own session, then waits)
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';

const mode = process.env.WILD_PRYING_MODE ?? 'scan';

if (mode === 'hang') {
  // Its own session: a stop of the agent's process group does not reach it.
  const sleeper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
  sleeper.unref();
  process.stdout.write(`sleeper=${sleeper.pid}\n`);
  setInterval(() => {}, 1000);
} else {
  process.stdout.write(JSON.stringify(scan()));
}

function scan() {
  const wanted = process.env.WILD_NEEDLE_SHA256 ?? '';
  const holds = (text) =>
    [...text.matchAll(/SENTINEL_[A-Z_]*?([0-9a-f]{32})/g)].some((m) => createHash('sha256').update(m[1]).digest('hex') === wanted);
  const findings = [];
  let readable = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    for (const file of ['environ', 'cmdline']) {
      try {
        const text = readFileSync(`/proc/${pid}/${file}`, 'latin1');
        readable++;
        if (holds(text)) findings.push({ pid: Number(pid), file });
      } catch {
        // EACCES: another user's process; ENOENT: it exited
      }
    }
  }
  let secretFile;
  try {
    secretFile = holds(readFileSync(process.env.WILD_SECRET_FILE ?? '', 'utf8')) ? 'read' : 'read, no token';
  } catch (error) {
    secretFile = error.code;
  }
  const attempt = (argv) => {
    const r = spawnSync(argv[0], argv.slice(1), { input: '', timeout: 15_000, encoding: 'utf8' });
    return { status: r.status, error: r.error?.code ?? null, stdout: (r.stdout ?? '').trim() };
  };
  const hasSudo = attempt(['sudo', '--version']).status === 0;
  const root = hasSudo ? attempt(['sudo', '-n', 'id', '-u']) : attempt(['su', '-c', 'id -u', 'root']);

  // Files of its own in the workspace: one plain, one in a directory only it can enter,
  // and a link to a file it must not come to own.
  writeFileSync('agent-wrote.txt', 'written by the agent\n');
  mkdirSync('private', { mode: 0o700 });
  writeFileSync('private/inside.txt', 'x');
  symlinkSync('/etc/passwd', 'passwd-link');
  const git = attempt(['git', 'status', '--porcelain']);

  return {
    uid: process.getuid(),
    ppid: process.ppid,
    readable,
    findings,
    secretFile,
    rootAttempt: { via: hasSudo ? 'sudo' : 'su', ...root },
    gitStatus: git.status,
    home: process.env.HOME,
  };
}
