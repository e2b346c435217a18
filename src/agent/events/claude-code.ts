// `claude -p --output-format stream-json --verbose`: one JSON object per line:
//   system/init (model, claude_code_version)
//   assistant (message.content: text and tool_use blocks; API failures come as a text
//     block with `is_api_error_message`)
//   user (message.content: tool_result blocks, `is_error` on failure)
//   result, last (subtype, is_error, result = the final text, num_turns, usage, total_cost_usd;
//     subtype error_max_turns / error_max_budget_usd when --max-turns / --max-budget-usd hit)
import type { AgentStep } from '../runner.js';
import {
  add,
  jsonLines,
  num,
  obj,
  str,
  summarizeInput,
  type JsonObject,
  type ParsedEvents,
  type StopReason,
  type StreamError,
} from './common.js';

export function parseClaudeCodeEvents(text: string): ParsedEvents {
  const steps: AgentStep[] = [];
  const stepById = new Map<string, AgentStep>();
  const errors: StreamError[] = [];
  let lastAssistantText: string | null = null;
  let result: JsonObject | undefined;
  let model: string | undefined;
  let version: string | undefined;

  for (const event of jsonLines(text)) {
    if (event.type === 'system' && event.subtype === 'init') {
      model = str(event.model) ?? model;
      version = str(event.claude_code_version) ?? version;
    } else if (event.type === 'assistant') {
      const blocks = contentBlocks(event);
      const texts = blocks.filter((b) => b.type === 'text').map((b) => str(b.text) ?? '');
      if (event.is_api_error_message === true || typeof event.error === 'string') {
        errors.push({ message: texts.join('\n') || String(event.error) });
        continue;
      }
      if (texts.length > 0) lastAssistantText = texts.join('\n');
      for (const block of blocks.filter((b) => b.type === 'tool_use')) {
        const step: AgentStep = { tool: str(block.name) ?? 'tool', summary: summarizeInput(block.input), ok: true };
        steps.push(step);
        const id = str(block.id);
        if (id) stepById.set(id, step);
      }
    } else if (event.type === 'user') {
      for (const block of contentBlocks(event).filter((b) => b.type === 'tool_result')) {
        const step = stepById.get(str(block.tool_use_id) ?? '');
        if (step && block.is_error === true) step.ok = false;
      }
    } else if (event.type === 'result') {
      result = event;
    }
  }

  let finalText = lastAssistantText;
  let turns: number | undefined;
  let inputTokens: number | undefined;
  let outputTokens: number | undefined;
  let costUsd: number | undefined;
  let stopReason: StopReason | undefined;
  if (result) {
    costUsd = num(result.total_cost_usd);
    stopReason = result.subtype === 'error_max_turns' ? 'max-turns' : result.subtype === 'error_max_budget_usd' ? 'max-budget' : undefined;
    turns = num(result.num_turns);
    const usage = obj(result.usage);
    inputTokens = add(num(usage.input_tokens), add(num(usage.cache_creation_input_tokens), num(usage.cache_read_input_tokens)));
    outputTokens = num(usage.output_tokens);
    const answer = str(result.result);
    if (result.is_error === true) {
      finalText = null;
      const message = answer ?? str(result.subtype) ?? 'the run ended with an error';
      if (!errors.some((e) => e.message === message)) errors.push({ message });
    } else if (answer !== undefined) {
      finalText = answer;
    }
  }
  return { finalText, steps, turns, inputTokens, outputTokens, model, version, costUsd, stopReason, errors };
}

function contentBlocks(event: JsonObject): JsonObject[] {
  const content = obj(event.message).content;
  return Array.isArray(content) ? content.map(obj) : [];
}
