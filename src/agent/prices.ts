// What an agent run cost, in US dollars: the CLI's own figure when its stream reports one
// (Claude Code's `total_cost_usd`, OpenCode's per-step `cost`), else the tokens it reported times
// the list price of its model. A model wild-plan has no price for gets no figure at all: a
// guessed number in a summary is worse than none. The `model-prices` input adds or overrides
// entries.

/** US dollars per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * List prices for the models the pinned CLIs use. Anthropic's are the ones Claude Code 2.1.332
 * itself computes `total_cost_usd` with (its baked model catalog); OpenAI's are OpenAI's list
 * prices for the models Codex and OpenCode are most often pointed at. Codex 0.169.0's own
 * default models are newer than any price wild-plan knows: name them in `model-prices`.
 */
export const DEFAULT_PRICES: PriceTable = {
  'claude-haiku-4-5': { input: 1, output: 5 },
  'claude-haiku-5-5': { input: 0.1, output: 0.5 },
  'claude-sonnet-4-0': { input: 3, output: 15 },
  'claude-sonnet-4-5': { input: 3, output: 15 },
  'claude-sonnet-4-6': { input: 3, output: 15 },
  'claude-sonnet-5': { input: 2, output: 10 },
  'claude-sonnet-5-5': { input: 2, output: 10 },
  'claude-opus-4-1': { input: 15, output: 75 },
  'claude-opus-4-5': { input: 5, output: 25 },
  'claude-opus-4-6': { input: 5, output: 25 },
  'claude-opus-4-7': { input: 5, output: 25 },
  'claude-opus-5': { input: 5, output: 25 },
  'claude-opus-5-5': { input: 4, output: 20 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-codex': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5.1': { input: 1.25, output: 10 },
  'gpt-5.1-codex': { input: 1.25, output: 10 },
};

const PRICE = /^(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/;
const MODEL = /^[^\s=#]+$/;

/**
 * The `model-prices` input: one `model=input/output` per line (USD per million tokens), blank
 * lines and `#` comments skipped. A problem is one sentence naming the bad line.
 */
export function parseModelPrices(text: string): { prices: Record<string, ModelPrice> } | { problem: string } {
  const prices: Record<string, ModelPrice> = {};
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const model = eq < 0 ? '' : line.slice(0, eq).trim();
    const price = PRICE.exec(eq < 0 ? '' : line.slice(eq + 1).trim());
    if (!MODEL.test(model) || !price) {
      return {
        problem: `must list one \`model=input/output\` per line, in US dollars per million tokens, e.g. \`gpt-5=1.25/10\` (line ${index + 1}: ${JSON.stringify(line)})`,
      };
    }
    prices[model] = { input: Number(price[1]), output: Number(price[2]) };
  }
  return { prices };
}

/**
 * The price for a model name as the CLI or the `model` input gives it: the name itself, then
 * without a provider prefix (OpenCode's `anthropic/claude-sonnet-4-5`), then without a date
 * suffix (`claude-sonnet-4-5-20250929`). Aliases (`sonnet`) are not resolved: which model an
 * alias means changes between CLI releases.
 */
export function priceFor(model: string, table: PriceTable): { model: string; price: ModelPrice } | undefined {
  const bare = model.slice(model.lastIndexOf('/') + 1);
  for (const name of [model, bare, bare.replace(/-\d{8}$/, '')]) {
    const price = Object.hasOwn(table, name) ? table[name] : undefined;
    if (price) return { model: name, price };
  }
  return undefined;
}

/** What a run cost, and where the figure comes from. */
export interface RunCost {
  usd: number;
  /** `cli`: the agent CLI's own figure; `prices`: tokens × the price of `model`. */
  source: 'cli' | 'prices';
  /** For `prices`: the table entry used. */
  model?: string;
  price?: ModelPrice;
}

/** The run's cost, or undefined when neither the CLI nor the price table can tell. */
export function runCost(
  run: { model?: string; inputTokens?: number; outputTokens?: number; cliCostUsd?: number },
  table: PriceTable,
): RunCost | undefined {
  if (run.cliCostUsd !== undefined) return { usd: run.cliCostUsd, source: 'cli' };
  if (run.model === undefined || run.inputTokens === undefined || run.outputTokens === undefined) return undefined;
  const found = priceFor(run.model, table);
  if (!found) return undefined;
  const usd = (run.inputTokens * found.price.input + run.outputTokens * found.price.output) / 1_000_000;
  return { usd, source: 'prices', model: found.model, price: found.price };
}

/** "$0.0024", "$0.153", "$12.40": enough digits to tell a small run from nothing. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd >= 0.01) return `$${usd.toFixed(3)}`;
  if (usd < 0.000_001) return '< $0.000001';
  // Two significant digits, without trailing zeros ($0.003, $0.0024).
  return `$${Number(usd.toFixed(Math.min(6, 1 - Math.floor(Math.log10(usd)))))}`;
}
