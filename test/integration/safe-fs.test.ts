// Reading back what the agent left, and writing plan files, as an attacker would try to bend it:
// links to files outside, /proc/self/environ, links in a parent directory, hard links, FIFOs,
// directories, sparse files, and a link swapped in while we read.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, linkSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_AGENT_FILE_BYTES, readInside, UnsafePathError, writeInside } from '../../src/sandbox/safe-fs.js';

let base: string;
let area: string;
let outside: string;
const SECRET = `SENTINEL_OUTSIDE_${process.pid}_${Date.now()}`;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'wild-safe-fs-'));
  area = join(base, 'area');
  mkdirSync(join(area, 'plans'), { recursive: true });
  outside = join(base, 'outside.txt');
  writeFileSync(outside, SECRET, { mode: 0o600 });
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('readInside: reading back what the agent left', () => {
  it('reads a regular file, and says when there is none', () => {
    writeFileSync(join(area, 'plans/tasks.md'), '# plan\n');
    expect(readInside(area, 'plans/tasks.md')).toEqual({ kind: 'file', text: '# plan\n' });
    expect(readInside(area, 'plans/missing.md')).toEqual({ kind: 'missing' });
    expect(readInside(area, 'nowhere/tasks.md')).toEqual({ kind: 'missing' });
  });

  it("refuses a symbolic link to a file outside, and to /proc/self/environ (the reader's own environment)", () => {
    symlinkSync(outside, join(area, 'plans/tasks.md'));
    expect(readInside(area, 'plans/tasks.md')).toEqual({ kind: 'refused', reason: '`plans/tasks.md` is a symbolic link' });
    symlinkSync('/proc/self/environ', join(area, 'plans/environ.md'));
    const environ = readInside(area, 'plans/environ.md');
    expect(environ).toEqual({ kind: 'refused', reason: '`plans/environ.md` is a symbolic link' });
    // A link inside the area is refused too: no link is ever followed.
    writeFileSync(join(area, 'real.md'), 'x');
    symlinkSync('../real.md', join(area, 'plans/inner.md'));
    expect(readInside(area, 'plans/inner.md').kind).toBe('refused');
  });

  it('refuses a path through a linked directory, wherever the link is', () => {
    mkdirSync(join(base, 'elsewhere'));
    writeFileSync(join(base, 'elsewhere/tasks.md'), SECRET);
    symlinkSync(join(base, 'elsewhere'), join(area, 'linked'));
    expect(readInside(area, 'linked/tasks.md')).toEqual({ kind: 'refused', reason: '`linked/tasks.md`: `linked` is a symbolic link' });
    mkdirSync(join(area, 'a/b'), { recursive: true });
    symlinkSync(join(base, 'elsewhere'), join(area, 'a/b/c'));
    expect(readInside(area, 'a/b/c/tasks.md')).toEqual({ kind: 'refused', reason: '`a/b/c/tasks.md`: `a/b/c` is a symbolic link' });
    writeFileSync(join(area, 'file'), 'x');
    expect(readInside(area, 'file/tasks.md')).toEqual({ kind: 'refused', reason: '`file/tasks.md`: `file` is not a directory' });
  });

  it('refuses a hard link (a second name for another file)', () => {
    linkSync(outside, join(area, 'plans/tasks.md'));
    expect(readInside(area, 'plans/tasks.md')).toEqual({
      kind: 'refused',
      reason: '`plans/tasks.md` has 2 hard links (a link to another file?)',
    });
  });

  it('refuses a FIFO without waiting for a writer', () => {
    const fifo = join(area, 'plans/tasks.md');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(readInside(area, 'plans/tasks.md')).toEqual({ kind: 'refused', reason: '`plans/tasks.md` is a FIFO (named pipe)' });
  });

  it('refuses a directory where a file is expected', () => {
    mkdirSync(join(area, 'plans/tasks.md'));
    expect(readInside(area, 'plans/tasks.md')).toEqual({ kind: 'refused', reason: '`plans/tasks.md` is a directory' });
  });

  it('refuses a 2 GB sparse file by its size, without reading it', () => {
    const fd = openSync(join(area, 'plans/tasks.md'), 'w');
    ftruncateSync(fd, 2 * 1024 ** 3);
    closeSync(fd);
    const started = process.memoryUsage().rss;
    expect(readInside(area, 'plans/tasks.md')).toEqual({ kind: 'refused', reason: '`plans/tasks.md` is 2.0 GiB, over the 8.0 MiB limit' });
    expect(process.memoryUsage().rss - started).toBeLessThan(MAX_AGENT_FILE_BYTES);
  });

  it('refuses paths that are not plain relative paths', () => {
    for (const bad of ['../outside.txt', '/etc/passwd', 'plans/../../outside.txt', 'plans//tasks.md', '']) {
      expect(readInside(area, bad).kind, bad).toBe('refused');
    }
  });

  it('reads a file whose name holds a newline, and never follows the name elsewhere', () => {
    writeFileSync(join(area, 'plans/odd\nname.md'), 'ok');
    expect(readInside(area, 'plans/odd\nname.md')).toEqual({ kind: 'file', text: 'ok' });
  });

  it('never returns the secret while another process swaps the file for a link and back', async () => {
    const tasks = join(area, 'plans/tasks.md');
    writeFileSync(tasks, '# plan\n');
    // The swapper renames a regular file and a link to the secret over tasks.md, as fast as it can.
    const script = `
      const fs = require('fs');
      const [tasks, secret] = process.argv.slice(1);
      const end = Date.now() + 4000;
      let n = 0;
      while (Date.now() < end) {
        const tmp = tasks + '.' + (n++ % 2);
        try { fs.rmSync(tmp, { force: true }); } catch {}
        if (n % 2) fs.writeFileSync(tmp, '# plan\\n'); else fs.symlinkSync(secret, tmp);
        fs.renameSync(tmp, tasks);
      }`;
    const swapper = spawn(process.execPath, ['-e', script, tasks, outside], { stdio: 'ignore' });
    try {
      const seen = { file: 0, refused: 0, missing: 0 };
      const deadline = Date.now() + 2500;
      while (Date.now() < deadline) {
        const got = readInside(area, 'plans/tasks.md');
        seen[got.kind]++;
        if (got.kind === 'file') expect(got.text).toBe('# plan\n');
        await new Promise((resolve) => setImmediate(resolve));
      }
      // Both sides of the race were seen: the test raced, and no read ever got the secret.
      expect(seen.file).toBeGreaterThan(0);
      expect(seen.refused).toBeGreaterThan(0);
    } finally {
      swapper.kill('SIGKILL');
    }
  });
});

