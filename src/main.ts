import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CommandRunner } from './agent/command.js';
import type { AgentRunner, AgentRunResult } from './agent/runner.js';
import { parseTranscript } from './agent/transcript.js';
import { buildGoal, type GoalResult } from './goal.js';
import type { Log } from './log.js';
import { renderAbortChecklist } from './plan/abort.js';
import { checkPlan } from './plan/check.js';
import { parsePlan } from './plan/parse.js';
import { AUDIT_SKILL_ID, buildPlaybook, hasAuditSection, PLAYBOOK_FILE } from './plan/playbook.js';
import { planCounts } from './plan/present.js';
import type { Finding, Plan } from './plan/types.js';
import { renderPrompt } from './prompt/render.js';
import { renderRepairPrompt } from './prompt/repair.js';
import { loadTemplateFile } from './prompt/template.js';
import { buildPromptValues, newSessionId } from './prompt/variables.js';
import { buildApiCatalog } from './server/api-catalog.js';
import { runPreflight, type PreflightReport } from './server/preflight.js';
import type { OpenApiDocument } from './server/schemas.js';
import { preflightFailureReasons } from './server/preflight-report.js';
import { fetchSkill } from './server/skills.js';
import { tasksPathFor, type Settings } from './settings.js';

export const ABORT_SUMMARY = 'Server docs/API preflight failed; planning aborted.';

/** What to plan: an issue's text (or a goal typed by hand) and an optional steer. */
export interface PlanRequest {
  issueNumber?: number;
  title?: string;
  body?: string | null;
  steer?: string;
}

export type PlanStatus = 'planned' | 'aborted' | 'invalid';

export interface PlanOutcome {
  status: PlanStatus;
  /** One line for people: what happened and, when it did not work, what to do. */
  message: string;
  sessionId: string;
  goal: GoalResult;
  preflight: PreflightReport;
  /** Workspace-relative paths of the two plan files. */
  tasksPath: string;
  playbookPath: string;
  /** The tasks markdown as written to tasksPath (the abort checklist when aborted). */
  planMarkdown: string | null;
  playbook: string | null;
  plan: Plan | null;
  findings: Finding[];
  summary: string | null;
  agent: AgentRunResult | null;
}

export interface PlanDeps {
  log: Log;
  /** The agent; defaults to the one the settings name. */
  runner?: AgentRunner;
  /** Stops the agent when the run is cancelled. */
  signal?: AbortSignal;
}

/** The agent exited badly or ran out of time: an error, not a plan verdict. */
export class AgentFailedError extends Error {
  override name = 'AgentFailedError';
}

/**
 * One planning iteration in the workspace: goal → preflight → render → agent → plan files.
 * Writes only tasks.md and the playbook; publishing them is the caller's business.
 */
export async function planIssue(settings: Settings, request: PlanRequest, deps: PlanDeps): Promise<PlanOutcome> {
  const { log } = deps;
  const goal = buildGoal({ title: request.title, body: request.body, steer: request.steer });
  for (const notice of goal.notices) log.warning(notice);
  const sessionId = newSessionId();
  const tasksPath = tasksPathFor(settings, request.issueNumber);
  const playbookPath = path.posix.join(path.posix.dirname(tasksPath), PLAYBOOK_FILE);
  const absTasks = path.join(settings.workspace, tasksPath);
  const absPlaybook = path.join(settings.workspace, playbookPath);
  const base = { sessionId, goal, tasksPath, playbookPath };

  const preflight = await deps.log.group('Preflight: research server', async () => {
    const report = await runPreflight({
      serverUrl: settings.serverUrl,
      token: settings.serverToken,
      timeoutMs: settings.preflightTimeoutMs,
    });
    for (const check of report.checks) {
      log.info(`${check.ok ? 'ok  ' : 'FAIL'} ${check.path} ${check.status ?? '-'} ${check.ms} ms${check.reason ? ` — ${check.reason}` : ''}`);
    }
    return report;
  });

  if (!preflight.ok) {
    const reasons = preflightFailureReasons(preflight);
    const checklist = renderAbortChecklist(reasons);
    await writeFileIn(absTasks, checklist);
    return {
      ...base,
      status: 'aborted',
      message: `Planning aborted: the research server at ${settings.serverUrl} failed preflight (${reasons.join('; ')}).`,
      preflight,
      planMarkdown: checklist,
      playbook: null,
      plan: parsePlan(checklist),
      findings: [],
      summary: ABORT_SUMMARY,
      agent: null,
    };
  }

  const prompt = await log.group('Render the planning prompt', () =>
    composePrompt(settings, { goal, sessionId, tasksFile: absTasks, openapi: preflight.openapi }),
  );

  const runner = deps.runner ?? defaultRunner(settings);
  const env: Record<string, string> = { WILD_SERVER_URL: settings.serverUrl, WILD_TASKS_PATH: absTasks, WILD_SESSION_ID: sessionId };
  if (settings.serverToken) env.WILD_AUTH_TOKEN = settings.serverToken;
  await mkdir(path.dirname(absTasks), { recursive: true });
  const runAgent = (title: string, text: string) =>
    log.group(`${title}: ${runner.name}`, async () => {
      const result = await runner.run({ prompt: text, workdir: settings.workspace, env, timeoutMs: settings.agentTimeoutMs, signal: deps.signal });
      log.info(`agent finished in ${Math.round(result.durationMs / 1000)} s (exit ${result.exitCode ?? result.signal})`);
      assertAgentSucceeded(result, settings);
      const transcript = parseTranscript(result.transcript);
      return { agent: result, transcript, planMarkdown: redact(transcript.plan ?? (await readIfExists(absTasks)), settings) };
    });

  let run = await runAgent('Agent', prompt);
  if (!run.planMarkdown?.trim()) {
    return {
      ...base,
      status: 'invalid',
      message: `The agent gave no plan: no <plan>…</plan> in its output and no ${tasksPath} on disk.${tail('The end of its output', redact(run.agent.transcript, settings) ?? '')}`,
      preflight,
      planMarkdown: null,
      playbook: null,
      plan: null,
      findings: [],
      summary: run.transcript.summary,
      agent: run.agent,
    };
  }
  let planMarkdown = run.planMarkdown;
  let plan = parsePlan(planMarkdown);
  let findings = checkPlan(plan);
  for (let round = 1; round <= settings.repairRounds && !plan.abort && hasErrors(findings); round++) {
    log.info(`The plan breaks the contract in ${findings.filter((f) => f.severity === 'error').length} place(s); asking the agent to correct it (round ${round} of ${settings.repairRounds}).`);
    await writeFileIn(absTasks, planMarkdown);
    const repaired = await runAgent(`Repair round ${round}`, renderRepairPrompt(prompt, planMarkdown, findings, absTasks));
    if (!repaired.planMarkdown?.trim()) continue;
    run = repaired;
    planMarkdown = repaired.planMarkdown;
    plan = parsePlan(planMarkdown);
    findings = checkPlan(plan);
  }
  await writeFileIn(absTasks, planMarkdown);
  for (const finding of findings) {
    log.warning(`${finding.rule}: ${finding.message}`, { file: tasksPath, line: finding.line ?? undefined });
  }
  const { agent, transcript } = run;

  const agentPlaybook = await readIfExists(absPlaybook);
  const playbook =
    agentPlaybook && hasAuditSection(agentPlaybook)
      ? redact(agentPlaybook, settings)!
      : buildPlaybook({
          skills: preflight.skills ?? [],
          auditSkill: await fetchAuditSkill(settings, log),
          serverUrl: settings.serverUrl,
        });
  await writeFileIn(absPlaybook, playbook);

  const common = { ...base, preflight, planMarkdown, playbook, plan, findings, summary: transcript.summary, agent };
  if (plan.abort) {
    return { ...common, status: 'aborted', message: 'The agent aborted planning: its own server preflight failed (see the abort checklist).' };
  }
  if (settings.strictPlan && hasErrors(findings)) {
    const errors = findings.filter((f) => f.severity === 'error').length;
    return { ...common, status: 'invalid', message: `The plan breaks the planning contract in ${errors} place(s) and \`strict-plan\` is on.` };
  }
  const { phases, tasks } = planCounts(plan);
  const counts = `${phases} phases, ${tasks} tasks`;
  return {
    ...common,
    status: 'planned',
    message: `Planned: ${counts}${findings.length ? `, ${findings.length} finding(s) to review` : ''}.`,
  };
}

