// OpenCode (`opencode-ai`): `opencode run --format json`, the prompt on stdin (it reads a
// piped stdin as the message), config through OPENCODE_CONFIG_CONTENT.
//
// Model: `provider/model` as OpenCode names them (e.g. `anthropic/claude-sonnet-4-5`), with
// the provider's key forwarded through `agent-env`; without `model` OpenCode picks one from
// the providers it has keys for. With `agent-base-url`, a custom OpenAI-compatible provider
// `wildplan` points at that URL (key from OPENAI_API_KEY) and `model` is required: the
// gateway's model id, used as is.
//
// `max-turns` becomes the `build` agent's `steps` (1.18.33: "maximum number of agentic
// iterations before forcing text-only response"): at the cap OpenCode tells the model to answer
// without tools. A model may not listen, so wild-plan also stops the run when a step past the
// cap starts (a `step_start` event). OpenCode has no spending cap.
import { parseOpencodeEvents } from '../events/opencode.js';
import { currentPlatform, opencodeBinaries } from '../native-binary.js';
import { modelProblems, type AgentPreset, type PresetContext } from './preset.js';

export const CUSTOM_PROVIDER = 'wildplan';

export const opencodePreset: AgentPreset = {
  name: 'opencode',
  packageName: 'opencode-ai',
  bin: 'opencode',
  nativeBinaries: () => opencodeBinaries(currentPlatform()),
  defaultVersion: '1.18.33',
  defaultEndpoint: "the model provider's endpoint",
  turnLimit: { kind: 'soft', turnCounter: () => (event) => (event.type === 'step_start' ? 1 : 0) },
  budget: false,
  // With --print-logs each failed attempt logs a "stream error … Unable to connect" line;
  // left alone, OpenCode retries for about a minute before giving up.
  unreachable: {
    stream: 'stderr',
    pattern: /stream error.*(Unable to connect|Cannot connect to API|ECONNREFUSED|ENOTFOUND)/i,
    giveUpAfter: 3,
  },

  check({ model, baseUrl }) {
    const problems = modelProblems(model);
    if (baseUrl !== undefined && model === undefined) {
      problems.push(
        'input `model` is required for `agent: opencode` with `agent-base-url`: the model id your endpoint serves, e.g. gpt-4.1',
      );
    }
    if (baseUrl === undefined && model !== undefined && !/^[^/]+\/.+/.test(model)) {
      problems.push(`input \`model\` "${model}" must be provider/model for OpenCode, e.g. anthropic/claude-sonnet-4-5`);
    }
    return problems;
  },

  invocation(context: PresetContext) {
    const config: Record<string, unknown> = {
      $schema: 'https://opencode.ai/config.json',
      share: 'disabled',
      autoupdate: false,
      // Headless runs cannot answer a permission prompt: the planning prompt needs the
      // shell (curl, ls, rg) and a file write.
      permission: { bash: 'allow', edit: 'allow', webfetch: 'allow' },
    };
    // `opencode run` uses the `build` agent.
    if (context.maxTurns !== undefined) config.agent = { build: { steps: context.maxTurns } };
    let model = context.model;
    if (context.baseUrl !== undefined && context.model !== undefined) {
      config.provider = {
        [CUSTOM_PROVIDER]: {
          npm: '@ai-sdk/openai-compatible', // bundled with OpenCode: nothing is downloaded
          name: 'wild-plan endpoint',
          options: { baseURL: context.baseUrl, apiKey: '{env:OPENAI_API_KEY}' },
          models: { [context.model]: { name: context.model, tool_call: true } },
        },
      };
      model = `${CUSTOM_PROVIDER}/${context.model}`;
    }
    return {
      args: ['run', '--format', 'json', '--print-logs', '--log-level', 'ERROR', ...(model ? ['--model', model] : [])],
      env: {
        OPENCODE_CONFIG_CONTENT: JSON.stringify(config),
        OPENCODE_DISABLE_MODELS_FETCH: '1',
        OPENCODE_DISABLE_AUTOUPDATE: '1',
        OPENCODE_DISABLE_SHARE: '1',
        OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
      },
    };
  },

  parse: parseOpencodeEvents,
};
