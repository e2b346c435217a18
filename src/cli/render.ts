import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildGoal } from '../goal.js';
import { streamLog } from '../log.js';
import { composePrompt, memoriesFor, resolvePrompt } from '../planning/prompt.js';
import { describePromptUsed } from '../prompt/used.js';
import { newSessionId } from '../prompt/variables.js';
import { runPreflight } from '../server/preflight.js';
import { preflightFailureReasons } from '../server/preflight-report.js';
import { serverClientOf, tasksPathFor } from '../settings.js';
import type { CliIo } from './io.js';
import { readPlanInputs, RENDER_OPTIONS } from './plan.js';

export const RENDER_USAGE = `Usage: wild-plan render (--goal TEXT | --issue-file FILE) --server-url URL [options]

Prints the planning prompt the agent would get, with the API catalog from the server's
live /openapi.json. The server token is never printed: the prompt refers to $WILD_AUTH_TOKEN.
It takes the flags of 'wild-plan plan' (see its --help); these change the prompt:

  --goal TEXT | --issue-file FILE   what to plan
  --steer TEXT                      extra direction for the planner
  --server-url URL                  the research server (or $WILD_SERVER_URL); token from $WILD_SERVER_TOKEN
  --workdir DIR                     the repository (default: current directory)
  --tasks-path PATH                 where the plan would go
  --prompt auto|server|bundled|FILE which planning prompt (--prompt-file FILE: the older name)
  --no-proxy                        render as for a run without the loopback proxy (token in $WILD_AUTH_TOKEN)
  -h, --help                        this help`;

export async function runRender(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: RENDER_OPTIONS, strict: true });
  if (values.help) {
    io.stdout(RENDER_USAGE);
    return 0;
  }
  // Rendering runs no agent; a placeholder command keeps the shared settings check satisfied.
  const placeholder = (values as Record<string, unknown>)['agent-command'] === undefined ? { 'agent-command': 'none' } : {};
  const { settings, issue, steer } = await readPlanInputs(io, values, placeholder);
  const goal = buildGoal({ title: issue.title, body: issue.body, steer });
  const log = streamLog((line) => io.stderr(line), false);
  const prompt = await resolvePrompt(settings, log);
  io.stderr(`note: the prompt is ${describePromptUsed(prompt.used).replaceAll('`', '')}`);
  const [preflight, memories] = await Promise.all([
    runPreflight({ ...serverClientOf(settings), paths: prompt.contract.preflightPaths }),
    memoriesFor(settings, prompt, log),
  ]);
  if (!preflight.openapi) {
    io.stderr(`warning: no API catalog: ${preflightFailureReasons(preflight).join('; ') || '/openapi.json unavailable'}`);
  }
  const tasksFile = path.join(settings.workspace, tasksPathFor(settings, issue.number));
  // A real run hands the agent a loopback proxy (a fresh port each time) in place of the server.
  const proxied = settings.serverProxy;
  if (proxied) io.stderr('note: the agent gets a loopback proxy URL in place of --server-url; the proxy adds the token.');
  const auth = proxied
    ? { kind: 'proxy' as const }
    : settings.serverToken
      ? { kind: 'env' as const, envVar: 'WILD_AUTH_TOKEN' }
      : { kind: 'none' as const };
  io.stdout(
    composePrompt(settings, prompt, {
      goal,
      sessionId: newSessionId(),
      tasksFile,
      openapi: preflight.openapi,
      serverUrl: settings.serverUrl,
      auth,
      memories,
    }),
  );
  return 0;
}
