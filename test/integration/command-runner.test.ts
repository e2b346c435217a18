import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CommandRunner } from '../../src/agent/command.js';
import type { AgentRunRequest } from '../../src/agent/runner.js';

const AGENT = fileURLToPath(new URL('../support/scripted-agent.mjs', import.meta.url));
const quote = (s: string) => JSON.stringify(s);
const agent = (mode: string) => `${quote(process.execPath)} ${quote(AGENT)} --mode ${mode}`;
const script = (path: string, ...args: string[]) => [process.execPath, path, ...args].map(quote).join(' ');

// Reports exactly what it was given, so the tests see the runner's side of the contract.
const PROBE = `
import { readFileSync, statSync } from 'node:fs';
let stdin = '';
for await (const chunk of process.stdin) stdin += chunk;
const file = process.env.WILD_PROMPT_FILE;
console.log(JSON.stringify({
  argv: process.argv.slice(2), cwd: process.cwd(), stdin, file,
  fileText: readFileSync(file, 'utf8'), fileMode: statSync(file).mode & 0o777,
}));
`;

// Exits at once, leaving a child that holds stdout/stderr open and ignores SIGTERM.
const LEAVER = `
import { spawn } from 'node:child_process';
const child = spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1e6)'],
  { stdio: ['ignore', 'inherit', 'inherit'] });
child.unref();
console.log('left-pid=' + child.pid);
`;

let workdir: string;
let scripts: string;
const strays: number[] = [];

beforeEach(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'wild-cmd-wd-'));
  scripts = await mkdtemp(join(tmpdir(), 'wild-cmd-scripts-'));
  await writeFile(join(scripts, 'probe.mjs'), PROBE);
  await writeFile(join(scripts, 'leaver.mjs'), LEAVER);
});

afterEach(async () => {
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL'); // only if a test failed and left it behind
    } catch {
      // gone, as it should be
    }
  }
  await rm(workdir, { recursive: true, force: true });
  await rm(scripts, { recursive: true, force: true });
});

function request(overrides: Partial<AgentRunRequest> = {}): AgentRunRequest {
  const prompt = [
    '## Goal',
    '',
    'Reduce validation loss of the tiny GPT on tiny-shakespeare',
    '',
    '---',
    '',
    `IMPORTANT: Your working directory is \`${workdir}\`. Start with \`cd ${workdir}\`.`,
    '',
    `## Required Plan Structure (write this to ${join(workdir, 'tasks.md')})`,
    '',
  ].join('\n');
  return { prompt, workdir, env: {}, timeoutMs: 20_000, ...overrides };
}

