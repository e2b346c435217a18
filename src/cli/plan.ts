import path from 'node:path';
import { parseArgs } from 'node:util';
import { streamLog } from '../log.js';
import { agentStatsJson } from '../agent/runner.js';
import { UnsafePlanPathError } from '../git/plan-paths.js';
import type { PlanOutcome } from '../planning/outcome.js';
import { AgentFailedError, planIssue, UnsafeWorkspaceError } from '../planning/plan-issue.js';
import { UnsafePathError } from '../sandbox/safe-fs.js';
import { planToJson } from '../plan/present.js';
import { formatPreflightTable } from '../server/preflight-report.js';
import { parseSettings, type RawInputs } from '../settings.js';
import { readIssueFile, UsageError, type CliIo, type IssueText } from './io.js';

export const PLAN_USAGE = `Usage: wild-plan plan (--goal TEXT | --issue-file FILE) --server-url URL --agent-command CMD [options]

Plans one goal in a local repository: preflight the research server, render the planning
prompt, run the agent, check its plan, and write tasks.md and prompt_skill_playbook.md.
Nothing is pushed or posted.

  --goal TEXT                    the research goal (or --issue-file)
  --issue-file FILE              an issue as JSON ({number, title, body}) or markdown (# title, then body)
  --steer TEXT                   extra direction for the planner (a "User Context" section)
  --server-url URL               the research server's base URL (or $WILD_SERVER_URL)
  --server-token TOKEN           its X-Auth-Token; prefer $WILD_SERVER_TOKEN (argv is visible to other users)
  --agent-command CMD            the agent to run; it gets the prompt on stdin and in $WILD_PROMPT_FILE
  --workdir DIR                  the repository to plan in (default: current directory)
  --tasks-path PATH              where the plan goes, inside workdir (default .wild/plans/issue-{number}/tasks.md)
  --prompt-file FILE             a planning prompt of your own (default: the bundled one)
  --agent-timeout-minutes N      default 20
  --preflight-timeout-seconds N  default 10
  --strict-plan                  contract errors make the run invalid (exit 3)
  --no-proxy                     let the agent call the server directly, token in $WILD_AUTH_TOKEN
  --isolate                      run the agent as an unprivileged user of its own (needs root or
                                 passwordless sudo; lends it the workdir for the run)
  --repair-rounds N              times the agent is asked to correct a plan that breaks the contract (default 1)
  --json                         print the outcome as JSON
  -h, --help                     this help

Exit: 0 planned, 2 aborted (server preflight failed), 3 no usable plan, 1 error.`;

export const EXIT = { planned: 0, error: 1, aborted: 2, invalid: 3 } as const;

const OPTIONS = {
  goal: { type: 'string' },
  'issue-file': { type: 'string' },
  steer: { type: 'string' },
  'server-url': { type: 'string' },
  'server-token': { type: 'string' },
  'agent-command': { type: 'string' },
  workdir: { type: 'string' },
  'tasks-path': { type: 'string' },
  'prompt-file': { type: 'string' },
  'agent-timeout-minutes': { type: 'string' },
  'preflight-timeout-seconds': { type: 'string' },
  'strict-plan': { type: 'boolean' },
  'repair-rounds': { type: 'string' },
  'no-proxy': { type: 'boolean' },
  isolate: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Options shared with `render`: goal, server, workspace → settings and the issue text. */
export async function readPlanInputs(
  io: CliIo,
  values: Partial<Record<keyof typeof OPTIONS, string | boolean | undefined>>,
  extra: RawInputs = {},
) {
  const str = (name: keyof typeof OPTIONS) => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  if (str('goal') !== undefined && str('issue-file') !== undefined) throw new UsageError('give --goal or --issue-file, not both');
  let issue: IssueText;
  if (str('issue-file') !== undefined) issue = await readIssueFile(io, str('issue-file')!);
  else if (str('goal') !== undefined) issue = { body: str('goal')! };
  else throw new UsageError('say what to plan: --goal TEXT or --issue-file FILE');
  const workspace = path.resolve(io.cwd, str('workdir') ?? '.');
  const settings = parseSettings(
    {
      'server-url': str('server-url') ?? io.env.WILD_SERVER_URL,
      'server-token': str('server-token') ?? io.env.WILD_SERVER_TOKEN,
      agent: 'command',
      'agent-command': str('agent-command'),
      'tasks-path': str('tasks-path'),
      'prompt-file': str('prompt-file') === undefined ? undefined : path.resolve(io.cwd, str('prompt-file')!),
      'agent-timeout-minutes': str('agent-timeout-minutes'),
      'preflight-timeout-seconds': str('preflight-timeout-seconds'),
      'strict-plan': values['strict-plan'] ? 'true' : undefined,
      'repair-rounds': str('repair-rounds'),
      'server-proxy': values['no-proxy'] ? 'false' : undefined,
      ...extra,
    },
    workspace,
  );
  return { settings, issue, steer: str('steer') };
}

export async function runPlan(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: OPTIONS, allowPositionals: false, strict: true });
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
    if (!(
      error instanceof AgentFailedError ||
      error instanceof UnsafeWorkspaceError ||
      error instanceof UnsafePathError ||
      error instanceof UnsafePlanPathError
    ))
      throw error;
    if (values.json) io.stdout(JSON.stringify({ status: 'failed', message: error.message }, null, 2));
    else io.stderr(`error: ${error.message}`);
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
    preflight: { ok: outcome.preflight.ok, checks: outcome.preflight.checks },
    findings: outcome.findings,
    plan: outcome.plan ? planToJson(outcome.plan) : null,
    goalNotices: outcome.goal.notices,
    agentStats: outcome.run ? agentStatsJson(outcome.run.result) : null,
    isolation: outcome.run?.isolation ?? null,
  };
}

function formatReport(outcome: PlanOutcome, workspace: string): string {
  const lines = [
    `wild-plan: ${outcome.status.toUpperCase()} — ${outcome.message}`,
    '',
    'Preflight',
    formatPreflightTable(outcome.preflight),
    '',
  ];
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