/** The planning prompt for one goal; the server token is referenced, never rendered. */
export async function composePrompt(
  settings: Settings,
  input: { goal: GoalResult; sessionId: string; tasksFile: string; openapi?: OpenApiDocument },
): Promise<string> {
  const template = await loadTemplateFile(settings.promptFile);
  return renderPrompt(
    template,
    buildPromptValues({
      goal: input.goal.goal,
      workdir: settings.workspace,
      tasksPath: input.tasksFile,
      serverUrl: settings.serverUrl,
      sessionId: input.sessionId,
      steer: input.goal.steer,
      apiCatalog: buildApiCatalog(input.openapi ?? { paths: {} }, settings.serverUrl),
      auth: settings.serverToken ? { kind: 'env', envVar: 'WILD_AUTH_TOKEN' } : { kind: 'none' },
    }),
  );
}

const hasErrors = (findings: Finding[]) => findings.some((f) => f.severity === 'error');

function assertAgentSucceeded(agent: AgentRunResult, settings: Settings): void {
  if (agent.timedOut) {
    throw new AgentFailedError(
      `The agent did not finish within ${settings.agentTimeoutMs / 60_000} minutes and was stopped. Raise \`agent-timeout-minutes\` or make the agent's planning lighter.`,
    );
  }
  if (agent.exitCode !== 0) {
    const how = agent.exitCode === null ? `signal ${agent.signal}` : `code ${agent.exitCode}`;
    throw new AgentFailedError(`The agent exited with ${how}.${tail('Its last error output', redact(agent.stderrTail, settings) ?? '')}`);
  }
}

/** The audit protocol for the playbook; a flaky server here costs the section, not the plan. */
async function fetchAuditSkill(settings: Settings, log: Log) {
  try {
    return await fetchSkill({ serverUrl: settings.serverUrl, token: settings.serverToken, timeoutMs: settings.preflightTimeoutMs }, AUDIT_SKILL_ID);
  } catch (error) {
    log.warning(`could not fetch ${AUDIT_SKILL_ID}: ${(error as Error).message}`);
    return null;
  }
}

function defaultRunner(settings: Settings): AgentRunner {
  // settings.ts guarantees a command for the `command` agent, the only one built so far.
  return new CommandRunner({ command: settings.agentCommand ?? '' });
}

/** Known secrets never reach a file we write, whatever the agent printed. */
function redact(text: string | null, settings: Settings): string | null {
  if (text === null) return null;
  let out = text;
  for (const secret of [settings.serverToken, settings.githubToken]) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

function tail(label: string, text: string, max = 1200): string {
  const t = text.trim();
  if (!t) return '';
  return `\n${label}:\n${t.length > max ? `…${t.slice(-max)}` : t}`;
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function writeFileIn(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content, 'utf8');
}