/** Running means not gone and not a zombie waiting for init to reap it. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

async function expectGone(pid: number): Promise<void> {
  expect(running(pid)).toBe(false);
  // Once init reaps it, the pid no longer exists at all.
  await vi.waitFor(() => expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' })), {
    timeout: 10_000,
    interval: 50,
  });
}

describe('CommandRunner', () => {
  it('runs the agent in the workdir and returns its transcript', async () => {
    const result = await new CommandRunner({ command: agent('ok') }).run(request());

    expect(result).toMatchObject({ exitCode: 0, signal: null, timedOut: false, truncated: false, aborted: false });
    expect(result.transcript).toMatch(/<plan>\n## Planning Notes[\s\S]*<\/plan>/);
    expect(result.transcript).toContain('<promise>DONE</promise>');
    const tasks = readFileSync(join(workdir, 'tasks.md'), 'utf8');
    expect(tasks).toContain('Reduce validation loss of the tiny GPT on tiny-shakespeare');
    expect(result.transcript).toContain(tasks);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('gives the prompt on stdin and in a private WILD_PROMPT_FILE that is removed afterwards', async () => {
    const prompt = `# Goal ünïcödé 🧪\n${'line of a long prompt\n'.repeat(10_000)}`; // > a pipe buffer
    const result = await new CommandRunner({ command: script(join(scripts, 'probe.mjs')) }).run(request({ prompt }));

    expect(result.exitCode).toBe(0);
    const seen = JSON.parse(result.transcript);
    expect(seen.stdin).toBe(prompt);
    expect(seen.fileText).toBe(prompt);
    expect(seen.fileMode).toBe(0o600);
    expect(seen.file.startsWith(workdir)).toBe(false);
    expect(existsSync(seen.file)).toBe(false);
    expect(seen.cwd).toBe(workdir);
  });

  it('never lets a shell interpret the command', async () => {
    const mark = (name: string) => join(workdir, name);
    const command =
      `${script(join(scripts, 'probe.mjs'))} ; touch ${mark('semicolon')} $(touch ${mark('subst')}) ` +
      `\`touch ${mark('backtick')}\` | tee ${mark('pipe')} > ${mark('redirect')} && touch ${mark('and')}`;
    const result = await new CommandRunner({ command }).run(request());

    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.transcript).argv).toEqual([
      ';',
      'touch',
      mark('semicolon'),
      '$(touch',
      `${mark('subst')})`,
      '`touch',
      `${mark('backtick')}\``,
      '|',
      'tee',
      mark('pipe'),
      '>',
      mark('redirect'),
      '&&',
      'touch',
      mark('and'),
    ]);
    expect(await readdir(workdir)).toEqual([]);
  });

  it('reports a crashing agent with its exit code and the end of its stderr', async () => {
    const result = await new CommandRunner({ command: agent('crash') }).run(request());

    expect(result).toMatchObject({ exitCode: 3, signal: null, timedOut: false });
    expect(result.stderrTail).toContain('simulated crash: model provider returned 500');
    expect(result.transcript).toContain('Starting to plan');
  });

  it('survives an agent that exits without reading a large prompt (EPIPE)', async () => {
    const prompt = 'x'.repeat(8 * 1024 * 1024);
    const result = await new CommandRunner({ command: agent('crash') }).run(request({ prompt }));
    expect(result.exitCode).toBe(3);
  });

  it('names a program that is not on PATH and says what to do', async () => {
    const runner = new CommandRunner({ command: 'wild-no-such-agent-9f3 --mode ok' });
    await expect(runner.run(request())).rejects.toThrow(/agent-command `wild-no-such-agent-9f3`: not found on PATH; install it/);
  });

  it('names a program path that does not exist', async () => {
    const runner = new CommandRunner({ command: './bin/missing-agent --mode ok' });
    await expect(runner.run(request())).rejects.toThrow(/agent-command `\.\/bin\/missing-agent`: no such file.*workdir/);
  });

  it('tells a missing workdir apart from a missing program', async () => {
    const runner = new CommandRunner({ command: agent('ok') });
    const missing = join(workdir, 'not-checked-out');
    await expect(runner.run(request({ workdir: missing }))).rejects.toThrow(`working directory ${missing} does not exist`);
  });

  it('names a program that is not executable and says what to do', async () => {
    const path = join(scripts, 'agent.sh');
    await writeFile(path, '#!/bin/sh\necho hi\n');
    await chmod(path, 0o644);
    await expect(new CommandRunner({ command: path }).run(request())).rejects.toThrow(
      new RegExp(`agent-command \`${path}\`: permission denied.*chmod \\+x`),
    );
  });

  it('refuses an empty command when configured', () => {
    expect(() => new CommandRunner({ command: '   ' })).toThrow(/command is empty/);
  });

  it('stops a hung agent at the time limit, grandchildren included', async () => {
    const runner = new CommandRunner({ command: agent('hang'), killGraceMs: 300 });
    // Long enough for a slow machine to start node twice and print the grandchild's pid.
    const result = await runner.run(request({ timeoutMs: 3_000 }));

    const grandchild = Number(/grandchild-pid=(\d+)/.exec(result.stderrTail)?.[1]);
    strays.push(grandchild);
    expect(grandchild).toBeGreaterThan(0);
    expect(result).toMatchObject({ timedOut: true, aborted: false, exitCode: null, signal: 'SIGTERM' });
    await expectGone(grandchild);
  });

  it('stops the agent when the run is aborted', async () => {
    const controller = new AbortController();
    const runner = new CommandRunner({ command: agent('hang'), killGraceMs: 300 });
    setTimeout(() => controller.abort(), 2_000);
    const result = await runner.run(request({ timeoutMs: 600_000, signal: controller.signal }));

    const grandchild = Number(/grandchild-pid=(\d+)/.exec(result.stderrTail)?.[1]);
    strays.push(grandchild);
    expect(result).toMatchObject({ aborted: true, timedOut: false, exitCode: null });
    await expectGone(grandchild);
  });

  it('does not start an agent when the run is already aborted', async () => {
    const result = await new CommandRunner({ command: agent('ok') }).run(request({ signal: AbortSignal.abort() }));
    expect(result).toMatchObject({ aborted: true, exitCode: null, transcript: '' });
    expect(existsSync(join(workdir, 'tasks.md'))).toBe(false);
  });

  it('stops what an agent left running when it exits, even if that holds the output open', async () => {
    const runner = new CommandRunner({ command: script(join(scripts, 'leaver.mjs')), killGraceMs: 300 });
    const result = await runner.run(request());

    const left = Number(/left-pid=(\d+)/.exec(result.transcript)?.[1]);
    strays.push(left);
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    await expectGone(left);
  });
});
