import * as core from '@actions/core';
import { authSecrets } from '../git/auth.js';
import { createGitHubClient } from '../github/client.js';
import { inertText } from '../log-safety.js';
import type { Log } from '../log.js';
import { knownSecrets } from '../main.js';
import { INPUT_NAMES, parseSettings, type RawInputs } from '../settings.js';
import { readActionContext } from './context.js';
import { runAction, type ActionResult } from './run.js';

// Info lines carry text from outside (the server's replies, paths the agent asked for, git's
// output): printed inert, so no line of them runs as a workflow command. Warnings, errors and
// group titles go through @actions/core's own command escaping.
const coreLog: Log = {
  info: (message) => core.info(inertText(message)),
  warning: (message, where) => core.warning(message, where?.file ? { file: where.file, startLine: where.line } : undefined),
  error: (message) => core.error(message),
  group: (title, fn) => core.group(title, fn),
};

/** The action with everything GitHub gives it: inputs, event, token, workspace. */
export async function runFromEnvironment(): Promise<void> {
  try {
    const raw: RawInputs = Object.fromEntries(INPUT_NAMES.map((name) => [name, core.getInput(name)]));
    // The tokens and the base64 credential git sends, masked before anything can print them.
    const tokens = [raw['github-token'], raw['server-token'], ...authSecrets(raw['github-token'] ? { token: raw['github-token'] } : undefined)];
    for (const secret of tokens) if (secret) core.setSecret(secret);
    const context = readActionContext(process.env);
    const settings = parseSettings(raw, context.workspace);
    // The values agent-env hands the agent (its provider's key), which the agent could print.
    for (const secret of knownSecrets(settings)) core.setSecret(secret);
    if (!settings.githubToken) {
      throw new Error('input `github-token` is empty: leave it unset to use the workflow token, or pass a token with contents, issues and pull-requests write.');
    }
    const client = createGitHubClient({ token: settings.githubToken, baseUrl: context.apiUrl, log: coreLog });
    const controller = new AbortController();
    const cancel = () => controller.abort();
    process.once('SIGINT', cancel);
    process.once('SIGTERM', cancel);
    const result = await runAction(settings, context, { client, log: coreLog, signal: controller.signal });
    await report(result);
  } catch (error) {
    core.setOutput('status', 'failed');
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}

async function report(result: ActionResult): Promise<void> {
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
  };
  for (const [name, value] of Object.entries(outputs)) if (value !== undefined) core.setOutput(name, String(value));
  try {
    await core.summary.addRaw(result.summary, true).write();
  } catch (error) {
    core.warning(`could not write the job summary: ${(error as Error).message}`);
  }
  if (result.fail) core.setFailed(result.message);
}
