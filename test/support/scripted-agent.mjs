#!/usr/bin/env node
// A stand-in coding agent that follows the Wild V2 planning prompt the way a real one would:
// server preflight from the prompt's own curl lines, a look at the workdir, tasks.md on
// disk, then <plan>/<summary>/<promise> on stdout. Plain Node, no dependencies.
//
//   node test/support/scripted-agent.mjs [--mode M]     (or WILD_SCRIPTED_MODE=M)
//
// Modes: ok (default), with-playbook, with-sweep, no-tag, nothing, echo-example, crash,
// hang, garbage, huge, env-dump, invalid-plan, and the bad-output corpus's two-plans,
// unclosed-tag, binary, invalid-utf8, fenced, mentions, huge-summary, huge-plan, leak-token.
// See MODES below.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

const MODES = {
  ok: 'preflight, plan on disk and in <plan>',
  'with-playbook': 'ok, plus prompt_skill_playbook.md beside tasks.md (skills fetched from the server)',
  'with-sweep': 'ok, plus POST /sweeps/wild (X-Auth-Token only if the prompt references $WILD_AUTH_TOKEN)',
  'no-tag': 'writes tasks.md, prints no <plan>',
  nothing: 'no tag, no file',
  'echo-example': "prints the prompt's own <plan> example first, then the real plan",
  crash: 'some stdout, an error on stderr, exit 3 (stdin never read)',
  hang: 'starts a grandchild that ignores SIGTERM, prints grandchild-pid=N on stderr, never ends',
  garbage: 'random bytes including invalid UTF-8, no tags',
  huge: '~50 MB of chatter, then ok',
  'env-dump':
    "environment as JSON to --dump FILE, $WILD_ENV_DUMP or agent-env.json in the workdir, /proc/self/environ beside it (.environ), who it runs as and what other processes' environments it could read (.proc.json), then ok",
  'invalid-plan': 'a plan with only 2 phases',
  'invalid-then-valid': 'invalid-plan at first; a valid plan when asked to repair it (a "Repair round" section)',
  'two-plans': 'ok, then a second, different <plan> (with SECOND-PLAN in its notes) after the first',
  'unclosed-tag': '<plan> and the plan, never </plan>; no tasks.md on disk',
  binary: 'ok, with every byte value (NUL, ESC, 0x80-0xFF) printed before and after the tags',
  'invalid-utf8': 'the plan only in <plan> (no tasks.md), with invalid UTF-8 byte sequences inside a task and the summary',
  fenced: 'the plan only in <plan> (no tasks.md), wrapped whole in a ```markdown fence',
  mentions: 'ok, with @octo-org/research-team and @Codertocat in a task, the notes and the summary',
  'huge-summary': 'ok, with a 200,000-character <summary>',
  'huge-plan': 'a plan of 6 phases x 400 long tasks (about 1 MB), on disk and in <plan>',
  // Any mode that writes a plan takes `--plan-file FILE` to write that plan instead of its own.
  'leak-token': 'ok, with $WILD_AUTH_TOKEN (when it has one) in the plan, the summary and the playbook',
};

