// The event-stream parsers against streams recorded from the real CLIs at their pinned
// versions (test/fixtures/agent-events/README.md says how they were made).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTranscript } from '../../src/agent/transcript.js';
import { parseClaudeCodeEvents } from '../../src/agent/events/claude-code.js';
import { parseCodexEvents } from '../../src/agent/events/codex.js';
import type { ParsedEvents } from '../../src/agent/events/common.js';
import { parseOpencodeEvents } from '../../src/agent/events/opencode.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/agent-events/${name}`, import.meta.url), 'utf8');
const PLAN = readFileSync(new URL('../fixtures/plans/valid.md', import.meta.url), 'utf8').trim();

const PARSERS: Array<[string, (text: string) => ParsedEvents, string]> = [
  ['opencode', parseOpencodeEvents, 'bash'],
  ['claude-code', parseClaudeCodeEvents, 'Bash'],
  ['codex', parseCodexEvents, 'command_execution'],
];

describe.each(PARSERS)('%s event stream', (name, parse, shellTool) => {
  const run = parse(fixture(`${name}-plan.jsonl`));

  it('takes the final message, with the plan the model wrote', () => {
    expect(run.finalText).toMatch(/^I wrote the plan\./);
    const signals = parseTranscript(run.finalText ?? '');
    expect(signals.plan).toBe(PLAN);
    expect(signals.promise).toBe('DONE');
  });

  it('lists the tool steps in order: the preflight, then the tasks.md write', () => {
    expect(run.steps).toHaveLength(2);
    expect(run.steps[0]).toMatchObject({ tool: shellTool, ok: true });
    expect(run.steps[0]!.summary).toMatch(/^(\/bin\/bash -lc ')?curl -sf http:\/\/127\.0\.0\.1:\d+\/docs/);
    expect(run.steps[1]!.summary).toContain('.wild/plans/issue-1/tasks.md');
    expect(run.steps[1]!.ok).toBe(true);
  });

  it('adds up the token usage the scripted model reported (3 requests × 120 in, 30 out)', () => {
    expect(run.inputTokens).toBe(360);
    expect(run.outputTokens).toBe(90);
    expect(run.errors).toEqual([]);
  });

  it('survives a stream cut anywhere: no throw, and no plan from a half line', () => {
    const text = fixture(`${name}-plan.jsonl`);
    for (let cut = 0; cut < text.length; cut += 997) {
      const partial = parse(text.slice(cut));
      if (partial.finalText !== null) expect(partial.finalText).toMatch(/^I wrote the plan\./);
    }
    expect(parse('garbage\n{not json\n[1,2]\n').finalText).toBeNull();
  });
});

describe('turn counts', () => {
  it('counts what each CLI calls a turn', () => {
    expect(parseOpencodeEvents(fixture('opencode-plan.jsonl')).turns).toBe(3); // step_finish per model call
    expect(parseClaudeCodeEvents(fixture('claude-code-plan.jsonl')).turns).toBe(3); // num_turns
    expect(parseCodexEvents(fixture('codex-plan.jsonl')).turns).toBe(1); // one turn per prompt
  });

  it('reads the model and version Claude Code announces', () => {
    const run = parseClaudeCodeEvents(fixture('claude-code-plan.jsonl'));
    expect(run).toMatchObject({ model: 'claude-sonnet-4-5', version: '2.1.332' });
  });
});

describe('endpoint down', () => {
  it('opencode: the error event, with the URL it tried', () => {
    const run = parseOpencodeEvents(fixture('opencode-endpoint-down.jsonl'));
    expect(run.finalText).toBeNull();
    expect(run.errors).toEqual([{ message: expect.stringMatching(/Unable to connect/), url: 'http://127.0.0.1:9/v1/chat/completions' }]);
  });

  it('claude-code: the API error message and the failed result, no final text', () => {
    const run = parseClaudeCodeEvents(fixture('claude-code-endpoint-down.jsonl'));
    expect(run.finalText).toBeNull();
    expect(run.errors.map((e) => e.message)).toEqual([expect.stringMatching(/Connection refused.*ECONNREFUSED/)]);
  });

  it('codex: every reconnect, and not the harmless model-metadata notice', () => {
    const run = parseCodexEvents(fixture('codex-endpoint-down.jsonl'));
    expect(run.finalText).toBeNull();
    expect(run.errors.length).toBeGreaterThanOrEqual(3);
    expect(run.errors.every((e) => /Reconnecting.*Connection failed/.test(e.message))).toBe(true);
  });
});

describe('hand-written edge cases', () => {
  it('opencode: the answer is the whole last message with text, not an earlier one', () => {
    const line = (type: string, part: object) => JSON.stringify({ type, part });
    const text = [
      line('text', { messageID: 'm1', text: 'draft <plan>old</plan>' }),
      line('tool_use', { tool: 'bash', state: { status: 'error', input: { command: 'false' } } }),
      line('text', { messageID: 'm2', text: 'part one' }),
      line('text', { messageID: 'm2', text: 'part two' }),
    ].join('\n');
    const run = parseOpencodeEvents(text);
    expect(run.finalText).toBe('part one\npart two');
    expect(run.steps).toEqual([{ tool: 'bash', summary: 'false', ok: false }]);
  });

  it('claude-code: a failed tool result marks its step, and a result line wins over assistant text', () => {
    const text = [
      { type: 'assistant', message: { content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'curl -sf x' } }] } },
      { type: 'user', message: { content: [{ type: 'tool_result', tool_use_id: 't1', is_error: true, content: 'exit 7' }] } },
      { type: 'assistant', message: { content: [{ type: 'text', text: 'thinking out loud' }] } },
      {
        type: 'result',
        subtype: 'success',
        is_error: false,
        result: 'final',
        num_turns: 2,
        usage: { input_tokens: 5, cache_read_input_tokens: 10, output_tokens: 3 },
      },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n');
    const run = parseClaudeCodeEvents(text);
    expect(run.steps).toEqual([{ tool: 'Bash', summary: 'curl -sf x', ok: false }]);
    expect(run).toMatchObject({ finalText: 'final', turns: 2, inputTokens: 15, outputTokens: 3 });
  });

  it('codex: a failed turn is an error, a failed command a failed step', () => {
    const text = [
      { type: 'item.completed', item: { type: 'command_execution', command: 'ls', exit_code: 2, status: 'failed' } },
      { type: 'turn.failed', error: { message: 'unexpected status 401 Unauthorized' } },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n');
    const run = parseCodexEvents(text);
    expect(run.steps).toEqual([{ tool: 'command_execution', summary: 'ls', ok: false }]);
    expect(run.errors).toEqual([{ message: 'unexpected status 401 Unauthorized' }]);
    expect(run.finalText).toBeNull();
  });
});
