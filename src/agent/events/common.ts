// What wild-plan reads from an agent CLI's JSON-lines event stream, whichever CLI wrote it.
// Pure functions of text: the parsers never throw, skip lines that are not JSON objects
// (a tail cut mid-line, a stray log line), and ignore event types they do not know, so
// a CLI release that adds events does not break a run.
import type { AgentStep } from '../runner.js';
import { oneLine as flatten } from '../../text/one-line.js';

/** An error the CLI reported in its stream, with the URL it names when it names one. */
export interface StreamError {
  message: string;
  url?: string;
}

export interface ParsedEvents {
  /** The agent's last message: where <plan> is looked for. Null when it gave none. */
  finalText: string | null;
  steps: AgentStep[];
  /** Model turns as the CLI counts them. */
  turns?: number;
  /** Every prompt token the model read, cached or not (the CLIs split these differently). */
  inputTokens?: number;
  outputTokens?: number;
  /** The model the CLI says it used. */
  model?: string;
  /** The CLI's own version, when its stream says it. */
  version?: string;
  /** What the run cost in US dollars by the CLI's own reckoning, when its stream says. */
  costUsd?: number;
  /** The CLI ended the run at a cap wild-plan passed it (`max-turns`, `max-budget-usd`). */
  stopReason?: StopReason;
  errors: StreamError[];
}

/** Why a run ended before the agent finished: a cap from the settings. */
export type StopReason = 'max-turns' | 'max-budget';

export type JsonObject = Record<string, unknown>;

/** Each line of `text` that is a JSON object, in order. */
export function jsonLines(text: string): JsonObject[] {
  const out: JsonObject[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(trimmed);
      if (isObject(value)) out.push(value);
    } catch {
      // not JSON: a partial first line after the tail cut, or a log line
    }
  }
  return out;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function obj(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** a + b where either may be missing; undefined only when both are. */
export function add(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
}

/** One line for a log: whitespace collapsed, cut at `max` characters (160 unless told). */
export function oneLine(text: string, max = 160): string {
  return flatten(text, max);
}

/** What a tool was asked to do, in one line: the command or path when it has one. */
export function summarizeInput(input: unknown): string {
  if (typeof input === 'string') return oneLine(input);
  const fields = obj(input);
  for (const key of ['command', 'cmd', 'filePath', 'file_path', 'path', 'pattern', 'url', 'description']) {
    const value = fields[key];
    if (typeof value === 'string') return oneLine(value);
    if (Array.isArray(value)) return oneLine(value.map(String).join(' '));
  }
  try {
    return oneLine(JSON.stringify(input) ?? '');
  } catch {
    return '';
  }
}