const out = (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

function modeFromArgs() {
  const i = process.argv.indexOf('--mode');
  const mode = i >= 0 ? process.argv[i + 1] : process.env.WILD_SCRIPTED_MODE || 'ok';
  if (!(mode in MODES)) {
    process.stderr.write(`scripted-agent: unknown mode ${mode}; one of ${Object.keys(MODES).join(', ')}\n`);
    process.exit(2);
  }
  return mode;
}

async function readPrompt() {
  let fromStdin = '';
  if (!process.stdin.isTTY) {
    for await (const chunk of process.stdin) fromStdin += chunk;
  }
  const file = process.env.WILD_PROMPT_FILE;
  const fromFile = file && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const prompt = fromStdin || fromFile || '';
  const sources = [fromStdin ? 'stdin' : '', fromFile !== undefined ? 'WILD_PROMPT_FILE' : ''].filter(Boolean);
  const same = fromStdin && fromFile !== undefined ? (fromStdin === fromFile ? ' (identical)' : ' (DIFFERENT)') : '';
  out(`Read the prompt (${prompt.length} chars) from ${sources.join(' and ') || 'nowhere'}${same}.`);
  return prompt;
}

/** What the prompt tells the agent: where to work, what to write, which URLs to check. */
function understand(prompt) {
  const workdir = prompt.match(/Your working directory is `([^`]+)`/)?.[1] ?? process.cwd();
  const tasksRaw = process.env.WILD_TASKS_PATH || prompt.match(/write this to (.+?)\)\s*$/m)?.[1]?.trim();
  const tasksPath = tasksRaw ? (isAbsolute(tasksRaw) ? tasksRaw : resolve(workdir, tasksRaw)) : join(workdir, 'tasks.md');
  const preflightBlock = prompt.match(/Server preflight[\s\S]*?```bash\n([\s\S]*?)```/)?.[1] ?? '';
  const preflightUrls = [...preflightBlock.matchAll(/^curl -sf (\S+)/gm)].map((m) => m[1].replace(/^["']|["']$/g, ''));
  const serverUrl = prompt.match(/curl -X POST (\S+)\/sweeps\/wild/)?.[1] ?? preflightUrls.find((u) => u.endsWith('/docs'))?.slice(0, -5);
  const goal = (prompt.match(/## Goal\s*\n([\s\S]*?)(?:\n---|\n## )/)?.[1] ?? '').trim();
  const steerBlock = prompt.match(/^#+[^\n]*User Context[^\n]*\n([\s\S]*?)(?=\n\*\(|\n---|\n#|(?![\s\S]))/m)?.[1];
  const steer = steerBlock?.trim().replace(/\s+/g, ' ');
  // Before the loopback proxy exists, auth_header renders as a reference to this variable.
  const authByEnv = /X-Auth-Token:\s*\$\{?WILD_AUTH_TOKEN\b/.test(prompt);
  const example = prompt.match(/<plan>\n\(full tasks markdown\)\n<\/plan>/)?.[0] ?? '<plan>\n(full tasks markdown)\n</plan>';
  // Whichever version it is given: the protocol skill it must read and the section it must write.
  const protocolSkill = prompt.match(/mandatory[^\n]*skill[^\n]*\n\s*- `GET \S+\/prompt-skills\/([\w-]+)`/)?.[1] ?? null;
  const playbookSection = prompt.match(/section named `([^`]+)`/)?.[1] ?? null;
  return { workdir, tasksPath, preflightUrls, serverUrl, goal, steer, authByEnv, example, protocolSkill, playbookSection };
}

/** `curl -sf`: no redirects followed; a network error or a status of 400 and above fails. */
async function curlSf(url, init = {}) {
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000), ...init });
    return { ok: res.status < 400, status: res.status, res };
  } catch (error) {
    return { ok: false, status: `error: ${error.cause?.code ?? error.cause?.errors?.[0]?.code ?? error.message}` };
  }
}

async function preflight(ctx) {
  if (ctx.preflightUrls.length === 0) {
    process.stderr.write('scripted-agent: the prompt has no server preflight block; skipping preflight\n');
    return true;
  }
  out('Running the server preflight from the prompt.');
  let ok = true;
  for (const url of ctx.preflightUrls) {
    const r = await curlSf(url);
    out(`$ curl -sf ${url} >/dev/null  # ${r.ok ? 'ok' : 'FAILED'} (${r.status})`);
    ok &&= r.ok;
  }
  return ok;
}

