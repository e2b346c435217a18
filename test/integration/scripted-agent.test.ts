// The scripted agent against the real planning prompt and a local server: it must behave
// like an agent following that prompt, since the demo and the end-to-end test rely on it.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandRunner } from '../../src/agent/command.js';

const AGENT = fileURLToPath(new URL('../support/scripted-agent.mjs', import.meta.url));
const TEMPLATE = readFileSync(fileURLToPath(new URL('../../prompts/wild_v2_planning.md', import.meta.url)), 'utf8').replace(
  /^---\n[\s\S]*?\n---\n/,
  '',
);
const PREFLIGHT = ['/docs', '/openapi.json', '/prompt-skills', '/wild/v2/system-health'];
const GOAL = 'Reduce eval loss of nanoGPT on tiny-shakespeare by 5%\n\nWe care about small models.';

interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

let server: Server;
let serverUrl: string;
let seen: Seen[];
let token: string | undefined; // as the real server: protected paths need X-Auth-Token when set
let failing: string | undefined;
let workdir: string;
let tasksPath: string;

beforeEach(async () => {
  seen = [];
  token = undefined;
  failing = undefined;
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    seen.push({ method: req.method ?? '', path, headers: req.headers });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const isProtected = ['/wild', '/sweeps', '/runs'].some((p) => path === p || path.startsWith(`${p}/`));
    if (isProtected && token !== undefined && req.headers['x-auth-token'] !== token) {
      return json(401, { detail: 'Unauthorized - invalid or missing X-Auth-Token' });
    }
    if (path === failing) return json(503, { detail: 'unavailable' });
    if (path === '/docs') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Swagger UI</html>');
    if (path === '/openapi.json') return json(200, { openapi: '3.1.0', paths: {} });
    if (path === '/prompt-skills') {
      return json(200, [
        { id: 'wild_v2_sweep_run_audit_protocol', name: 'Audit', description: 'Mandatory protocol for sweeps', internal: false },
        { id: 'wild_v2_system', name: 'System', description: 'internal', internal: true },
      ]);
    }
    if (path === '/wild/v2/system-health')
      return json(200, { running: 0, queued: 0, completed: 0, failed: 0, total: 0, max_concurrent: 5 });
    if (path === '/sweeps/wild' && req.method === 'POST') return json(200, { id: 'a1b2c3d4e5f6', name: 'sweep' });
    return json(404, { detail: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  workdir = await mkdtemp(join(tmpdir(), 'wild-scripted-'));
  await mkdir(join(workdir, 'src'));
  tasksPath = join(workdir, '.wild', 'tasks.md');
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(workdir, { recursive: true, force: true });
});

function render(overrides: Record<string, string> = {}): string {
  const values: Record<string, string> = {
    goal: GOAL,
    workdir,
    tasks_path: tasksPath,
    server_url: serverUrl,
    session_id: 'wild-1a2b3c4d',
    steer_section: '',
    api_catalog: '- `GET /runs` - list runs',
    auth_header: '',
    ...overrides,
  };
  return TEMPLATE.replace(/\{\{(\w+)\}\}/g, (_, name: string) => values[name] ?? '');
}

async function runAgent(mode: string, prompt = render(), env: Record<string, string> = {}) {
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(AGENT)} --mode ${mode}`;
  return new CommandRunner({ command }).run({ prompt, workdir, env, timeoutMs: 20_000 });
}

/** The planning prompt's plan contract, checked independently of the project's validator. */
function expectPlanContract(plan: string): void {
  const phases = new Map<string, string[]>();
  let heading = '';
  for (const line of plan.split('\n')) {
    if (line.startsWith('## ')) heading = line;
    if (line.startsWith('- [')) {
      expect(line).toMatch(/^- \[ \] \[P\d+-T\d+\] [^|]+ \| deliverable: \S[^|]* \| done-when: \S.*$/);
      if (heading.startsWith('## Phase')) phases.set(heading, [...(phases.get(heading) ?? []), line]);
    }
  }
  expect([...phases.keys()].map((h) => /^## Phase (\d+) - \S/.exec(h)?.[1])).toEqual(['1', '2', '3', '4', '5']);
  for (const tasks of phases.values()) expect(tasks.length).toBeGreaterThanOrEqual(2);
  for (const tasks of phases.values()) expect(tasks.length).toBeLessThanOrEqual(4);
  const total = [...phases.values()].flat().length;
  expect(total).toBeGreaterThanOrEqual(10);
  expect(total).toBeLessThanOrEqual(25);
  expect(plan).toMatch(
    /## Planning Notes\n- Key codebase findings: .+\n- Key risks and assumptions: .+\n- Experiment root and logging layout decision: .+/,
  );
  expect(plan).toMatch(
    /## Shared Metrics and Analytics Contract\n- Primary metrics: .+\n- Secondary diagnostics: .+\n- Statistical checks: .+\n- Required artifacts: .+/,
  );
  for (const gate of ['Midpoint reflection', 'Final reflection']) {
    expect(plan).toMatch(new RegExp(`${gate}: inspect .+; add follow-up tasks when .+; continue if .+, else replan`));
  }
  expect(plan).toMatch(/ablation|sensitivity/i);
  expect(plan).toContain('POST /sweeps/wild');
  expect(plan).toContain('POST /runs');
  expect(plan).toMatch(/depends on P\d+-T\d+/);
}

const planOf = (transcript: string) => /<plan>\n([\s\S]*?)<\/plan>/.exec(transcript)?.[1];

describe('scripted agent', () => {
  it('checks the server, writes a contract-valid plan to the tasks path and prints it', async () => {
    const result = await runAgent('ok');

    expect(result.exitCode).toBe(0);
    const tasks = readFileSync(tasksPath, 'utf8');
    expect(planOf(result.transcript)).toBe(tasks);
    expectPlanContract(tasks);
    expect(tasks).toContain('Reduce eval loss of nanoGPT on tiny-shakespeare by 5%');
    expect(tasks).toContain('src/'); // it looked at the workdir
    expect(result.transcript).toMatch(/<summary>.+<\/summary>\n<promise>DONE<\/promise>/);
    expect(result.transcript).toContain('(identical)'); // stdin and WILD_PROMPT_FILE agree
    expect(existsSync(join(workdir, '.wild', 'prompt_skill_playbook.md'))).toBe(false);
  });

  it('requests the four preflight URLs of the prompt, without an auth header', async () => {
    await runAgent('ok');
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(PREFLIGHT.map((p) => `GET ${p}`));
    expect(seen.every((s) => s.headers['x-auth-token'] === undefined)).toBe(true);
  });

  it('carries the user steer into the planning notes', async () => {
    const steer_section =
      '\n## 🗣️ User Context (injected mid-loop)\n\nPrefer the 10M-parameter config;\nskip distillation.\n\n' +
      '*(Address this context in your work this iteration, then it will be cleared.)*\n';
    const result = await runAgent('ok', render({ steer_section }));

    const notes = /## Planning Notes\n[\s\S]*?\n\n/.exec(readFileSync(tasksPath, 'utf8'))?.[0];
    expect(notes).toContain('Prefer the 10M-parameter config; skip distillation.');
    expect(notes).not.toContain('Address this context');
    expect(result.exitCode).toBe(0);
  });

  it.each([
    ['a token-protected server (system-health answers 401)', () => (token = 's3cret')],
    ['a server whose docs are down', () => (failing = '/docs')],
  ])('aborts with the checklist against %s', async (_, setUp) => {
    setUp();
    const result = await runAgent('ok');

    expect(result.exitCode).toBe(0);
    const tasks = readFileSync(tasksPath, 'utf8');
    expect(tasks).toContain('ABORT_EARLY_DOCS_CHECK_FAILED');
    expect(tasks).not.toContain('- [ ]');
    expect(tasks.match(/^- \[x\] /gm)?.length).toBeGreaterThan(0);
    expect(result.transcript).toContain('<summary>Server docs/API preflight failed; planning aborted.</summary>');
    expect(result.transcript).toContain('<promise>DONE</promise>');
    expect(result.transcript).not.toContain('<plan>');
    expect(seen.some((s) => s.method === 'POST')).toBe(false);
  });

  it('writes the playbook beside tasks.md in with-playbook mode', async () => {
    const result = await runAgent('with-playbook');

    expect(result.exitCode).toBe(0);
    const playbook = readFileSync(join(workdir, '.wild', 'prompt_skill_playbook.md'), 'utf8');
    expect(playbook).toContain('## Sweep/Run Audit Protocol');
    expect(playbook).toContain('wild_v2_sweep_run_audit_protocol');
    expect(playbook).not.toContain('wild_v2_system'); // internal skills are not for the playbook
    expectPlanContract(readFileSync(tasksPath, 'utf8'));
  });

  it('sends X-Auth-Token on the sweep call only when the prompt references WILD_AUTH_TOKEN', async () => {
    const env = { WILD_AUTH_TOKEN: 's3cret' };
    await runAgent('with-sweep', render(), env);
    expect(seen.find((s) => s.method === 'POST')?.headers['x-auth-token']).toBeUndefined();

    seen = [];
    const result = await runAgent('with-sweep', render({ auth_header: '-H "X-Auth-Token: $WILD_AUTH_TOKEN"' }), env);
    const post = seen.find((s) => s.method === 'POST' && s.path === '/sweeps/wild');
    expect(post?.headers['x-auth-token']).toBe('s3cret');
    expect(seen.filter((s) => s.method === 'GET').every((s) => s.headers['x-auth-token'] === undefined)).toBe(true);
    expect(readFileSync(tasksPath, 'utf8')).toContain('Baseline sweep created: a1b2c3d4e5f6.');
    expect(result.exitCode).toBe(0);
  });

  it('writes tasks.md but prints no <plan> in no-tag mode', async () => {
    const result = await runAgent('no-tag');
    expect(result.transcript).not.toContain('<plan>');
    expect(result.transcript).toContain('<promise>DONE</promise>');
    expectPlanContract(readFileSync(tasksPath, 'utf8'));
  });

  it('leaves neither a tag nor a file in nothing mode', async () => {
    const result = await runAgent('nothing');
    expect(result.exitCode).toBe(0);
    expect(result.transcript).not.toMatch(/<plan>|<summary>|<promise>/);
    expect(existsSync(tasksPath)).toBe(false);
  });

  it("echoes the prompt's placeholder <plan> before the real one in echo-example mode", async () => {
    const result = await runAgent('echo-example');
    const plans = [...result.transcript.matchAll(/<plan>\n([\s\S]*?)<\/plan>/g)].map((m) => m[1]);
    expect(plans).toEqual(['(full tasks markdown)\n', readFileSync(tasksPath, 'utf8')]);
  });

  it('prints a plan that breaks the contract in invalid-plan mode', async () => {
    const plan = planOf((await runAgent('invalid-plan')).transcript) ?? '';
    expect(plan.match(/^## Phase \d+ - /gm)).toHaveLength(2);
  });

  it('takes the tasks path from WILD_TASKS_PATH and the mode from WILD_SCRIPTED_MODE', async () => {
    const elsewhere = join(workdir, 'elsewhere', 'tasks.md');
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(AGENT)}`;
    const result = await new CommandRunner({ command }).run({
      prompt: render(),
      workdir,
      env: { WILD_TASKS_PATH: elsewhere, WILD_SCRIPTED_MODE: 'no-tag' },
      timeoutMs: 20_000,
    });
    expect(result.transcript).not.toContain('<plan>');
    expectPlanContract(readFileSync(elsewhere, 'utf8'));
    expect(existsSync(tasksPath)).toBe(false);
  });

  it('rejects an unknown mode loudly', async () => {
    const result = await runAgent('sideways');
    expect(result.exitCode).toBe(2);
    expect(result.stderrTail).toContain('unknown mode sideways');
  });
});
