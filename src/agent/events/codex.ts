// `codex exec --json`: one JSON object per line:
//   thread.started, turn.started
//   item.started / item.updated / item.completed with item.type
//     agent_message (item.text: the answer), command_execution (command, exit_code),
//     file_change (changes[].path), mcp_tool_call, web_search, error (item.message)
//   turn.completed (usage: input_tokens incl. cached_input_tokens, output_tokens)
//   turn.failed (error.message), error (message: "Reconnecting... …" while it retries)
import type { AgentStep } from '../runner.js';
import { add, jsonLines, num, obj, oneLine, str, summarizeInput, type ParsedEvents, type StreamError } from './common.js';

/** Shown on every run with a model codex has no metadata for: not a failure. */
const HARMLESS = /^Model metadata for .* not found/;

export function parseCodexEvents(text: string): ParsedEvents {
  const steps: AgentStep[] = [];
  const errors: StreamError[] = [];
  let finalText: string | null = null;
  let turns: number | undefined;
  let inputTokens: number | undefined;
  let outputTokens: number | undefined;

  for (const event of jsonLines(text)) {
    switch (event.type) {
      case 'item.completed': {
        const item = obj(event.item);
        const step = toStep(item);
        if (step) steps.push(step);
        if (item.type === 'agent_message' && typeof item.text === 'string') finalText = item.text;
        if (item.type === 'error') {
          const message = str(item.message) ?? 'unknown error';
          if (!HARMLESS.test(message)) errors.push({ message });
        }
        break;
      }
      case 'turn.completed': {
        turns = (turns ?? 0) + 1;
        const usage = obj(event.usage);
        inputTokens = add(inputTokens, num(usage.input_tokens));
        outputTokens = add(outputTokens, num(usage.output_tokens));
        break;
      }
      case 'turn.failed':
        errors.push({ message: str(obj(event.error).message) ?? 'the turn failed' });
        break;
      case 'error':
        errors.push({ message: str(event.message) ?? 'unknown error' });
        break;
      default:
        break;
    }
  }
  return { finalText, steps, turns, inputTokens, outputTokens, errors };
}

function toStep(item: Record<string, unknown>): AgentStep | undefined {
  switch (item.type) {
    case 'command_execution': {
      const exit = num(item.exit_code);
      return {
        tool: 'command_execution',
        summary: oneLine(str(item.command) ?? ''),
        ok: item.status === 'failed' ? false : exit === undefined ? undefined : exit === 0,
      };
    }
    case 'file_change': {
      const changes = Array.isArray(item.changes) ? item.changes.map(obj) : [];
      return {
        tool: 'file_change',
        summary: oneLine(changes.map((c) => `${str(c.kind) ?? 'edit'} ${str(c.path) ?? ''}`).join(', ')),
        ok: item.status !== 'failed',
      };
    }
    case 'mcp_tool_call':
      return {
        tool: `${str(item.server) ?? 'mcp'}.${str(item.tool) ?? 'tool'}`,
        summary: summarizeInput(item.arguments),
        ok: item.status !== 'failed',
      };
    case 'web_search':
      return { tool: 'web_search', summary: oneLine(str(item.query) ?? '') };
    default:
      return undefined;
  }
}
