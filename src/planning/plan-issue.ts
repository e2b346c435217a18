// One planning iteration, as its steps: workspace checks → preflight → scratch copy → agent
// (render, run, read back, repair) → plan files. Returns the plan files' contents; writes them
// into the workspace only when asked (PlanDeps.writeFiles). Publishing is the caller's business.
import path from 'node:path';
import { describePersistedCredentials, findPersistedCredentials } from '../sandbox/credential-scan.js';
import { errorCount, tail } from '../agent/rounds.js';
import type { AgentRunner } from '../agent/runner.js';
import { checkPlanPathsAtBase } from '../git/plan-paths.js';
import { buildGoal, type GoalResult } from '../goal.js';
import { inertText } from '../security/log-safety.js';
import type { Log } from '../log.js';
import { renderAbortChecklist } from '../plan/abort.js';
import { parsePlan } from '../plan/parse.js';
import { buildPlaybook, hasSection, PLAYBOOK_FILE } from '../plan/playbook.js';
import { planCounts } from '../plan/present.js';
import type { Finding } from '../plan/types.js';
import { describePromptUsed } from '../prompt/used.js';
import { newSessionId } from '../prompt/variables.js';
import { redactSecrets } from '../security/redact.js';
import { assertWritableInside, readInside, writeInside } from '../sandbox/safe-fs.js';
import { createScratch, describeChanges, type Scratch } from '../sandbox/scratch.js';
import { runPreflight, type PreflightReport } from '../server/preflight.js';
import { preflightFailureReasons } from '../server/preflight-report.js';
import { fetchSkill } from '../server/skills.js';
import { serverClientOf, tasksPathFor, type Settings } from '../settings.js';
import { runAgentStep, type AgentStepResult } from './agent-step.js';
import type { AgentRun, PlanOutcome, PlanRequest } from './outcome.js';
import { memoriesFor, resolvePrompt, type ResolvedPrompt } from './prompt.js';
import { plural } from '../text/plural.js';
import { groundingStep } from './grounding-step.js';
import { knownSecrets } from './secrets.js';

export { AgentFailedError } from '../agent/rounds.js';
export const ABORT_SUMMARY = 'Server docs/API preflight failed; planning aborted.';

/** The workspace is not safe to hand to the agent (a credential persisted in .git); nothing ran. */
export class UnsafeWorkspaceError extends Error {
  override name = 'UnsafeWorkspaceError';
}

export interface PlanDeps {
  log: Log;
  /** The agent; defaults to the one the settings name. */
  runner?: AgentRunner;
  /** Stops the agent when the run is cancelled. */
  signal?: AbortSignal;
  /**
   * Run the agent as an unprivileged user of this run's own where the machine allows it (root
   * or passwordless sudo; see sandbox/isolation.ts), else in namespaces of its own, so it cannot
   * read the job's environment or files. Default false: it creates a system user, which a caller
   * must ask for. The action asks (ActionDeps.isolateAgent, default true); the CLI with --isolate.
   */
  isolateAgent?: boolean;
  /**
   * Write the two plan files into the workspace (never through a link). The CLI does: that is
   * where its user looks. The action only with `write-plan-files`: the job's checkout is left
   * exactly as it was, and the plan is on its branch.
   */
  writeFiles?: boolean;
  /**
   * What the caller does meanwhile and must have done before the agent starts (the action's 👀
   * and "planning" comment): it runs beside the workspace checks and the preflight. A rejection
   * stops the iteration there.
   */
  beforeAgent?: Promise<unknown>;
}

/** What every step of one iteration shares. */
interface Iteration {
  goal: GoalResult;
  sessionId: string;
  tasksPath: string;
  playbookPath: string;
  redact: (text: string) => string;
  /** Writes a plan file into the workspace when the caller asked for it. */
  writeOut: (rel: string, content: string) => void;
  /** The planning prompt, once chosen. */
  prompt?: ResolvedPrompt;
}

