// The three provider wire formats the scripted model server speaks, reduced to what the
// agent CLIs read: one assistant turn, either text or one tool call, streamed as SSE (all
// three CLIs stream) or as one JSON body when a request asks for no stream.
import type { ServerResponse } from 'node:http';

export type Api = 'chat' | 'responses' | 'anthropic';

/** One assistant turn: a text answer, or a call of one tool with these arguments. */
export type Turn = { kind: 'text'; text: string } | { kind: 'tool'; name: string; args: unknown; callId: string };

export const USAGE = { input: 120, output: 30 };

function sse(res: ServerResponse, events: Array<[string | null, unknown]>): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (const [event, data] of events) {
    res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  }
  res.end();
}

function json(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** OpenAI chat completions (opencode through @ai-sdk/openai-compatible). */
export function sendChat(res: ServerResponse, turn: Turn, model: string, stream: boolean): void {
  const base = { id: 'chatcmpl-scripted', object: 'chat.completion.chunk', created: 1_700_000_000, model };
  const usage = { prompt_tokens: USAGE.input, completion_tokens: USAGE.output, total_tokens: USAGE.input + USAGE.output };
  const toolCall =
    turn.kind === 'tool'
      ? { id: turn.callId, type: 'function', function: { name: turn.name, arguments: JSON.stringify(turn.args) } }
      : undefined;
  const finish = turn.kind === 'tool' ? 'tool_calls' : 'stop';
  if (!stream) {
    const message = toolCall
      ? { role: 'assistant', content: null, tool_calls: [toolCall] }
      : { role: 'assistant', content: (turn as { text: string }).text };
    return json(res, { ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finish }], usage });
  }
  const delta = toolCall
    ? { role: 'assistant', tool_calls: [{ index: 0, ...toolCall }] }
    : { role: 'assistant', content: (turn as { text: string }).text };
  sse(res, [
    [null, { ...base, choices: [{ index: 0, delta, finish_reason: null }] }],
    [null, { ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] }],
    [null, { ...base, choices: [], usage }],
    [null, '[DONE]'],
  ]);
}

/** OpenAI Responses API (codex). */
export function sendResponses(res: ServerResponse, turn: Turn, model: string): void {
  const id = `resp_${turn.kind === 'tool' ? turn.callId : 'final'}`;
  const item =
    turn.kind === 'tool'
      ? {
          type: 'function_call',
          id: `fc_${turn.callId}`,
          call_id: turn.callId,
          name: turn.name,
          arguments: JSON.stringify(turn.args),
          status: 'completed',
        }
      : {
          type: 'message',
          id: 'msg_final',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: turn.text, annotations: [] }],
        };
  const usage = {
    input_tokens: USAGE.input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: USAGE.output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: USAGE.input + USAGE.output,
  };
  const response = { id, object: 'response', created_at: 1_700_000_000, model, status: 'in_progress', output: [] as unknown[] };
  const events: Array<[string, unknown]> = [
    ['response.created', { type: 'response.created', response }],
    ['response.output_item.added', { type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress' } }],
  ];
  if (turn.kind === 'text') {
    events.push([
      'response.output_text.delta',
      { type: 'response.output_text.delta', item_id: 'msg_final', output_index: 0, content_index: 0, delta: turn.text },
    ]);
  }
  events.push(
    ['response.output_item.done', { type: 'response.output_item.done', output_index: 0, item }],
    ['response.completed', { type: 'response.completed', response: { ...response, status: 'completed', output: [item], usage } }],
  );
  sse(res, events);
}

/** Anthropic Messages (Claude Code). */
export function sendAnthropic(res: ServerResponse, turn: Turn, model: string, stream: boolean): void {
  const block =
    turn.kind === 'tool' ? { type: 'tool_use', id: turn.callId, name: turn.name, input: turn.args } : { type: 'text', text: turn.text };
  const stop = turn.kind === 'tool' ? 'tool_use' : 'end_turn';
  const message = { id: 'msg_scripted', type: 'message', role: 'assistant', model, stop_sequence: null };
  if (!stream) {
    return json(res, {
      ...message,
      content: [block],
      stop_reason: stop,
      usage: { input_tokens: USAGE.input, output_tokens: USAGE.output },
    });
  }
  const start = turn.kind === 'tool' ? { ...block, input: {} } : { type: 'text', text: '' };
  const delta =
    turn.kind === 'tool' ? { type: 'input_json_delta', partial_json: JSON.stringify(turn.args) } : { type: 'text_delta', text: turn.text };
  sse(res, [
    [
      'message_start',
      {
        type: 'message_start',
        message: { ...message, content: [], stop_reason: null, usage: { input_tokens: USAGE.input, output_tokens: 1 } },
      },
    ],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: start }],
    ['content_block_delta', { type: 'content_block_delta', index: 0, delta }],
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ['message_delta', { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: USAGE.output } }],
    ['message_stop', { type: 'message_stop' }],
  ]);
}

/** A tool as offered in a request: its name and its JSON-schema parameters. */
export interface OfferedTool {
  name: string;
  type: string;
  properties: Record<string, { type?: string | string[] }>;
  required: string[];
}

/** The tools a request offers, whatever the API calls their fields. */
export function offeredTools(api: Api, body: Record<string, unknown>): OfferedTool[] {
  const tools = Array.isArray(body.tools) ? (body.tools as Array<Record<string, unknown>>) : [];
  return tools.map((tool) => {
    const fn = (api === 'chat' ? tool.function : tool) as Record<string, unknown> | undefined;
    const schema = (api === 'anthropic' ? fn?.input_schema : fn?.parameters) as Record<string, unknown> | undefined;
    return {
      name: String(fn?.name ?? tool.type ?? ''),
      type: String(tool.type ?? 'function'),
      properties: (schema?.properties ?? {}) as OfferedTool['properties'],
      required: Array.isArray(schema?.required) ? (schema.required as string[]) : [],
    };
  });
}

/** How many tool results the conversation in a request already holds. */
export function countToolResults(api: Api, body: Record<string, unknown>): number {
  if (api === 'chat') {
    return ((body.messages ?? []) as Array<{ role?: string }>).filter((m) => m.role === 'tool').length;
  }
  if (api === 'responses') {
    const input = Array.isArray(body.input) ? (body.input as Array<{ type?: string }>) : [];
    return input.filter((item) => typeof item.type === 'string' && item.type.endsWith('_call_output')).length;
  }
  let count = 0;
  for (const message of (body.messages ?? []) as Array<{ content?: unknown }>) {
    if (Array.isArray(message.content))
      count += (message.content as Array<{ type?: string }>).filter((b) => b.type === 'tool_result').length;
  }
  return count;
}

/** Every string in a request body, joined: where the prompt's text is found, whatever the API. */
export function allText(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) allText(item, out);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) allText(item, out);
  return out;
}
