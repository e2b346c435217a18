import path from 'node:path';
import { parseArgs } from 'node:util';
import { streamLog } from '../log.js';
import { agentStatsJson } from '../agent/runner.js';
import type { PlanOutcome } from '../planning/outcome.js';
import { planIssue } from '../planning/plan-issue.js';
import { planToJson } from '../plan/present.js';
import { describePromptUsed } from '../prompt/used.js';
import { formatPreflightTable } from '../server/preflight-report.js';
import { parseSettings, type RawInputs } from '../settings.js';
import { userErrorMessage } from './errors.js';
import { inputFlagsHelp, inputOptions, inputsFromFlags } from './flags.js';
import { readIssueFile, UsageError, type CliIo, type IssueText } from './io.js';

const WIDTH = 32;

export const PLAN_USAGE = `Usage: wild-plan plan (--goal TEXT | --issue-file FILE) --server-url URL [--agent NAME] [options]

Plans one goal in a local repository: preflight the research server, render the planning
prompt, run the agent, check its plan, and write tasks.md and prompt_skill_playbook.md.
Nothing is pushed or posted. The flags are the action's inputs, under the same names.

What to plan:
  ${'--goal TEXT'.padEnd(WIDTH)} the research goal (or --issue-file)
  ${'--issue-file FILE'.padEnd(WIDTH)} an issue as JSON ({number, title, body}) or markdown (# title, then body)
  ${'--steer TEXT'.padEnd(WIDTH)} extra direction for the planner (a "User Context" section)
  ${'--workdir DIR'.padEnd(WIDTH)} the repository to plan in (default: current directory)

The action's inputs:
${inputFlagsHelp(WIDTH).join('\n')}

On this machine:
  ${'--isolate'.padEnd(WIDTH)} run the agent as an unprivileged user of its own (needs root or
  ${''.padEnd(WIDTH)} passwordless sudo; lends it the workdir for the run)
  ${'--json'.padEnd(WIDTH)} print the outcome as JSON
  ${'--debug'.padEnd(WIDTH)} print the stack trace of an error
  ${'-h, --help'.padEnd(WIDTH)} this help

Example, with Claude Code and your API key:
  wild-plan plan --goal "Does label smoothing help on CIFAR-10?" --server-url http://127.0.0.1:8000 \\
    --agent claude-code --agent-env ANTHROPIC_API_KEY

Exit: 0 planned, 2 aborted (server preflight failed), 3 no usable plan, 1 error.`;

export const EXIT = { planned: 0, error: 1, aborted: 2, invalid: 3 } as const;

/** The flags of `plan` and `render` that are not action inputs: what to plan, and where. */
const GOAL_OPTIONS = {
  goal: { type: 'string' },
  'issue-file': { type: 'string' },
  steer: { type: 'string' },
  workdir: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Every flag `plan` takes: what to plan, the action's inputs, and what only a local run has. */
export const PLAN_OPTIONS = {
  ...inputOptions(),
  ...GOAL_OPTIONS,
  isolate: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** The flags `render` takes: what `plan` does, less what only concerns running the agent here. */
export const RENDER_OPTIONS = { ...inputOptions(), ...GOAL_OPTIONS } as const;

type Values = Record<string, string | boolean | string[] | undefined>;

/** Options shared with `render`: goal, server, workspace → settings and the issue text. */
export async function readPlanInputs(io: CliIo, values: Values, extra: RawInputs = {}) {
  const str = (name: string) => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  if (str('goal') !== undefined && str('issue-file') !== undefined) throw new UsageError('give --goal or --issue-file, not both');
  let issue: IssueText;
  if (str('issue-file') !== undefined) issue = await readIssueFile(io, str('issue-file')!);
  else if (str('goal') !== undefined) issue = { body: str('goal')! };
  else throw new UsageError('say what to plan: --goal TEXT or --issue-file FILE');
  const workspace = path.resolve(io.cwd, str('workdir') ?? '.');
  const settings = parseSettings({ ...inputsFromFlags(values, io), ...extra }, workspace);
  return { settings, issue, steer: str('steer') };
}

export async function runPlan(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: PLAN_OPTIONS, allowPositionals: false, strict: true });
  if (values.help) {
    io.stdout(PLAN_USAGE);
    return 0;
  }
  const { settings, issue, steer } = await readPlanInputs(io, values);
  const log = streamLog((line) => io.stderr(line), !values.json);
  let outcome: PlanOutcome;
  try {
    // Locally the agent runs as you unless asked: running it as another user needs root or
    // sudo and lends it your checkout for the run, which nobody should get by surprise.
    const deps = { log, isolateAgent: values.isolate === true, writeFiles: true };
    outcome = await planIssue(settings, { issueNumber: issue.number, title: issue.title, body: issue.body, steer }, deps);
  } catch (error) {
    const message = userErrorMessage(error);
    if (message === null) throw error;
    if (values.json) io.stdout(JSON.stringify({ status: 'failed', message }, null, 2));
    else io.stderr(`error: ${message}`);
    return EXIT.error;
  }
  io.stdout(values.json ? JSON.stringify(outcomeJson(outcome, settings.workspace), null, 2) : formatReport(outcome, settings.workspace));
  return EXIT[outcome.status];
}

