// `npm run demo`: one planning run on this machine, and the review it leads to. It plans the
// example issue (examples/issue.md) in a copy of the example repository with two stand-ins:
// the research server is test/support/wild-server.ts on 127.0.0.1, and the agent is
// test/support/scripted-agent.mjs, a script that writes the same plan whatever the goal (no
// model is called). It leaves in demo-output/ the plan files and what the action would post:
// the PR comment (comment.md) and the job summary (summary.md), made by the action's own
// functions. What varies from run to run (the session id, timings, ports) is fixed in those
// files, so they can be committed and diffed.
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ActionContext } from '../src/action/context.js';
import { displayTitle, planCommentBody } from '../src/action/messages.js';
import { renderJobSummary } from '../src/action/summary.js';
import { planBranchFor } from '../src/action/target.js';
import { processIo, readIssueFile } from '../src/cli/io.js';
import { streamLog } from '../src/log.js';
import type { PlanOutcome } from '../src/planning/outcome.js';
import { planIssue } from '../src/planning/plan-issue.js';
import { parseSettings } from '../src/settings.js';
import { startWildServer } from '../test/support/wild-server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPTED_AGENT = 'test/support/scripted-agent.mjs';
const WILD_SERVER = 'test/support/wild-server.ts';

/** A plausible home for the plan: the repository, issue and session the committed files show. */
const REPO = { owner: 'your-org', repo: 'your-repo' };
const ISSUE_NUMBER = 42;
const SESSION_ID = 'wild-00000000';
const SERVER_URL = 'http://127.0.0.1:8000';

export interface DemoOptions {
  /** Where the four files go (demo-output/ for `npm run demo`). */
  outputDir: string;
  /** One line of the demo's report. */
  print(line: string): void;
  /** The pipeline's own progress lines (default: not shown). */
  progress?(line: string): void;
}

export const DEMO_FILES = ['tasks.md', 'prompt_skill_playbook.md', 'comment.md', 'summary.md'] as const;

/** Plans the example issue and writes DEMO_FILES to outputDir; returns the outcome (normalised). */
export async function runDemo(options: DemoOptions): Promise<PlanOutcome> {
  const { print } = options;
  print('wild-plan demo: the example issue planned with two local stand-ins, no model, no GitHub.');
  print(`  research server: ${WILD_SERVER}, a stand-in for a Wild Loop V2 server, on 127.0.0.1 while the demo runs`);
  print(`  agent:           ${SCRIPTED_AGENT}, a scripted stand-in: it writes the same plan for every goal`);
  print('');
  const server = await startWildServer();
  const workdir = await mkdtemp(path.join(os.tmpdir(), 'wild-plan-demo-'));
  let outcome: PlanOutcome;
  let title: string | undefined;
  try {
    await cp(path.join(root, 'examples', 'tiny-research'), workdir, { recursive: true });
    const issue = await readIssueFile({ ...processIo(), cwd: root }, 'examples/issue.md');
    title = displayTitle(issue.title);
    const settings = parseSettings({ 'server-url': server.url, 'agent-command': `node ${path.join(root, SCRIPTED_AGENT)}` }, workdir);
    const log = streamLog((line) => options.progress?.(line), options.progress !== undefined);
    const ran = await planIssue(settings, { issueNumber: ISSUE_NUMBER, title: issue.title, body: issue.body }, { log, writeFiles: true });
    outcome = steady(ran, [server.url, workdir]);
  } finally {
    await server.close();
    await rm(workdir, { recursive: true, force: true });
  }
  if (outcome.status !== 'planned') throw new Error(`the demo's plan was ${outcome.status}: ${outcome.message}`);
  await mkdir(options.outputDir, { recursive: true });
  await Promise.all([
    writeFile(path.join(options.outputDir, 'tasks.md'), outcome.planMarkdown),
    writeFile(path.join(options.outputDir, 'prompt_skill_playbook.md'), outcome.playbook),
    writeFile(path.join(options.outputDir, 'comment.md'), `${commentOf(outcome, title)}\n`),
    writeFile(path.join(options.outputDir, 'summary.md'), `${renderJobSummary(outcome, actionContext())}\n`),
  ]);
  report(outcome, options);
  return outcome;
}

