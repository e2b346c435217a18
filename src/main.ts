import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describePersistedCredentials, findPersistedCredentials } from './agent/credential-scan.js';
import { createAgentRunner } from './agent/index.js';
import { prepareIsolation, type Isolation } from './sandbox/isolation.js';
import { runAgentRounds, tail, errorCount, type RoundsResult } from './agent/rounds.js';
import { checkPlanPathsAtBase } from './git/plan-paths.js';
import type { AgentRunner, AgentRunResult } from './agent/runner.js';
import { buildGoal, type GoalResult } from './goal.js';
import { inertText } from './log-safety.js';
import type { Log } from './log.js';
import { renderAbortChecklist } from './plan/abort.js';
import { parsePlan } from './plan/parse.js';
import { AUDIT_SKILL_ID, buildPlaybook, hasAuditSection, PLAYBOOK_FILE } from './plan/playbook.js';
import { planCounts } from './plan/present.js';
import type { Finding, Plan } from './plan/types.js';
import { renderPrompt } from './prompt/render.js';
import { loadTemplateFile } from './prompt/template.js';
import { buildPromptValues, newSessionId, type AuthMode } from './prompt/variables.js';
import { redactSecrets } from './redact.js';
import { runnerCredentials } from './runner-secrets.js';
import { buildApiCatalog } from './server/api-catalog.js';
import { runPreflight, type PreflightReport } from './server/preflight.js';
import { preflightFailureReasons } from './server/preflight-report.js';
import { describeActivity, startServerProxy } from './server/proxy.js';
import type { OpenApiDocument } from './server/schemas.js';
import { fetchSkill } from './server/skills.js';
import { assertWritableInside, readInside, writeInside } from './sandbox/safe-fs.js';
import { createScratch, describeChanges, type Scratch, type TreeChanges } from './sandbox/scratch.js';
import { agentSettingsOf, tasksPathFor, type Settings } from './settings.js';

export { AgentFailedError } from './agent/rounds.js';
export const ABORT_SUMMARY = 'Server docs/API preflight failed; planning aborted.';

/** The workspace is not safe to hand to the agent (a credential persisted in .git); nothing ran. */
export class UnsafeWorkspaceError extends Error {
  override name = 'UnsafeWorkspaceError';
}

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
  /** What the agent did on the research server, from the loopback proxy ("created 1 sweep…"). */
  serverActivity: string | null;
  /** Whether the agent ran as a user of its own (or in namespaces), and how or why not; null when no isolation was asked for or no agent ran. */
  isolation: { isolated: boolean; kind: Isolation['kind']; reason: string } | null;
  /** What the agent changed in its copy beyond the plan files (never committed, never in the checkout); null when nothing. */
  agentChanges: (TreeChanges & { description: string }) | null;
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
}

/**
 * One planning iteration: goal → preflight → render → agent (in a scratch copy of the base
 * commit) → plan. Returns the plan files' contents; writes them into the workspace only when
 * asked (PlanDeps.writeFiles). Publishing them is the caller's business.
 */
