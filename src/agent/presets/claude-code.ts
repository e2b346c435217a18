// Claude Code (`@anthropic-ai/claude-code`): `claude -p --output-format stream-json`, the
// prompt on stdin (read when -p has no prompt argument).
//
// Model: a Claude model name or alias (`claude-sonnet-4-5`, `sonnet`); without `model`
// the CLI's default. Credentials: ANTHROPIC_API_KEY (or CLAUDE_CODE_OAUTH_TOKEN) listed in
// `agent-env`. `agent-base-url` becomes ANTHROPIC_BASE_URL (an Anthropic-compatible gateway).
// Caps: `max-turns` and `max-budget-usd` are its own --max-turns and --max-budget-usd (2.1.332
// lists the second in --help; both end the run with a `result` of subtype error_max_turns or
// error_max_budget_usd), and its `result` reports what the run cost (total_cost_usd).
import { parseClaudeCodeEvents } from '../events/claude-code.js';
import { claudeCodeBinaries, currentPlatform } from '../native-binary.js';
import { modelProblems, type AgentPreset } from './preset.js';

/** The tools the planning prompt needs, allowed without a prompt (a headless run can't answer one). */
export const CLAUDE_ALLOWED_TOOLS = ['Bash', 'Read', 'Write', 'Edit', 'Glob', 'Grep'];

export const claudeCodePreset: AgentPreset = {
  name: 'claude-code',
  packageName: '@anthropic-ai/claude-code',
  bin: 'claude',
  nativeBinaries: () => claudeCodeBinaries(currentPlatform()),
  defaultVersion: '2.1.332',
  defaultEndpoint: 'https://api.anthropic.com',
  turnLimit: { kind: 'cli' },
  budget: true,
  // With CLAUDE_CODE_MAX_RETRIES small the CLI gives up by itself within seconds.

  check({ model }) {
    return modelProblems(model);
  },

  invocation(context) {
    const env: Record<string, string> = {
      DISABLE_TELEMETRY: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_ERROR_REPORTING: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      // Left alone it retries a failing endpoint for minutes; two retries ride out a blip.
      CLAUDE_CODE_MAX_RETRIES: '2',
    };
    if (context.baseUrl !== undefined) env.ANTHROPIC_BASE_URL = context.baseUrl;
    return {
      args: [
        '-p',
        '--output-format',
        'stream-json',
        '--verbose',
        '--no-session-persistence',
        ...(context.model ? ['--model', context.model] : []),
        ...(context.maxTurns !== undefined ? ['--max-turns', String(context.maxTurns)] : []),
        ...(context.maxBudgetUsd !== undefined ? ['--max-budget-usd', String(context.maxBudgetUsd)] : []),
        '--permission-mode',
        'acceptEdits',
        '--allowedTools',
        ...CLAUDE_ALLOWED_TOOLS,
      ],
      env,
    };
  },

  parse: parseClaudeCodeEvents,
};
