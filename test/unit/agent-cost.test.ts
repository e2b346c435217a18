// What an agent run cost: each CLI's recorded usage events (test/fixtures/agent-events), the
// price table, `model-prices` overrides, and no figure at all for a model without a price.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseClaudeCodeEvents } from '../../src/agent/events/claude-code.js';
import { parseCodexEvents } from '../../src/agent/events/codex.js';
import { parseOpencodeEvents } from '../../src/agent/events/opencode.js';
import { DEFAULT_PRICES, formatUsd, parseModelPrices, priceFor, runCost } from '../../src/agent/prices.js';
import { describeStop } from '../../src/agent/runner.js';
import { parseSettings, SettingsError } from '../../src/settings.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/agent-events/${name}`, import.meta.url), 'utf8');

describe('cost from the recorded event streams (3 requests × 120 in, 30 out)', () => {
  it("claude-code: Claude Code's own total_cost_usd, preferred to the price table", () => {
    const run = parseClaudeCodeEvents(fixture('claude-code-plan.jsonl'));
    expect(run.costUsd).toBe(0.00243);
    const cost = runCost(
      { model: run.model, inputTokens: run.inputTokens, outputTokens: run.outputTokens, cliCostUsd: run.costUsd },
      DEFAULT_PRICES,
    );
    expect(cost).toEqual({ usd: 0.00243, source: 'cli' });
    // The table agrees with the CLI for its model: 360 × $3/M + 90 × $15/M.
    const table = runCost({ model: run.model, inputTokens: run.inputTokens, outputTokens: run.outputTokens }, DEFAULT_PRICES);
    expect(table?.usd).toBeCloseTo(0.00243, 10);
  });

  it('opencode: a cost of 0 (a custom provider OpenCode has no price for) is no figure; the table prices the tokens', () => {
    const run = parseOpencodeEvents(fixture('opencode-plan.jsonl'));
    expect(run.costUsd).toBeUndefined();
    expect(run.inputTokens).toBe(360);
    const cost = runCost({ model: 'wildplan/gpt-5', inputTokens: run.inputTokens, outputTokens: run.outputTokens }, DEFAULT_PRICES);
    expect(cost).toEqual({ usd: (360 * 1.25 + 90 * 10) / 1e6, source: 'prices', model: 'gpt-5', price: { input: 1.25, output: 10 } });
  });

  it('opencode: its own per-step cost when it has one, summed', () => {
    const stream = fixture('opencode-plan.jsonl').replaceAll('"cost":0', '"cost":0.001');
    expect(parseOpencodeEvents(stream).costUsd).toBeCloseTo(0.003, 10);
  });

  it('codex: tokens only (turn.completed usage), priced from the table', () => {
    const run = parseCodexEvents(fixture('codex-plan.jsonl'));
    expect(run.costUsd).toBeUndefined();
    const cost = runCost({ model: 'gpt-5.1-codex', inputTokens: run.inputTokens, outputTokens: run.outputTokens }, DEFAULT_PRICES);
    expect(cost?.usd).toBeCloseTo(0.00135, 10);
    expect(formatUsd(cost!.usd)).toBe('$0.0014');
  });

  it('an unknown model gets no cost, never a guessed one', () => {
    expect(runCost({ model: 'scripted-model', inputTokens: 360, outputTokens: 90 }, DEFAULT_PRICES)).toBeUndefined();
    expect(runCost({ inputTokens: 360, outputTokens: 90 }, DEFAULT_PRICES)).toBeUndefined();
    expect(runCost({ model: 'gpt-5' }, DEFAULT_PRICES)).toBeUndefined(); // no tokens reported
    expect(priceFor('sonnet', DEFAULT_PRICES)).toBeUndefined(); // an alias means different models over time
  });
});