export async function planIssue(settings: Settings, request: PlanRequest, deps: PlanDeps): Promise<PlanOutcome> {
  const { log } = deps;
  const goal = buildGoal({ title: request.title, body: request.body, steer: request.steer });
  for (const notice of goal.notices) log.warning(notice);
  const sessionId = newSessionId();
  const tasksPath = tasksPathFor(settings, request.issueNumber);
  const playbookPath = path.posix.join(path.posix.dirname(tasksPath), PLAYBOOK_FILE);
  const secrets = knownSecrets(settings);
  const redact = (text: string) => redactSecrets(text, secrets);
  const writeOut = (rel: string, content: string) => (deps.writeFiles ? writeInside(settings.workspace, rel, content) : undefined);
  const empty = { sessionId, goal, tasksPath, playbookPath, playbook: null, findings: [], agent: null, serverActivity: null, isolation: null, agentChanges: null };

  // Before anything runs: a token an earlier step left in .git would be within reach of an agent
  // that is not isolated, and a plan path onto a file of the repository would replace it.
  const persisted = await findPersistedCredentials(settings.workspace);
  if (persisted.length > 0) throw new UnsafeWorkspaceError(describePersistedCredentials(persisted));
  await checkPlanPathsAtBase(settings.workspace, { tasksPath, playbookPath });
  if (deps.writeFiles) for (const rel of [tasksPath, playbookPath]) assertWritableInside(settings.workspace, rel);

  const preflight = await log.group('Preflight: research server', async () => {
    const report = await runPreflight({ serverUrl: settings.serverUrl, token: settings.serverToken, timeoutMs: settings.preflightTimeoutMs });
    // Reasons quote the server's replies: printed inert.
    for (const check of report.checks) {
      log.info(inertText(`${check.ok ? 'ok  ' : 'FAIL'} ${check.path} ${check.status ?? '-'} ${check.ms} ms${check.reason ? ` — ${check.reason}` : ''}`));
    }
    return report;
  });
  if (!preflight.ok) {
    const reasons = preflightFailureReasons(preflight);
    const checklist = renderAbortChecklist(reasons);
    writeOut(tasksPath, checklist);
    return {
      ...empty,
      status: 'aborted',
      message: `Planning aborted: the research server at ${settings.serverUrl} failed preflight (${reasons.join('; ')}).`,
      preflight,
      planMarkdown: checklist,
      plan: parsePlan(checklist),
      summary: ABORT_SUMMARY,
    };
  }

  // The audit skill goes into the playbook unless the agent writes that section: asked now,
  // before the agent runs, like everything else asked of the server.
  const auditSkill = fetchAuditSkill(settings, log);
  const scratch = await log.group('Scratch copy for the agent', async () => {
    const made = await createScratch(settings.workspace);
    log.info(`the agent works in a copy of ${made.source}; the checkout is left as it is`);
    return made;
  });
  try {
    const { rounds, serverActivity, isolation } = await runAgentInScratch(settings, deps, { scratch, goal, sessionId, tasksPath, preflight, redact });
    const agentChanges = await scratch.changes([tasksPath, playbookPath]);
    const changed = describeChanges(agentChanges);
    // One line (paths are JSON-quoted); a warning's text is escaped by the runner's own command syntax.
    if (changed) log.warning(`The agent also changed its copy of the repository (not committed, not in the checkout): ${changed}`);

    const { round, plan } = rounds;
    const findings = round.refused ? [...rounds.findings, refusedFinding(round.refused)] : rounds.findings;
    // The summary is the agent's words, posted on the issue and the PR: no secret it printed goes with it.
    const summary = round.transcript.summary === null ? null : redact(round.transcript.summary);
    const common = {
      ...empty,
      preflight,
      summary,
      agent: round.agent,
      serverActivity,
      isolation: isolation ? { isolated: isolation.isolated, kind: isolation.kind, reason: isolation.reason } : null,
      agentChanges: changed === null ? null : { ...agentChanges, description: changed },
    };
    if (plan === null || round.planMarkdown === null) {
      const output = tail('The end of its output', redact(round.agent.transcript));
      const why = round.refused ? ` (${round.refused}: ignored)` : '';
      const message = `The agent gave no plan: no <plan>…</plan> in its output and no ${round.refused ? 'usable ' : ''}${tasksPath} on disk${why}.${output}`;
      return { ...common, findings, status: 'invalid', message, planMarkdown: null, plan: null };
    }
    writeOut(tasksPath, round.planMarkdown);
    const own = readInside(scratch.work, playbookPath);
    if (own.kind === 'refused') log.warning(`${own.reason}: ignored, as if the agent had written none`);
    const allFindings = own.kind === 'refused' ? [...findings, refusedFinding(own.reason)] : findings;
    for (const f of allFindings) log.warning(`${f.rule}: ${f.message}`, { file: tasksPath, line: f.line ?? undefined });
    const playbook =
      own.kind === 'file' && hasAuditSection(own.text)
        ? redact(own.text)
        : buildPlaybook({ skills: preflight.skills ?? [], auditSkill: await auditSkill, serverUrl: settings.serverUrl });
    writeOut(playbookPath, playbook);
    const planned = { ...common, planMarkdown: round.planMarkdown, plan, findings: allFindings, playbook };

    if (plan.abort) {
      return { ...planned, status: 'aborted', message: 'The agent aborted planning: its own server preflight failed (see the abort checklist).' };
    }
    const errors = errorCount(allFindings);
    if (settings.strictPlan && errors > 0) {
      return { ...planned, status: 'invalid', message: `The plan breaks the planning contract in ${errors} place(s) and \`strict-plan\` is on.` };
    }
    const { phases, tasks } = planCounts(plan);
    const n = allFindings.length;
    return { ...planned, status: 'planned', message: `Planned: ${phases} phases, ${tasks} tasks${n ? `, ${n} finding(s) to review` : ''}.` };
  } finally {
    await scratch.dispose().catch((error: Error) => log.warning(`could not remove the agent's scratch copy ${scratch.root}: ${error.message}`));
  }
}