function writeFileMkdir(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function abort(ctx) {
  writeFileMkdir(
    ctx.tasksPath,
    [
      '# Planning aborted',
      '',
      'ABORT_EARLY_DOCS_CHECK_FAILED',
      '',
      '- [x] Server docs/API preflight failed',
      '- [x] No sweeps or runs created',
      '- [x] Planning aborted',
      '',
    ].join('\n'),
  );
  out('Preflight failed: wrote the abort checklist and stopped.');
  out('<summary>Server docs/API preflight failed; planning aborted.</summary>');
  out('<promise>DONE</promise>');
}

function explore(workdir) {
  out(`$ cd ${workdir} && ls -A`);
  let entries = [];
  try {
    entries = readdirSync(workdir, { withFileTypes: true })
      .filter((e) => e.name !== '.git')
      .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
      .sort();
  } catch (error) {
    out(`ls: ${error.message}`);
  }
  out(entries.join('\n') || '(empty)');
  return entries;
}

function task(id, text, deliverable, doneWhen) {
  return `- [ ] [${id}] ${text} | deliverable: ${deliverable} | done-when: ${doneWhen}`;
}

function buildPlan(ctx, entries, extraNote) {
  const root = entries.includes('exp/') ? 'exp' : '.wild/experiments';
  const goalLine = ctx.goal.split('\n')[0] || '(no goal given)';
  const api = 'create a sweep with POST /sweeps/wild, then one run per config with POST /runs (sweep_id, auto_start)';
  const reflect = (what) =>
    `inspect ${what}; add follow-up tasks when a metric misses its target or a run failed twice; continue if the main method beats the baseline beyond the CI, else replan`;
  return [
    '## Planning Notes',
    `- Key codebase findings: goal "${goalLine}"; top-level entries: ${entries.slice(0, 12).join(', ') || 'none'}.`,
    `- Key risks and assumptions: the server stays reachable for sweeps and runs; baselines are reproducible with fixed seeds.${
      ctx.steer ? ` User context to honour: ${ctx.steer}` : ''
    }${extraNote ? ` ${extraNote}` : ''}`,
    `- Experiment root and logging layout decision: ${root}/<experiment>/{scripts,logs,outputs,results,analysis,metadata}.`,
    '',
    '## Phase 1 - Code Understanding and Refactor Prep',
    task('P1-T1', 'Map entry points, configs and tests', `${root}/analysis/codebase_map.md`, 'the map lists every entry point and config'),
    task(
      'P1-T2',
      'Create the experiment root and logging layout with deterministic run names',
      `${root}/README.md`,
      'the six folders exist and the naming rule is written down',
    ),
    task(
      'P1-T3',
      'Set up an isolated environment with uv (depends on P1-T1)',
      `${root}/metadata/env.txt`,
      'a smoke import succeeds inside .venv',
    ),
    '',
    '## Phase 2 - Experiment Design and Baselines',
    task(
      'P2-T1',
      'Write launcher scripts that capture stdout/stderr and a run manifest (depends on P1-T2)',
      `${root}/scripts/launch.sh`,
      'a dry run writes logs/ and metadata/manifest.json with command, seed, commit, timestamp',
    ),
    task(
      'P2-T2',
      `Baseline runs: ${api} (depends on P2-T1)`,
      `${root}/metadata/baseline_runs.json`,
      'three seeded baseline runs are listed by GET /runs',
    ),
    task('P2-T3', 'Aggregate baseline metrics', `${root}/results/baseline.csv`, 'one row per run with the primary metric'),
    '',
    '## Phase 3 - Main Method and Tracked Runs',
    task(
      'P3-T1',
      'Implement the main method behind a flag (depends on P1-T2)',
      `${root}/scripts/main_method.sh`,
      'unit tests pass and a short run completes',
    ),
    task(
      'P3-T2',
      `Main-method runs: ${api} (depends on P3-T1)`,
      `${root}/metadata/main_runs.json`,
      'three seeded runs complete via the API',
    ),
    '',
    '## Phase 4 - Analytics and Validation',
    task(
      'P4-T1',
      'Compare methods with bootstrap confidence intervals',
      `${root}/results/comparison.csv`,
      'mean, std and 95% CI reported per method',
    ),
    task(
      'P4-T2',
      `Ablation and sensitivity analysis over key hyperparameters: ${api} per grid point (depends on P3-T2)`,
      `${root}/analysis/ablation.md`,
      'each ablated component and the lr sweep has a table row',
    ),
    task('P4-T3', 'Error analysis plots', `${root}/analysis/errors.png`, 'worst cases are plotted and explained'),
    '',
    '## Phase 5 - Reflection and Replan',
    task(
      'P5-T1',
      `Midpoint reflection: ${reflect('baseline.csv and the first main-method result')}`,
      `${root}/analysis/midpoint_reflection.md`,
      'a continue-or-replan decision is written',
    ),
    task(
      'P5-T2',
      `Final reflection: ${reflect('comparison.csv, ablation.md and the error analysis')}`,
      `${root}/analysis/final_reflection.md`,
      'the final decision and follow-ups are written',
    ),
    '',
    '## Shared Metrics and Analytics Contract',
    '- Primary metrics: task accuracy (mean over 3 seeds).',
    '- Secondary diagnostics: training loss curves, wall-clock time, peak GPU memory.',
    '- Statistical checks: 95% bootstrap confidence intervals; paired comparison across seeds.',
    '- Required artifacts: results tables (CSV), loss plots, ablation table, error analysis notes.',
    '',
  ].join('\n');
}

function invalidPlan(ctx) {
  return [
    '## Phase 1 - Everything',
    task('P1-T1', `Do the whole goal: ${ctx.goal.split('\n')[0]}`, 'results.md', 'done'),
    '',
    '## Phase 2 - Wrap Up',
    task('P2-T1', 'Write it up', 'report.md', 'written'),
    '',
  ].join('\n');
}

function apiHeaders(ctx) {
  const headers = { 'Content-Type': 'application/json' };
  if (ctx.authByEnv && process.env.WILD_AUTH_TOKEN) headers['X-Auth-Token'] = process.env.WILD_AUTH_TOKEN;
  return headers;
}

async function createSweep(ctx) {
  if (!ctx.serverUrl) return 'No sweep created: the prompt names no /sweeps/wild URL.';
  const body = JSON.stringify({ name: 'wild-plan-baseline', goal: ctx.goal.split('\n')[0] || 'baseline' });
  const r = await curlSf(`${ctx.serverUrl}/sweeps/wild`, { method: 'POST', headers: apiHeaders(ctx), body });
  out(`$ curl -X POST ${ctx.serverUrl}/sweeps/wild  # ${r.status}`);
  if (!r.ok) return `Sweep creation failed (${r.status}).`;
  const sweep = await r.res.json();
  return `Baseline sweep created: ${sweep.id}.`;
}

async function writePlaybook(ctx) {
  let skills = [];
  if (ctx.serverUrl) {
    const r = await curlSf(`${ctx.serverUrl}/prompt-skills`);
    if (r.ok) skills = await r.res.json().catch(() => []);
  }
  let protocol = null;
  if (ctx.serverUrl && ctx.protocolSkill) {
    const r = await curlSf(`${ctx.serverUrl}/prompt-skills/${ctx.protocolSkill}`);
    if (r.ok) protocol = await r.res.json().catch(() => null);
  }
  const rows = (Array.isArray(skills) ? skills : [])
    .filter((s) => s && !s.internal)
    .map((s) => `| ${s.id} | ${String(s.description ?? '').replace(/\|/g, '/')} | per the skill template |`);
  const text = [
    '# Prompt Skill Playbook',
    '',
    '| skill | when to use | expected output |',
    '|---|---|---|',
    ...(rows.length ? rows : [`| ${ctx.protocolSkill ?? 'protocol'} | before any experiment | auditable sweep and runs |`]),
    '',
    `## ${ctx.playbookSection ?? 'Protocol'}`,
    '',
    protocol
      ? `Read first: GET /prompt-skills/${ctx.protocolSkill} (${protocol.description ?? 'no description'}).`
      : 'No protocol skill to read.',
    '',
    '1. POST /sweeps/wild with a descriptive name and goal; keep the returned id.',
    '2. POST /runs once per configuration with sweep_id and auto_start.',
    '3. Monitor with GET /runs; never run experiments outside the API.',
    '',
  ].join('\n');
  writeFileMkdir(join(dirname(ctx.tasksPath), 'prompt_skill_playbook.md'), text);
}

async function writeLarge(totalBytes) {
  const line = `${'thinking about the codebase and the experiment layout '.repeat(18)}\n`;
  const block = line.repeat(Math.ceil(65536 / line.length));
  for (let written = 0; written < totalBytes; written += block.length) {
    if (!process.stdout.write(block)) await new Promise((r) => process.stdout.once('drain', r));
  }
}

/**
 * Who this agent runs as, and the environments of other processes it can read: its parent's
 * (the action, whose environment holds INPUT_GITHUB-TOKEN) and those of every process of
 * another user. As a user of its own, it can read none of them.
 */
function pry() {
  const uidOf = (pid) => Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  const read = (pid) => {
    try {
      return { ok: true, text: readFileSync(`/proc/${pid}/environ`, 'latin1') };
    } catch (error) {
      return { ok: false, code: error.code ?? String(error) };
    }
  };
  const parent = read(process.ppid);
  const me = process.getuid();
  const others = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (uidOf(entry) === me) continue;
    } catch {
      continue; // exited while we looked
    }
    const got = read(entry);
    if (got.ok && got.text !== '') others.push({ pid: Number(entry), environ: got.text });
  }
  return {
    uid: me,
    gid: process.getgid(),
    ppid: process.ppid,
    parentEnviron: parent.ok ? parent.text : parent.code,
    othersReadable: others,
  };
}

