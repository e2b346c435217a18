import * as core from '@actions/core';
import { authSecrets } from '../git/auth.js';
import { createGitHubClient } from '../github/client.js';
import { inertText } from '../security/log-safety.js';
import type { Log } from '../log.js';
import { knownSecrets } from '../planning/secrets.js';
import { secretRedactor } from '../security/redact.js';
import { runnerCredentials } from '../security/runner-secrets.js';
import { INPUT_NAMES, parseSettings, type RawInputs } from '../settings.js';
import { readActionContext } from './context.js';
import type { ActionResultFields } from './result.js';
import { runAction } from './router.js';

type Redact = (text: string) => string;

/**
 * What must not leave this process, learned as the run goes: each secret is registered with
 * the runner (it masks them in the log) as it is added, and `redact` covers all added so far.
 */
class Secrets {
  private readonly known: string[] = [];
  private redactor: Redact = secretRedactor([]);

  add(values: Iterable<string | undefined>): void {
    let added = false;
    for (const value of values) {
      if (!value || this.known.includes(value)) continue;
      core.setSecret(value);
      this.known.push(value);
      added = true;
    }
    if (added) this.redactor = secretRedactor(this.known);
  }

  readonly redact: Redact = (text) => this.redactor(text);
}

// Everything printed is redacted first (the last word: a secret upstream forgot stays out).
// Info lines carry text from outside (the server's replies, paths the agent asked for, git's
// output): printed inert, so no line of them runs as a workflow command; inertText comes after
// redaction, which may change the text. Warnings, errors and group titles go through
// @actions/core's own command escaping.
function coreLog(redact: Redact): Log {
  return {
    info: (message) => core.info(inertText(redact(message))),
    warning: (message, where) => core.warning(redact(message), where?.file ? { file: where.file, startLine: where.line } : undefined),
    error: (message) => core.error(redact(message)),
    group: (title, fn) => core.group(redact(title), fn),
  };
}

/** The action with everything GitHub gives it: inputs, event, token, workspace. */
export async function runFromEnvironment(): Promise<void> {
  const secrets = new Secrets();
  try {
    const raw: RawInputs = Object.fromEntries(INPUT_NAMES.map((name) => [name, core.getInput(name)]));
    // The tokens and the base64 credential git sends, masked before anything can print them.
    secrets.add([
      raw['github-token'],
      raw['server-token'],
      ...authSecrets(raw['github-token'] ? { token: raw['github-token'] } : undefined),
    ]);
    // What else the runner gave this process that looks like a credential (ACTIONS_RUNTIME_TOKEN,
    // a secret the workflow put in the step's `env:`): the runner masks only the secrets it
    // knows of, and wild-plan redacts these wherever they turn up.
    secrets.add(runnerCredentials(process.env));
    const context = readActionContext(process.env);
    const settings = parseSettings(raw, context.workspace);
    // The values agent-env hands the agent (its provider's key), which the agent could print.
    secrets.add(knownSecrets(settings));
    if (!settings.githubToken) {
      throw new Error(
        'input `github-token` is empty: leave it unset to use the workflow token, or pass a token with contents, issues and pull-requests write.',
      );
    }
    const log = coreLog(secrets.redact);
    const client = createGitHubClient({ token: settings.githubToken, baseUrl: context.apiUrl, log });
    const controller = new AbortController();
    const cancel = () => controller.abort();
    process.once('SIGINT', cancel);
    process.once('SIGTERM', cancel);
    const result = await runAction(settings, context, { client, log, signal: controller.signal });
    await report(result, secrets.redact);
  } catch (error) {
    core.setOutput('status', 'failed');
    core.setFailed(secrets.redact(error instanceof Error ? error.message : String(error)));
  }
}

/**
 * The outputs, the job summary and the verdict: what a workflow reads and shows, each redacted
 * with every secret the run knows, whatever was redacted before.
 */
async function report(result: ActionResultFields, redact: Redact): Promise<void> {
  const outputs: Record<string, string | number | undefined> = {
    status: result.status,
    branch: result.branch,
    'pr-number': result.prNumber,
    'pr-url': result.prUrl,
    'comment-url': result.commentUrl,
    'tasks-path': result.tasksPath,
    'playbook-path': result.playbookPath,
    'session-id': result.sessionId,
    'plan-json': result.planJson,
    'agent-stats': result.agentStats,
    'loop-session-id': result.loopSessionId,
    revision: result.revision,
  };
  for (const [name, value] of Object.entries(outputs)) if (value !== undefined) core.setOutput(name, redact(String(value)));
  try {
    await core.summary.addRaw(redact(result.summary), true).write();
  } catch (error) {
    core.warning(redact(`could not write the job summary: ${(error as Error).message}`));
  }
  if (result.fail) core.setFailed(redact(result.message));
}