/** A file the agent left that was not read back, as a finding people see beside the plan's. */
function refusedFinding(reason: string): Finding {
  return { rule: 'agent-file-refused', severity: 'warning', line: null, message: `${reason}: ignored, as if the agent had written none.` };
}

interface AgentRunInput {
  scratch: Scratch;
  goal: GoalResult;
  sessionId: string;
  tasksPath: string;
  preflight: PreflightReport;
  redact: (text: string) => string;
}

/**
 * The agent's run in its scratch copy, behind the loopback proxy, as its own user or in its own
 * namespaces where the runner allows. Returns once nothing of it is left running and the copy is
 * ours again, so what is read back afterwards cannot change under us.
 */
async function runAgentInScratch(settings: Settings, deps: PlanDeps, input: AgentRunInput) {
  const { log } = deps;
  const { scratch, tasksPath } = input;
  const agentTasks = path.join(scratch.work, tasksPath);
  // The agent's view of the server: a loopback proxy that adds the token (default), or the
  // server itself with the token in $WILD_AUTH_TOKEN. The proxy's lines name paths the agent
  // chose, so they are printed inert.
  const proxy = settings.serverProxy
    ? await startServerProxy({ target: settings.serverUrl, token: settings.serverToken, log: (line) => log.info(inertText(line)) })
    : null;
  let rounds: RoundsResult | undefined;
  let serverActivity: string | null = null;
  let isolation: Isolation | null = null;
  let restoreError: Error | undefined;
  try {
    const serverUrl = proxy?.url ?? settings.serverUrl;
    const auth: AuthMode = proxy ? { kind: 'proxy' } : settings.serverToken ? { kind: 'env', envVar: 'WILD_AUTH_TOKEN' } : { kind: 'none' };
    const prompt = await log.group('Render the planning prompt', () =>
      composePrompt(settings, { goal: input.goal, sessionId: input.sessionId, workdir: scratch.work, tasksFile: agentTasks, openapi: input.preflight.openapi, serverUrl, auth }),
    );
    const env: Record<string, string> = { WILD_SERVER_URL: serverUrl, WILD_TASKS_PATH: agentTasks, WILD_SESSION_ID: input.sessionId };
    if (auth.kind === 'env' && settings.serverToken) env.WILD_AUTH_TOKEN = settings.serverToken;
    const runner = deps.runner ?? defaultRunner(settings, log);
    // Ours, before the copy is lent: the agent finds the directory it is told to write to.
    await mkdir(path.dirname(agentTasks), { recursive: true });
    // Recorded while the copy is ours to read (lent, it may be closed to us through sudo).
    await scratch.record();
    if (deps.isolateAgent) {
      isolation = await prepareIsolation(scratch.root, { perRun: true, sandboxHide: [settings.workspace] });
      if (isolation.isolated) log.info(isolation.reason);
      else log.warning(isolation.reason);
    } else {
      log.info("Agent isolation is off: the agent runs as this process's user.");
    }
    rounds = await runAgentRounds({
      runner,
      prompt,
      workdir: scratch.work,
      env,
      timeoutMs: settings.agentTimeoutMs,
      tasksFile: agentTasks,
      readTasks: async () => {
        await isolation?.takeBack?.();
        return readInside(scratch.work, tasksPath);
      },
      beforeRun: async () => isolation?.lendAgain?.(),
      repairRounds: settings.repairRounds,
      log,
      signal: deps.signal,
      redact: input.redact,
      isolation: isolation?.agent,
    });
    // The agent's name at least, whatever else its runner can tell; the model name it reported
    // goes to the summary and an output like anything else it printed.
    const stats = rounds.round.agent.stats ?? { agent: runner.name };
    rounds.round.agent.stats = stats.model === undefined ? stats : { ...stats, model: input.redact(stats.model) };
  } finally {
    // First: stop whatever the agent left and take the copy back before anything reads it.
    await isolation?.restore().catch((error: Error) => {
      restoreError = error;
      log.error(error.message);
    });
    if (proxy) {
      await proxy.close();
      serverActivity = describeActivity(proxy.activity());
      log.info(inertText(`The agent on the research server: ${serverActivity}`));
    }
  }
  if (restoreError) throw restoreError;
  return { rounds: rounds!, serverActivity, isolation };
}

