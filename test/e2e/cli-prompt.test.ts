// `wild-plan render` and `plan` with `--prompt`, against a research server running the newest
// planning prompt: the team's current prompt renders (it used to fail with a stack trace), the
// contract follows the prompt in use, and a prompt wild-plan cannot fill fails naming the flag.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import { startWildServer, type WildServerFake } from '../support/wild-server.js';

const root = path.resolve(import.meta.dirname, '../..');
const HEAD_FILE = 'test/fixtures/wild/versions/wild_v2_planning.head.md';
const agent = `node ${path.join(root, 'test/support/scripted-agent.mjs')} --mode ok`;

let head: WildServerFake;
let workdir: string;

function collector() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readFile: (f) => readFile(f, 'utf8'),
    env: {},
    cwd: root,
  };
  return { io, stdout: () => out.join('\n'), stderr: () => err.join('\n') };
}

beforeAll(async () => {
  head = await startWildServer({
    planning: 'head',
    memories: [{ title: 'Use three seeds', content: 'One seed misled us twice.', tags: ['eval'] }],
  });
});
afterAll(async () => {
  await head.close();
});
beforeEach(async () => {
  workdir = await mkdtemp(path.join(os.tmpdir(), 'wild-plan-cli-prompt-'));
  await cp(path.join(root, 'examples/tiny-research'), workdir, { recursive: true });
});
afterEach(async () => {
  await rm(workdir, { recursive: true, force: true });
});

describe('wild-plan render', () => {
  it('renders the newest upstream prompt from a file: five preflight lines, memories, no placeholder left', async () => {
    const c = collector();
    const code = await runCli(['render', '--goal', 'Calibrate a ResNet', '--server-url', head.url, '--prompt-file', HEAD_FILE], c.io);

    expect(c.stderr()).not.toMatch(/\n\s+at /);
    expect(code).toBe(0);
    expect(c.stderr()).toContain(`note: the prompt is ${HEAD_FILE} (upstream ce2938d)`);
    const prompt = c.stdout();
    expect(prompt).not.toMatch(/\{\{\w+\}\}/);
    expect(prompt).toContain(`curl -sf ${head.url}/prompt-skills/wild_v2_execution_ops_protocol >/dev/null`);
    // The newest version declares `memories` without placing it yet: asked for, rendered nowhere.
    expect(head.requests.some((r) => r.path === '/memories' && r.query === '?active_only=true')).toBe(true);
    expect(prompt).not.toContain('Use three seeds');
  });

  it("places the server's memories where a team's prompt puts {{memories}}", async () => {
    const team = path.join(workdir, 'with-memories.md');
    const text = (await readFile(path.join(root, HEAD_FILE), 'utf8')).replace('## Project Root', '{{memories}}\n\n## Project Root');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(team, text);
    const c = collector();
    expect(await runCli(['render', '--goal', 'Calibrate a ResNet', '--server-url', head.url, '--prompt', team], c.io)).toBe(0);
    expect(c.stdout()).toContain(
      '## Memory Bank (Lessons & Context from Past Sessions)\n\n1. **[eval]** Use three seeds\n   One seed misled us twice.\n\n## Project Root',
    );
  });

  it("with --prompt auto (the default) renders the server's own skill and says so", async () => {
    const c = collector();
    const code = await runCli(['render', '--goal', 'Calibrate a ResNet', '--server-url', head.url], c.io);

    expect(code).toBe(0);
    expect(c.stderr()).toContain("note: the prompt is the server's skill wild_v2_planning (upstream ce2938d)");
    expect(c.stdout()).toContain('"chat_session_id": "wild-');
  });

  it('--prompt-variables fills a variable of a team prompt; without it the error names the flag, no stack trace', async () => {
    const team = path.join(workdir, 'ours.md');
    const text = (await readFile(path.join(root, HEAD_FILE), 'utf8'))
      .replace('  - evo_sweep_section\n', '  - evo_sweep_section\n  - lab_name\n')
      .replace('## Project Root', 'Lab: {{lab_name}}\n\n## Project Root');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(team, text);

    const missing = collector();
    expect(await runCli(['render', '--goal', 'g', '--server-url', head.url, '--prompt', team], missing.io)).toBe(1);
    expect(missing.stderr()).toContain('declares `lab_name`, which wild-plan does not supply');
    expect(missing.stderr()).toContain('--prompt-variables');
    expect(missing.stderr()).not.toMatch(/\n\s+at /);

    const given = collector();
    expect(
      await runCli(
        ['render', '--goal', 'g', '--server-url', head.url, '--prompt', team, '--prompt-variables', 'lab_name: vision'],
        given.io,
      ),
    ).toBe(0);
    expect(given.stdout()).toContain('Lab: vision');
  });

  it('--prompt server on a server without the skill fails with what to do', async () => {
    const absent = await startWildServer({ planning: 'absent' });
    try {
      const c = collector();
      expect(await runCli(['render', '--goal', 'g', '--server-url', absent.url, '--prompt', 'server'], c.io)).toBe(1);
      expect(c.stderr()).toContain('the server serves no `wild_v2_planning` skill');
      expect(c.stderr()).not.toMatch(/\n\s+at /);
    } finally {
      await absent.close();
    }
  });
});

describe('wild-plan plan', () => {
  const plan = (...extra: string[]) => [
    'plan',
    '--issue-file',
    'examples/issue.md',
    '--server-url',
    head.url,
    '--workdir',
    workdir,
    '--tasks-path',
    'plans/tasks.md',
    '--agent-command',
    agent,
    ...extra,
  ];

  it("plans with the server's newest prompt, says so, and the playbook has that version's Execution Ops Protocol", async () => {
    const c = collector();
    expect(await runCli(plan(), c.io)).toBe(0);
    expect(c.stdout()).toContain("Prompt:   the server's skill wild_v2_planning (upstream ce2938d)");
    expect(await readFile(path.join(workdir, 'plans/prompt_skill_playbook.md'), 'utf8')).toContain('## Execution Ops Protocol');
  });

  it('--prompt bundled keeps the shipped contract: the Sweep/Run Audit Protocol section', async () => {
    const c = collector();
    expect(await runCli(plan('--prompt', 'bundled', '--json'), c.io)).toBe(0);
    expect(await readFile(path.join(workdir, 'plans/prompt_skill_playbook.md'), 'utf8')).toContain('## Sweep/Run Audit Protocol');
    const report = JSON.parse(c.stdout()) as { prompt?: { source: string; version: string | null } };
    expect(report.prompt).toMatchObject({ source: 'bundled', version: 'upstream 073ac9a, as bundled' });
  });
});