export async function planIssue(settings: Settings, request: PlanRequest, deps: PlanDeps): Promise<PlanOutcome> {
  const { log } = deps;
  const it = begin(settings, request, deps);
  await checkWorkspace(settings, it, deps);
  const prompt = await log.group('Planning prompt', () => resolvePrompt(settings, log));
  it.prompt = prompt;
  log.info(`Planning with ${describePromptUsed(prompt.used).replaceAll('`', '')}`);
  const memories = memoriesFor(settings, prompt, log);
  const preflight = await preflightStep(settings, prompt, log);
  if (!preflight.ok) return abortAtPreflight(settings, it, preflight);
  // Everything the server is asked for is asked before the agent starts.
  const protocolSkill = fetchProtocolSkill(settings, prompt, log);
  const scratch = await log.group('Scratch copy for the agent', async () => {
    const made = await createScratch(settings.workspace);
    log.info(`the agent works in a copy of ${made.source}; the checkout is left as it is`);
    return made;
  });
  try {
    await deps.beforeAgent;
    const ran = await runAgentStep(settings, deps, {
      scratch,
      goal: it.goal,
      sessionId: it.sessionId,
      tasksPath: it.tasksPath,
      preflight,
      prompt,
      memories: await memories,
      redact: it.redact,
    });
    return await planStep(settings, it, { scratch, ran, preflight, protocolSkill: await protocolSkill }, log);
  } finally {
    await scratch
      .dispose()
      .catch((error: Error) => log.warning(`could not remove the agent's scratch copy ${scratch.root}: ${error.message}`));
  }
}

function begin(settings: Settings, request: PlanRequest, deps: PlanDeps): Iteration {
  const goal = buildGoal({ title: request.title, body: request.body, steer: request.steer });
  for (const notice of goal.notices) deps.log.warning(notice);
  const tasksPath = tasksPathFor(settings, request.issueNumber);
  const secrets = knownSecrets(settings);
  return {
    goal,
    sessionId: newSessionId(),
    tasksPath,
    playbookPath: path.posix.join(path.posix.dirname(tasksPath), PLAYBOOK_FILE),
    redact: (text) => redactSecrets(text, secrets),
    writeOut: (rel, content) => (deps.writeFiles ? writeInside(settings.workspace, rel, content) : undefined),
  };
}

/**
 * Before anything runs: a token an earlier step left in .git would be within reach of an agent
 * that is not isolated, a plan path onto a file of the repository would replace it, and a link
 * on the way to where the plan files go would take the write elsewhere.
 */
async function checkWorkspace(settings: Settings, it: Iteration, deps: PlanDeps): Promise<void> {
  const persisted = await findPersistedCredentials(settings.workspace);
  if (persisted.length > 0) throw new UnsafeWorkspaceError(describePersistedCredentials(persisted));
  await checkPlanPathsAtBase(settings.workspace, { tasksPath: it.tasksPath, playbookPath: it.playbookPath });
  if (deps.writeFiles) for (const rel of [it.tasksPath, it.playbookPath]) assertWritableInside(settings.workspace, rel);
}

/** The checks the prompt's own preflight block names, done once by wild-plan with the token. */
function preflightStep(settings: Settings, prompt: ResolvedPrompt, log: Log): Promise<PreflightReport> {
  return log.group('Preflight: research server', async () => {
    if (prompt.contract.defaultPreflight)
      log.info('The prompt has no preflight block: checking the four endpoints every known version checks.');
    const report = await runPreflight({ ...serverClientOf(settings), paths: prompt.contract.preflightPaths });
    // Reasons quote the server's replies: printed inert.
    for (const check of report.checks) {
      log.info(
        inertText(
          `${check.ok ? 'ok  ' : 'FAIL'} ${check.path} ${check.status ?? '-'} ${check.ms} ms${check.reason ? ` — ${check.reason}` : ''}`,
        ),
      );
    }
    return report;
  });
}

/** Abort mode exactly as the prompt defines it: the all-checked checklist, no agent run. */
function abortAtPreflight(settings: Settings, it: Iteration, preflight: PreflightReport): PlanOutcome {
  const reasons = preflightFailureReasons(preflight);
  const checklist = renderAbortChecklist(reasons);
  it.writeOut(it.tasksPath, checklist);
  return {
    status: 'aborted',
    message: `Planning aborted: the research server at ${settings.serverUrl} failed preflight (${reasons.join('; ')}).`,
    ...identity(it),
    preflight,
    findings: [],
    summary: ABORT_SUMMARY,
    checklist,
    plan: parsePlan(checklist),
    run: null,
  };
}

/** The plan step: what the agent left, checked, with the playbook beside it. */
async function planStep(
  settings: Settings,
  it: Iteration,
  input: {
    scratch: Scratch;
    ran: AgentStepResult;
    preflight: PreflightReport;
    protocolSkill: Awaited<ReturnType<typeof fetchSkill>> | null;
  },
  log: Log,
): Promise<PlanOutcome> {
  const { rounds, serverActivity, isolation } = input.ran;
  const { round, plan } = rounds;
  const changes = await input.scratch.changes([it.tasksPath, it.playbookPath]);
  const changed = describeChanges(changes);
  // One line (paths are JSON-quoted); a warning's text is escaped by the runner's own command syntax.
  if (changed) log.warning(`The agent also changed its copy of the repository (not committed, not in the checkout): ${changed}`);
  const run: AgentRun = {
    result: round.agent,
    serverActivity,
    isolation: isolation ? { isolated: isolation.isolated, kind: isolation.kind, reason: isolation.reason } : null,
    changes: changed === null ? null : { ...changes, description: changed },
  };
  // The summary is the agent's words, posted on the issue and the PR: no secret it printed goes with it.
  const summary = round.transcript.summary === null ? null : it.redact(round.transcript.summary);
  const common = { ...identity(it), preflight: input.preflight, summary, run };
  const findings = round.refused ? [...rounds.findings, refusedFinding(round.refused)] : rounds.findings;
  if (plan === null || round.planMarkdown === null) {
    const output = tail('The end of its output', it.redact(round.agent.transcript));
    const why = round.refused ? ` (${round.refused}: ignored)` : '';
    const message = `The agent gave no plan: no <plan>…</plan> in its output and no ${round.refused ? 'usable ' : ''}${it.tasksPath} on disk${why}.${output}`;
    return { ...common, status: 'invalid', message, findings, plan: null };
  }
  it.writeOut(it.tasksPath, round.planMarkdown);
  const own = readInside(input.scratch.work, it.playbookPath);
  if (own.kind === 'refused') log.warning(`${own.reason}: ignored, as if the agent had written none`);
  const grounded = [...findings, ...(await groundingStep(settings.workspace, plan, input.preflight, log))];
  const allFindings = own.kind === 'refused' ? [...grounded, refusedFinding(own.reason)] : grounded;
  for (const f of allFindings) log.warning(`${f.rule}: ${f.message}`, { file: it.tasksPath, line: f.line ?? undefined });
  if (plan.abort) {
    const message = 'The agent aborted planning: its own server preflight failed (see the abort checklist).';
    return { ...common, status: 'aborted', message, findings: allFindings, checklist: round.planMarkdown, plan };
  }
  const { contract } = it.prompt!;
  // The agent's own playbook stands when it has the section the prompt requires (any, when it requires none).
  const section = contract.playbookSection;
  const playbook =
    own.kind === 'file' && (section === null || hasSection(own.text, [section]))
      ? it.redact(own.text)
      : buildPlaybook({
          skills: input.preflight.skills ?? [],
          protocolSkill: input.protocolSkill,
          protocolSkillId: contract.protocolSkillId,
          section,
          serverUrl: settings.serverUrl,
        });
  it.writeOut(it.playbookPath, playbook);
  const errors = errorCount(allFindings);
  if (settings.strictPlan && errors > 0) {
    return {
      ...common,
      status: 'invalid',
      message: `The plan breaks the planning contract in ${plural(errors, 'place')} and \`strict-plan\` is on.`,
      findings: allFindings,
      plan,
    };
  }
  const { phases, tasks } = planCounts(plan);
  const n = allFindings.length;
  const message = `Planned: ${plural(phases, 'phase')}, ${plural(tasks, 'task')}${n ? `, ${plural(n, 'finding')} to review` : ''}.`;
  return { ...common, status: 'planned', message, findings: allFindings, plan, planMarkdown: round.planMarkdown, playbook };
}

function identity(it: Iteration) {
  return {
    sessionId: it.sessionId,
    goal: it.goal,
    tasksPath: it.tasksPath,
    playbookPath: it.playbookPath,
    prompt: it.prompt?.used,
    limits: it.prompt?.contract.limits,
  };
}

/** A file the agent left that was not read back, as a finding people see beside the plan's. */
function refusedFinding(reason: string): Finding {
  return { rule: 'agent-file-refused', severity: 'warning', line: null, message: `${reason}: ignored, as if the agent had written none.` };
}

/** The prompt's mandatory protocol skill for the playbook; a flaky server here costs the section, not the plan. */
async function fetchProtocolSkill(settings: Settings, prompt: ResolvedPrompt, log: Log) {
  const id = prompt.contract.protocolSkillId;
  if (id === null) return null;
  try {
    return await fetchSkill(serverClientOf(settings), id);
  } catch (error) {
    log.warning(`could not fetch ${id}: ${(error as Error).message}`);
    return null;
  }
}