/** The planning prompt for one goal; the server token is never rendered into it. */
export async function composePrompt(
  settings: Settings,
  input: { goal: GoalResult; sessionId: string; workdir?: string; tasksFile: string; openapi?: OpenApiDocument; serverUrl: string; auth: AuthMode },
): Promise<string> {
  const template = await loadTemplateFile(settings.promptFile);
  return renderPrompt(
    template,
    buildPromptValues({
      goal: input.goal.goal,
      workdir: input.workdir ?? settings.workspace,
      tasksPath: input.tasksFile,
      serverUrl: input.serverUrl,
      sessionId: input.sessionId,
      steer: input.goal.steer,
      apiCatalog: buildApiCatalog(input.openapi ?? { paths: {} }, input.serverUrl),
      auth: input.auth,
    }),
  );
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

function defaultRunner(settings: Settings, log: Log): AgentRunner {
  return createAgentRunner({ ...agentSettingsOf(settings), log: (line) => log.info(line) });
}

/** Values of `agent-env` shorter than this are not treated as secrets (no key is that short). */
const MIN_FORWARDED_SECRET_LENGTH = 8;

/**
 * What must never reach a file we write, a comment, the summary or the log, whatever the agent
 * printed: both tokens, and the values of the variables `agent-env` forwards to the agent (its
 * provider's API key). redactSecrets also covers their base64 forms and token-shaped strings.
 */
export function knownSecrets(settings: Pick<Settings, 'serverToken' | 'githubToken' | 'agentEnv'>, env: NodeJS.ProcessEnv = process.env): string[] {
  const forwarded = settings.agentEnv.map((name) => env[name] ?? '').filter((value) => value.trim().length >= MIN_FORWARDED_SECRET_LENGTH);
  // And whatever the runner holds that is named like a credential (ACTIONS_RUNTIME_TOKEN, an
  // `env:` secret of the step): defence in depth behind the sandbox, which keeps them from the agent.
  const all = [settings.serverToken, settings.githubToken, ...forwarded, ...runnerCredentials(env)];
  return [...new Set(all.filter((secret): secret is string => Boolean(secret)))];
}