describe('the price table', () => {
  it('finds a model under a provider prefix or with a date suffix', () => {
    expect(priceFor('anthropic/claude-sonnet-4-5', DEFAULT_PRICES)?.model).toBe('claude-sonnet-4-5');
    expect(priceFor('claude-sonnet-4-5-20250929', DEFAULT_PRICES)?.price).toEqual({ input: 3, output: 15 });
    expect(priceFor('toString', DEFAULT_PRICES)).toBeUndefined();
  });

  it('model-prices: `model=input/output` per line adds and overrides entries', () => {
    const read = parseModelPrices('# our gateway\nscripted-model=2.5/12\n\n gpt-5 = 1 / 8 \n');
    expect(read).toEqual({ prices: { 'scripted-model': { input: 2.5, output: 12 }, 'gpt-5': { input: 1, output: 8 } } });
    const table = { ...DEFAULT_PRICES, ...('prices' in read ? read.prices : {}) };
    expect(runCost({ model: 'scripted-model', inputTokens: 1_000_000, outputTokens: 1_000_000 }, table)?.usd).toBe(14.5);
    expect(runCost({ model: 'gpt-5', inputTokens: 1_000_000, outputTokens: 0 }, table)?.usd).toBe(1);
  });

  it('model-prices: a bad line fails the settings, naming the input and the line', () => {
    for (const bad of ['gpt-5: 1/8', 'gpt-5=1', 'gpt-5=-1/8', '=1/2', 'gpt 5=1/2']) {
      expect(parseModelPrices(bad), bad).toHaveProperty('problem');
    }
    const settings = () => parseSettings({ 'server-url': 'http://wild.example', agent: 'codex', 'model-prices': 'gpt-5=cheap' }, '/tmp');
    expect(settings).toThrow(SettingsError);
    expect(settings).toThrow(/`model-prices` must list one `model=input\/output` per line.*line 1: "gpt-5=cheap"/);
  });

  it('formats dollars with enough digits to tell a small run from nothing', () => {
    expect([0, 0.00243, 0.0000004, 0.153, 0.995, 12.4].map(formatUsd)).toEqual([
      '$0.00',
      '$0.0024',
      '< $0.000001',
      '$0.153',
      '$0.995',
      '$12.40',
    ]);
  });
});

describe('the caps as settings', () => {
  const parse = (raw: Record<string, string>) => parseSettings({ 'server-url': 'http://wild.example', ...raw }, '/tmp');

  it('reads max-turns, max-budget-usd and model-prices into the agent settings', () => {
    const s = parse({ agent: 'claude-code', 'max-turns': '30', 'max-budget-usd': '2.5', 'model-prices': 'x=1/2' });
    expect(s).toMatchObject({ maxTurns: 30, maxBudgetUsd: 2.5, modelPrices: { x: { input: 1, output: 2 } } });
    expect(parse({ agent: 'codex' })).toMatchObject({ maxTurns: undefined, maxBudgetUsd: undefined, modelPrices: undefined });
  });

  it('refuses a cap an agent cannot honour, and bad values, naming the input', () => {
    expect(() => parse({ agent: 'codex', 'max-budget-usd': '2' })).toThrow(/`max-budget-usd` works only with `agent: claude-code`/);
    expect(() => parse({ agent: 'opencode', 'max-budget-usd': '2' })).toThrow(/`max-budget-usd` works only with `agent: claude-code`/);
    expect(() => parse({ agent: 'command', 'agent-command': 'x', 'max-turns': '3' })).toThrow(/`max-turns` needs an agent preset/);
    expect(() => parse({ agent: 'codex', 'max-turns': '2.5' })).toThrow(/`max-turns` must be a whole number from 1 to 1000/);
    expect(() => parse({ agent: 'claude-code', 'max-budget-usd': '0' })).toThrow(/`max-budget-usd` must be a number of US dollars above 0/);
  });

  it('says which cap stopped a run, and who enforced it', () => {
    expect(describeStop({ reason: 'max-turns', limit: 30, by: 'cli' })).toBe('stopped at the 30-turn cap (max-turns)');
    expect(describeStop({ reason: 'max-budget', limit: 2, by: 'cli' })).toBe('stopped at the $2.00 budget cap (max-budget-usd)');
    expect(describeStop({ reason: 'max-turns', limit: 3, by: 'wild-plan' })).toBe(
      'stopped at the 3-turn cap (max-turns; enforced by wild-plan from its event stream)',
    );
  });

  it("reads Claude Code's own stop at its caps from its result event", () => {
    const stream = fixture('claude-code-plan.jsonl');
    const withResult = (over: Record<string, unknown>) =>
      stream
        .split('\n')
        .map((line) =>
          line.startsWith('{') && (JSON.parse(line) as { type?: string }).type === 'result'
            ? JSON.stringify({ ...JSON.parse(line), ...over })
            : line,
        )
        .join('\n');
    const maxTurns = withResult({ subtype: 'error_max_turns', is_error: true, result: undefined });
    expect(parseClaudeCodeEvents(maxTurns)).toMatchObject({ stopReason: 'max-turns', finalText: null });
    expect(parseClaudeCodeEvents(withResult({ subtype: 'error_max_budget_usd', is_error: true })).stopReason).toBe('max-budget');
    expect(parseClaudeCodeEvents(stream).stopReason).toBeUndefined();
  });
});