/** The plan comment, as publish.ts builds it for a plan PR from an issue's branch. */
function commentOf(outcome: Extract<PlanOutcome, { status: 'planned' }>, title: string | undefined): string {
  const fileUrl = `https://github.com/${REPO.owner}/${REPO.repo}/blob/${planBranchFor(ISSUE_NUMBER)}/${outcome.tasksPath}`;
  return planCommentBody(outcome.plan, outcome.findings, {
    title,
    goal: outcome.goal.goal,
    summary: outcome.summary ?? undefined,
    fileUrl,
    run: outcome.run,
    prompt: outcome.prompt,
    revision: { number: 1 },
  });
}

/** What GitHub would tell the action in a run for `your-org/your-repo`. */
function actionContext(): ActionContext {
  return {
    eventName: 'issues',
    payload: {},
    repo: REPO,
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    workspace: `/home/runner/work/${REPO.repo}/${REPO.repo}`,
  };
}

/**
 * The outcome with what differs on every run fixed: the session id, the timings, and the
 * server's port and the temp directory wherever they were written. (A later run of the same
 * demo then gives the same files, byte for byte.)
 */
function steady<T extends PlanOutcome>(outcome: T, varying: string[]): T {
  const text = (value: string) =>
    varying
      .reduce((out, v) => out.replaceAll(v, v.startsWith('http') ? SERVER_URL : '/path/to/your-repo'), value)
      .replaceAll(outcome.sessionId, SESSION_ID)
      .replace(/http:\/\/127\.0\.0\.1:\d+/g, SERVER_URL);
  const json = JSON.stringify(outcome, (_key, value: unknown) => (typeof value === 'string' ? text(value) : value));
  const fixed = JSON.parse(json) as T;
  for (const check of fixed.preflight.checks) check.ms = 0;
  if (fixed.run) fixed.run.result.durationMs = 0;
  return fixed;
}

function report(outcome: Extract<PlanOutcome, { status: 'planned' }>, options: DemoOptions): void {
  const { print } = options;
  const relative = path.relative(process.cwd(), options.outputDir);
  const where = relative === '' ? '.' : relative.startsWith('..') ? options.outputDir : relative;
  const warnings = outcome.findings.length;
  print(
    `Planned: ${outcome.plan.phases.length} phases, ${outcome.plan.phases.flatMap((p) => p.tasks).length} tasks; ${warnings === 0 ? 'the plan meets the planning contract with no warning' : `${warnings} finding(s)`}.`,
  );
  print('');
  print(`Left in ${where}/ (what a reviewer of the plan PR sees):`);
  print(`  ${path.join(where, 'tasks.md')}                  the plan, as committed to the plan branch`);
  print(`  ${path.join(where, 'prompt_skill_playbook.md')}  the playbook beside it`);
  print(`  ${path.join(where, 'comment.md')}                the PR comment the action would post on the plan PR`);
  print(`  ${path.join(where, 'summary.md')}                the job summary of the action's run`);
  print(`  (for ${REPO.owner}/${REPO.repo} issue #${ISSUE_NUMBER}; session id and timings fixed so the files can be committed)`);
  print('');
  print('With a real agent, against a research server of yours (or `npm run serve-fake` for the stand-in):');
  print(
    '  npx wild-plan plan --agent claude-code --agent-env ANTHROPIC_API_KEY --goal "Does label smoothing help on CIFAR-10?" --server-url http://127.0.0.1:8000 --workdir path/to/your-repo',
  );
}

// Run as a script (`npm run demo`), not when a test imports runDemo.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runDemo({ outputDir: path.join(root, 'demo-output'), print: (line) => console.log(line) });
}
