// `opencode run --format json`: one JSON object per line, each with a `type` and a `part`:
//   step_start / step_finish (tokens: input, output, reasoning, cache.{read,write}; cost in USD,
//     0 for a model OpenCode has no price for, such as a custom provider's)
//   tool_use (part.tool, part.state.{status, input, output, metadata.exit})
//   text (part.text, part.messageID)
//   error (error.name, error.data.{message, metadata.url}), then exit 1.
import type { AgentStep } from '../runner.js';
import { add, jsonLines, num, obj, str, summarizeInput, type ParsedEvents, type StreamError } from './common.js';

export function parseOpencodeEvents(text: string): ParsedEvents {
  const steps: AgentStep[] = [];
  const errors: StreamError[] = [];
  // Text parts grouped by message: the answer is the whole last message that has text.
  let lastMessage: string | undefined;
  let lastText: string[] = [];
  let turns: number | undefined;
  let inputTokens: number | undefined;
  let outputTokens: number | undefined;
  let cost = 0;

  for (const event of jsonLines(text)) {
    const part = obj(event.part);
    switch (event.type) {
      case 'text': {
        const content = str(part.text);
        if (content === undefined) break;
        const message = str(part.messageID) ?? '';
        if (message !== lastMessage) lastText = [];
        lastMessage = message;
        lastText.push(content);
        break;
      }
      case 'tool_use': {
        const state = obj(part.state);
        const exit = num(obj(state.metadata).exit);
        steps.push({
          tool: str(part.tool) ?? 'tool',
          summary: summarizeInput(state.input),
          ok: state.status === 'error' ? false : exit === undefined ? state.status === 'completed' : exit === 0,
        });
        break;
      }
      case 'step_finish': {
        turns = (turns ?? 0) + 1;
        const tokens = obj(part.tokens);
        const cache = obj(tokens.cache);
        inputTokens = add(inputTokens, add(num(tokens.input), add(num(cache.read), num(cache.write))));
        outputTokens = add(outputTokens, num(tokens.output));
        cost += num(part.cost) ?? 0;
        break;
      }
      case 'error': {
        const error = obj(event.error);
        const data = obj(error.data);
        const message = str(data.message) ?? str(error.message) ?? str(error.name) ?? 'unknown error';
        errors.push({ message, url: str(obj(data.metadata).url) });
        break;
      }
      default:
        break;
    }
  }
  const finalText = lastText.length > 0 ? lastText.join('\n') : null;
  // Zero means OpenCode knew no price, not a free run: then wild-plan's price table decides.
  return { finalText, steps, turns, inputTokens, outputTokens, costUsd: cost > 0 ? cost : undefined, errors };
}