function hang() {
  const child = spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1e6);'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  process.stderr.write(`grandchild-pid=${child.pid}\n`);
  return new Promise(() => setInterval(() => {}, 1e6));
}

async function main() {
  const mode = modeFromArgs();
  if (mode === 'hang') return hang();
  if (mode === 'crash') {
    out('Starting to plan...');
    process.stderr.write('scripted-agent: simulated crash: model provider returned 500\n');
    process.exitCode = 3;
    return;
  }
  if (mode === 'binary') process.stdout.write(allBytes());
  if (mode === 'garbage') {
    const bytes = Buffer.concat([randomBytes(4096), Buffer.from([0xff, 0xfe, 0x80, 0xc3, 0x28, 0xe2, 0x82])]);
    process.stdout.write(bytes);
    return;
  }
  const prompt = await readPrompt();
  const ctx = understand(prompt);
  if (mode === 'env-dump') {
    const dump = JSON.stringify(process.env, null, 2);
    // The allow-listed environment has no WILD_ENV_DUMP unless forwarded; `--dump FILE` names a
    // place the test reads after the run (the workdir is a scratch copy, gone by then).
    const flag = process.argv.indexOf('--dump');
    const dumpFile = (flag >= 0 ? process.argv[flag + 1] : undefined) ?? process.env.WILD_ENV_DUMP ?? join(ctx.workdir, 'agent-env.json');
    writeFileSync(dumpFile, dump);
    // What the kernel holds for this process, beyond what Node shows as process.env.
    if (existsSync('/proc/self/environ')) writeFileSync(`${dumpFile}.environ`, readFileSync('/proc/self/environ'));
    if (existsSync('/proc/self/environ')) writeFileSync(`${dumpFile}.proc.json`, JSON.stringify(pry()));
  }
  if (mode === 'huge') await writeLarge(50 * 1024 * 1024);
  if (mode === 'nothing') {
    out('I looked around but have nothing to report.');
    return;
  }
  if (!(await preflight(ctx))) return abort(ctx);
  const entries = explore(ctx.workdir);
  const note = mode === 'with-sweep' ? await createSweep(ctx) : '';
  const repairing = prompt.includes('## Repair round');
  const invalid = mode === 'invalid-plan' || (mode === 'invalid-then-valid' && !repairing);
  if (mode in CORPUS_OUTPUT) return CORPUS_OUTPUT[mode](ctx, entries, note);
  // `--plan-file FILE`: that plan as written (a fixture a test wants checked as the agent's).
  const planFlag = process.argv.indexOf('--plan-file');
  const given = planFlag >= 0 ? readFileSync(process.argv[planFlag + 1], 'utf8') : null;
  const plan = given ?? (invalid ? invalidPlan(ctx) : buildPlan(ctx, entries, note));
  writeFileMkdir(ctx.tasksPath, plan);
  out(`Wrote the plan to ${ctx.tasksPath}.`);
  if (mode === 'with-playbook') {
    await writePlaybook(ctx);
    out('Wrote prompt_skill_playbook.md beside it.');
  }
  if (mode === 'echo-example') out(`As the output contract asks:\n${ctx.example}`);
  if (mode !== 'no-tag') out(`<plan>\n${plan}</plan>`);
  out('<summary>Planned the goal in five phases with baseline, main method, ablation and reflection gates.</summary>');
  out('<promise>DONE</promise>');
  if (mode === 'binary') process.stdout.write(allBytes());
}