function outcomeJson(outcome: PlanOutcome, workspace: string) {
  return {
    status: outcome.status,
    message: outcome.message,
    sessionId: outcome.sessionId,
    tasksPath: path.join(workspace, outcome.tasksPath),
    playbookPath: written(outcome).playbook ? path.join(workspace, outcome.playbookPath) : null,
    summary: outcome.summary,
    prompt: outcome.prompt ?? null,
    preflight: { ok: outcome.preflight.ok, checks: outcome.preflight.checks },
    findings: outcome.findings,
    plan: outcome.plan ? planToJson(outcome.plan) : null,
    goalNotices: outcome.goal.notices,
    agentStats: outcome.run ? agentStatsJson(outcome.run.result) : null,
    isolation: outcome.run?.isolation ?? null,
  };
}

function formatReport(outcome: PlanOutcome, workspace: string): string {
  const lines = [`wild-plan: ${outcome.status.toUpperCase()} — ${outcome.message}`, ''];
  if (outcome.prompt) {
    lines.push(`Prompt:   ${describePromptUsed(outcome.prompt).replaceAll('`', '')}`);
    if (outcome.prompt.notice) lines.push(`          ${outcome.prompt.notice.replaceAll('`', '')}`);
    lines.push('');
  }
  lines.push('Preflight', formatPreflightTable(outcome.preflight), '');
  if (outcome.plan && !outcome.plan.abort) {
    lines.push('Plan');
    for (const phase of outcome.plan.phases) lines.push(`  Phase ${phase.number} — ${phase.title} (${phase.tasks.length} tasks)`);
    lines.push('');
  }
  if (outcome.findings.length > 0) {
    lines.push(`Findings (${outcome.findings.length})`);
    for (const f of outcome.findings)
      lines.push(`  ${f.severity.padEnd(7)} ${outcome.tasksPath}${f.line ? `:${f.line}` : ''}  ${f.rule}: ${f.message}`);
    lines.push('');
  }
  if (outcome.summary) lines.push(`Summary: ${outcome.summary}`, '');
  const isolation = outcome.run?.isolation;
  if (isolation) lines.push(`Isolation: ${isolation.isolated ? '' : 'none — '}${isolation.reason}`, '');
  if (written(outcome).tasks) lines.push(`Tasks:    ${path.join(workspace, outcome.tasksPath)}`);
  if (written(outcome).playbook) lines.push(`Playbook: ${path.join(workspace, outcome.playbookPath)}`);
  lines.push(`Session:  ${outcome.sessionId}`);
  return lines.join('\n');
}

/** Which plan files the run wrote into the workdir: a plan's both, an abort its checklist, a plan refused by strict-plan both. */
function written(outcome: PlanOutcome): { tasks: boolean; playbook: boolean } {
  if (outcome.status === 'aborted') return { tasks: true, playbook: false };
  const hasPlan = outcome.status === 'planned' || outcome.plan !== null;
  return { tasks: hasPlan, playbook: hasPlan };
}
