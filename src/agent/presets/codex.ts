// Codex (`@openai/codex`): `codex exec --json`, the prompt on stdin (`-`), CODEX_HOME in
// the run directory, every setting as a `-c` override (nothing read from a user config).
//
// Codex ignores OPENAI_BASE_URL and retries an unreachable endpoint forever, so it always
// gets a declared provider `wildplan` (base URL `agent-base-url`, or OpenAI's) with small
// retry counts, the key from OPENAI_API_KEY (listed in `agent-env`), and the Responses API.
// Model: an OpenAI model name; without `model` the CLI's default.
//
// Codex 0.169.0 has no turn limit (no flag, no config key) and no spending cap, and its stream
// marks no model turn (one `turn` is the whole exec). For `max-turns` wild-plan counts its tool
// calls (each `item` of a tool kind, once), every one of which a model turn asked for, and
// stops the run when the call past the cap starts. Parallel calls in one turn count one each.
import { join } from 'node:path';
import { obj, str, type JsonObject } from '../events/common.js';
import { parseCodexEvents } from '../events/codex.js';
import { modelProblems, type AgentPreset } from './preset.js';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export type CodexSandbox = 'workspace-write' | 'danger-full-access';

/** A TOML basic string: JSON's string escapes are all valid TOML. */
const toml = (value: string) => JSON.stringify(value);

const TOOL_ITEMS = new Set(['command_execution', 'file_change', 'mcp_tool_call', 'web_search']);

/** 1 for the first event of each tool-call item (started, or completed without a start), else 0. */
function toolCallCounter(): (event: JsonObject) => number {
  const seen = new Set<string>();
  return (event) => {
    if (event.type !== 'item.started' && event.type !== 'item.completed') return 0;
    const item = obj(event.item);
    const id = str(item.id);
    if (!TOOL_ITEMS.has(str(item.type) ?? '') || id === undefined || seen.has(id)) return 0;
    seen.add(id);
    return 1;
  };
}

export function codexPreset(sandbox: CodexSandbox = 'workspace-write'): AgentPreset {
  return {
    name: 'codex',
    packageName: '@openai/codex',
    bin: 'codex',
    defaultVersion: '0.169.0',
    defaultEndpoint: OPENAI_BASE_URL,
    // "Reconnecting... waiting for network (Connection failed: …)" at 0, 5, 15, 35 s, … forever.
    unreachable: { stream: 'stdout', pattern: /"type":"error".*Reconnecting.*(Connection failed|error sending request)/i, giveUpAfter: 3 },
    turnLimit: { kind: 'none', turnCounter: toolCallCounter },
    budget: false,

    check({ model }) {
      return modelProblems(model);
    },

    invocation(context) {
      const provider = [
        `name=${toml('wild-plan endpoint')}`,
        `base_url=${toml(context.baseUrl ?? OPENAI_BASE_URL)}`,
        `env_key=${toml('OPENAI_API_KEY')}`,
        `wire_api=${toml('responses')}`,
        'request_max_retries=2',
        'stream_max_retries=2',
      ].join(',');
      const lastMessageFile = join(context.runDir, 'last-message.txt');
      const codexHome = join(context.runDir, 'codex-home');
      const config = [
        `model_providers.wildplan={${provider}}`,
        `model_provider=${toml('wildplan')}`,
        `approval_policy=${toml('never')}`,
        // The prompt's preflight runs curl against the research server.
        'sandbox_workspace_write.network_access=true',
        'analytics.enabled=false',
        ...(context.model ? [`model=${toml(context.model)}`] : []),
      ];
      return {
        args: [
          'exec',
          '--json',
          '--ephemeral',
          '--skip-git-repo-check',
          '-C',
          context.workdir,
          '-s',
          sandbox,
          ...config.flatMap((entry) => ['-c', entry]),
          '-o',
          lastMessageFile,
          '-',
        ],
        env: { CODEX_HOME: codexHome },
        lastMessageFile,
        makeDirs: [codexHome],
      };
    },

    parse: parseCodexEvents,
  };
}