const SUMMARY = 'Planned the goal in five phases with baseline, main method, ablation and reflection gates.';

/** Every byte value, twice: NUL, terminal escapes, bytes that are never valid UTF-8. */
function allBytes() {
  const bytes = Buffer.alloc(512);
  for (let i = 0; i < bytes.length; i++) bytes[i] = i % 256;
  return bytes;
}

/** ok's ending (plan on disk and in <plan>, summary, promise) with the plan and summary given. */
function finishWith(ctx, plan, summary = SUMMARY, { onDisk = true, tagged = `<plan>\n${plan}</plan>` } = {}) {
  if (onDisk) {
    writeFileMkdir(ctx.tasksPath, plan);
    out(`Wrote the plan to ${ctx.tasksPath}.`);
  }
  out(tagged);
  out(`<summary>${summary}</summary>`);
  out('<promise>DONE</promise>');
}

/** The corpus's bad agent outputs (test/corpus/agent), after the usual preflight and look around. */
const CORPUS_OUTPUT = {
  'two-plans': (ctx, entries, note) => {
    finishWith(ctx, buildPlan(ctx, entries, note));
    out('On second thought, here is another plan:');
    out(`<plan>\n${buildPlan(ctx, entries, 'SECOND-PLAN')}</plan>`);
  },
  'unclosed-tag': (ctx, entries, note) => {
    out(`Here is the plan:\n<plan>\n${buildPlan(ctx, entries, note)}`);
    out('<summary>Planned, but the closing tag is missing.</summary>');
  },
  'invalid-utf8': (ctx, entries, note) => {
    const [before, after] = buildPlan(ctx, entries, note).split('Map entry points');
    const broken = Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc, 0xff]);
    process.stdout.write(
      Buffer.concat([
        Buffer.from(`<plan>\n${before}Map `),
        broken,
        Buffer.from(` entry points${after}</plan>\n<summary>Planned `),
        broken,
        Buffer.from(' in five phases.</summary>\n<promise>DONE</promise>\n'),
      ]),
    );
  },
  fenced: (ctx, entries, note) => {
    finishWith(ctx, buildPlan(ctx, entries, note), SUMMARY, {
      onDisk: false,
      tagged: `<plan>\n\`\`\`markdown\n${buildPlan(ctx, entries, note)}\`\`\`\n</plan>`,
    });
  },
  mentions: (ctx, entries) => {
    const team = '@octo-org/research-team';
    const plan = buildPlan(ctx, entries, `Review by ${team} and @Codertocat.`).replace(
      'Map entry points',
      `Map entry points with ${team} (cc @Codertocat)`,
    );
    finishWith(ctx, plan, `Planned; ${team} and @Codertocat please review.\n@octo-org/everyone too.`);
  },
  'huge-summary': (ctx, entries, note) => {
    finishWith(ctx, buildPlan(ctx, entries, note), 'A very long summary. '.repeat(10_000));
  },
  'huge-plan': (ctx) => {
    const root = '.wild/experiments';
    const lines = [
      '## Planning Notes',
      '- Key codebase findings: a very large plan.',
      '- Key risks and assumptions: none.',
      `- Experiment root and logging layout decision: ${root}.`,
      '',
    ];
    for (let p = 1; p <= 6; p++) {
      lines.push(`## Phase ${p} - Phase number ${p} of a plan far too long to post`);
      for (let t = 1; t <= 400; t++) {
        lines.push(
          task(
            `P${p}-T${t}`,
            `Step ${t} of phase ${p}: ${'measure and record the outcome carefully '.repeat(6)}`,
            `${root}/results/p${p}_t${t}.csv`,
            'the row exists',
          ),
        );
      }
      lines.push('');
    }
    finishWith(ctx, lines.join('\n'));
  },
  'leak-token': (ctx, entries, note) => {
    const token = process.env.WILD_AUTH_TOKEN ?? '(no token here)';
    finishWith(ctx, buildPlan(ctx, entries, `${note} Debug: token=${token}`), `Planned with token ${token}.`);
    writeFileMkdir(
      join(dirname(ctx.tasksPath), 'prompt_skill_playbook.md'),
      `# Prompt Skill Playbook\n\nUse X-Auth-Token: ${token}\n\n## Sweep/Run Audit Protocol\n\n1. POST /sweeps/wild with X-Auth-Token: ${token}\n`,
    );
  },
};

await main();
// Like curl, this agent is done once it has said so; Node's fetch would otherwise keep its
// idle keep-alive connections (and the process) open for seconds.
process.stdout.write('', () => process.exit(process.exitCode ?? 0));