describe('writeInside: writing plan files', () => {
  it('writes a file, creating the directories it needs', () => {
    writeInside(area, 'new/dir/tasks.md', '# plan\n');
    expect(readFileSync(join(area, 'new/dir/tasks.md'), 'utf8')).toBe('# plan\n');
    writeInside(area, 'new/dir/tasks.md', '# plan 2\n');
    expect(readFileSync(join(area, 'new/dir/tasks.md'), 'utf8')).toBe('# plan 2\n');
  });

  it('replaces a link standing at the name instead of writing through it', () => {
    symlinkSync(outside, join(area, 'plans/tasks.md'));
    writeInside(area, 'plans/tasks.md', '# plan\n');
    expect(readFileSync(outside, 'utf8')).toBe(SECRET);
    expect(lstatSync(join(area, 'plans/tasks.md')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(area, 'plans/tasks.md'), 'utf8')).toBe('# plan\n');
  });

  it('replaces a hard link instead of writing into the file it shares', () => {
    linkSync(outside, join(area, 'plans/tasks.md'));
    writeInside(area, 'plans/tasks.md', '# plan\n');
    expect(readFileSync(outside, 'utf8')).toBe(SECRET);
  });

  it('refuses to enter a linked directory, and leaves what it points to alone', () => {
    mkdirSync(join(base, 'elsewhere'));
    symlinkSync(join(base, 'elsewhere'), join(area, 'linked'));
    expect(() => writeInside(area, 'linked/tasks.md', 'x')).toThrow(UnsafePathError);
    expect(() => writeInside(area, 'linked/tasks.md', 'x')).toThrow('cannot write `linked/tasks.md`: `linked` is a symbolic link');
    expect(spawnSync('ls', ['-A', join(base, 'elsewhere')], { encoding: 'utf8' }).stdout).toBe('');
  });

  it('refuses to replace a directory', () => {
    mkdirSync(join(area, 'plans/tasks.md/inner'), { recursive: true });
    expect(() => writeInside(area, 'plans/tasks.md', 'x')).toThrow('cannot write `plans/tasks.md`: a directory stands there');
    expect(spawnSync('ls', ['-A', join(area, 'plans')], { encoding: 'utf8' }).stdout).toBe('tasks.md\n');
  });
});
