// Codex (`@openai/codex`): `codex exec --json`, the prompt on stdin (`-`), CODEX_HOME in
// the run directory, every setting as a `-c` override (nothing read from a user config).
//
// Codex ignores OPENAI_BASE_URL and retries an unreachable endpoint forever, so it always
// gets a declared provider `wildplan` (base URL `agent-base-url`, or OpenAI's) with small
// retry counts, the key from OPENAI_API_KEY (listed in `agent-env`), and the Responses API.
// Model: an OpenAI model name; without `model` the CLI's default.
import { join } from 'node:path';
import { parseCodexEvents } from '../events/codex.js';
import { modelProblems, type AgentPreset } from './preset.js';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export type CodexSandbox = 'workspace-write' | 'danger-full-access';

/** A TOML basic string: JSON's string escapes are all valid TOML. */
const toml = (value: string) => JSON.stringify(value);

export function codexPreset(sandbox: CodexSandbox = 'workspace-write'): AgentPreset {
  return {
    name: 'codex',
    packageName: '@openai/codex',
    bin: 'codex',
    defaultVersion: '0.169.0',
    defaultEndpoint: OPENAI_BASE_URL,
    // "Reconnecting... waiting for network (Connection failed: …)" at 0, 5, 15, 35 s, … forever.
    unreachable: { stream: 'stdout', pattern: /"type":"error".*Reconnecting.*(Connection failed|error sending request)/i, giveUpAfter: 3 },

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
