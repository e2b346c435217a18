import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describePersistedCredentials, findPersistedCredentials } from './agent/credential-scan.js';
import { createAgentRunner } from './agent/index.js';
import { prepareIsolation, type Isolation } from './agent/isolation.js';
import { readIfExists, runAgentRounds, tail, errorCount, type RoundsResult } from './agent/rounds.js';
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
import { buildApiCatalog } from './server/api-catalog.js';
import { runPreflight, type PreflightReport } from './server/preflight.js';
import { preflightFailureReasons } from './server/preflight-report.js';
import { describeActivity, startServerProxy } from './server/proxy.js';
import type { OpenApiDocument } from './server/schemas.js';
import { fetchSkill } from './server/skills.js';
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
  /** Whether the agent ran as a user of its own, and how or why not; null when no isolation was asked for or no agent ran. */
  isolation: { isolated: boolean; reason: string } | null;
}

export interface PlanDeps {
  log: Log;
  /** The agent; defaults to the one the settings name. */
  runner?: AgentRunner;
  /** Stops the agent when the run is cancelled. */
  signal?: AbortSignal;
  /**
   * Run the agent as an unprivileged user of this run's own, where the machine allows it (root
   * or passwordless sudo; see agent/isolation.ts), so it cannot read the job's environment or
   * files. Default false: it creates a system user and lends it the workspace, which a caller
   * must ask for. The action asks (ActionDeps.isolateAgent, default true); the CLI with --isolate.
   */
  isolateAgent?: boolean;
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
  const secrets = knownSecrets(settings);
  const redact = (text: string) => redactSecrets(text, secrets);
  const empty = { sessionId, goal, tasksPath, playbookPath, playbook: null, findings: [], agent: null, serverActivity: null, isolation: null };

  // The agent reads .git whoever it runs as: a token an earlier step left there would be handed
  // to untrusted text. Refuse before anything runs.
  const persisted = await findPersistedCredentials(settings.workspace);
  if (persisted.length > 0) throw new UnsafeWorkspaceError(describePersistedCredentials(persisted));

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
    await writeFileIn(absTasks, checklist);
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
      composePrompt(settings, { goal, sessionId, tasksFile: absTasks, openapi: preflight.openapi, serverUrl, auth }),
    );
    const env: Record<string, string> = { WILD_SERVER_URL: serverUrl, WILD_TASKS_PATH: absTasks, WILD_SESSION_ID: sessionId };
    if (auth.kind === 'env' && settings.serverToken) env.WILD_AUTH_TOKEN = settings.serverToken;
    const runner = deps.runner ?? defaultRunner(settings, log);
    await mkdir(path.dirname(absTasks), { recursive: true });
    // After the tasks directory exists, so the agent's user gets it with the rest of the workspace.
    if (deps.isolateAgent) {
      isolation = await prepareIsolation(settings.workspace, { perRun: true });
      if (isolation.isolated) log.info(isolation.reason);
      else log.warning(isolation.reason);
    } else {
      log.info("Agent isolation is off: the agent runs as this process's user.");
    }
    rounds = await runAgentRounds({
      runner,
      prompt,
      workdir: settings.workspace,
      env,
      timeoutMs: settings.agentTimeoutMs,
      tasksFile: absTasks,
      repairRounds: settings.repairRounds,
      log,
      signal: deps.signal,
      redact,
      isolation: isolation?.agent,
    });
    // The agent's name at least, whatever else its runner can tell; the model name it reported
    // goes to the summary and an output like anything else it printed.
    const stats = rounds.round.agent.stats ?? { agent: runner.name };
    rounds.round.agent.stats = stats.model === undefined ? stats : { ...stats, model: redact(stats.model) };
  } finally {
    // First: stop whatever the agent left and take the workspace back before anything reads it.
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

  const { round, plan, findings } = rounds;
  // The summary is the agent's words, posted on the issue and the PR: no secret it printed goes with it.
  const summary = round.transcript.summary === null ? null : redact(round.transcript.summary);
  const common = {
    ...empty,
    preflight,
    summary,
    agent: round.agent,
    serverActivity,
    isolation: isolation ? { isolated: isolation.isolated, reason: isolation.reason } : null,
  };
  if (plan === null || round.planMarkdown === null) {
    const output = tail('The end of its output', redact(round.agent.transcript));
    return { ...common, status: 'invalid', message: `The agent gave no plan: no <plan>…</plan> in its output and no ${tasksPath} on disk.${output}`, planMarkdown: null, plan: null };
  }
  await writeFileIn(absTasks, round.planMarkdown);
  for (const f of findings) log.warning(`${f.rule}: ${f.message}`, { file: tasksPath, line: f.line ?? undefined });
  const playbook = await writePlaybook(settings, log, path.join(settings.workspace, playbookPath), preflight, redact);
  const planned = { ...common, planMarkdown: round.planMarkdown, plan, findings, playbook };

  if (plan.abort) {
    return { ...planned, status: 'aborted', message: 'The agent aborted planning: its own server preflight failed (see the abort checklist).' };
  }
  if (settings.strictPlan && errorCount(findings) > 0) {
    return { ...planned, status: 'invalid', message: `The plan breaks the planning contract in ${errorCount(findings)} place(s) and \`strict-plan\` is on.` };
  }
  const { phases, tasks } = planCounts(plan);
  return { ...planned, status: 'planned', message: `Planned: ${phases} phases, ${tasks} tasks${findings.length ? `, ${findings.length} finding(s) to review` : ''}.` };
}

/** The planning prompt for one goal; the server token is never rendered into it. */
export async function composePrompt(
  settings: Settings,
  input: { goal: GoalResult; sessionId: string; tasksFile: string; openapi?: OpenApiDocument; serverUrl: string; auth: AuthMode },
): Promise<string> {
  const template = await loadTemplateFile(settings.promptFile);
  return renderPrompt(
    template,
    buildPromptValues({
      goal: input.goal.goal,
      workdir: settings.workspace,
      tasksPath: input.tasksFile,
      serverUrl: input.serverUrl,
      sessionId: input.sessionId,
      steer: input.goal.steer,
      apiCatalog: buildApiCatalog(input.openapi ?? { paths: {} }, input.serverUrl),
      auth: input.auth,
    }),
  );
}

/** The agent's own playbook when it has the audit section; else one from the skill catalog. */
async function writePlaybook(settings: Settings, log: Log, file: string, preflight: PreflightReport, redact: (t: string) => string): Promise<string> {
  const own = await readIfExists(file);
  const playbook =
    own && hasAuditSection(own)
      ? redact(own)
      : buildPlaybook({ skills: preflight.skills ?? [], auditSkill: await fetchAuditSkill(settings, log), serverUrl: settings.serverUrl });
  await writeFileIn(file, playbook);
  return playbook;
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
  return [settings.serverToken, settings.githubToken, ...forwarded].filter((secret): secret is string => Boolean(secret));
}

async function writeFileIn(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content, 'utf8');
}
