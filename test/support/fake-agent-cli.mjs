#!/usr/bin/env node
// Stands in for an agent CLI binary in fast tests of the preset runner: records how it was
// started, then replays a recorded event stream. Plain Node, no dependencies.
//   --version                 prints $WILD_FAKE_VERSION (default 1.0.0)
//   WILD_FAKE_DUMP=file       writes {argv, env, cwd, stdin, codexHomeExists, homeExists, uid, homeWritable} there
//   WILD_FAKE_STDOUT=file     copied to stdout;  WILD_FAKE_STDERR=file copied to stderr
//   WILD_FAKE_LAST=text       written to the file after `-o` (codex's last-message file)
//   WILD_FAKE_HANG=1          never exits (ignores SIGTERM: the runner must SIGKILL it)
//   WILD_FAKE_EXIT=n          exit code (default 0)
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Whether this process can create a file in `dir` (an agent CLI writes its config to HOME). */
function writable(dir) {
  if (!dir) return false;
  try {
    writeFileSync(join(dir, '.write-probe'), 'x');
    rmSync(join(dir, '.write-probe'));
    return true;
  } catch {
    return false;
  }
}

const args = process.argv.slice(2);
if (args[0] === '--version') {
  process.stdout.write(`${process.env.WILD_FAKE_VERSION ?? '1.0.0'}\n`);
  process.exit(0);
}

let stdin = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) stdin += chunk;

const env = process.env;
if (env.WILD_FAKE_DUMP) {
  writeFileSync(
    env.WILD_FAKE_DUMP,
    JSON.stringify({
      argv: args,
      env,
      cwd: process.cwd(),
      stdin,
      homeExists: Boolean(env.HOME && existsSync(env.HOME)),
      codexHomeExists: Boolean(env.CODEX_HOME && existsSync(env.CODEX_HOME)),
      uid: process.getuid?.(),
      homeWritable: writable(env.HOME),
    }),
  );
}
const out = args.indexOf('-o');
if (out >= 0 && env.WILD_FAKE_LAST !== undefined) writeFileSync(args[out + 1], env.WILD_FAKE_LAST);
if (env.WILD_FAKE_STDERR) process.stderr.write(readFileSync(env.WILD_FAKE_STDERR));
if (env.WILD_FAKE_STDOUT) process.stdout.write(readFileSync(env.WILD_FAKE_STDOUT));

if (env.WILD_FAKE_HANG === '1') {
  process.on('SIGTERM', () => {});
  setInterval(() => {}, 1_000);
} else {
  process.exitCode = Number(env.WILD_FAKE_EXIT ?? 0);
}
