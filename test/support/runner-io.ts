// How the Actions runner talks to an action, for the tests: INPUT_* names, action.yml's
// defaults, the GITHUB_OUTPUT file format, a log that records lines, the client's waits shrunk.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Bottleneck from 'bottleneck';
import { parse as parseYaml } from 'yaml';
import type { Log } from '../../src/log.js';

export interface LogLine {
  level: 'info' | 'warning' | 'error' | 'group';
  message: string;
}

/** The plugin waits shrunk to nothing, the retry plugin's backoff to milliseconds. */
export function fastTuning() {
  return {
    throttle: {
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
      retryAfterBaseValue: 5,
    },
    retry: { retryAfterBaseValue: 5 },
  };
}

/** The action's outputs from a GITHUB_OUTPUT file: `name<<delimiter` heredocs (and `name=value`). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
      if (i >= lines.length) throw new Error(`GITHUB_OUTPUT: heredoc for ${name} has no closing ${delimiter}`);
      outputs[name] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return outputs;
}

/** `INPUT_` + the upper-cased name with spaces as `_` (hyphens stay), as the runner names them. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** action.yml's inputs with their defaults, `${{ github.token }}` replaced by `token`. */
export function actionYmlDefaults(packageRoot: string, token: string): Record<string, string> {
  const doc = parseYaml(readFileSync(join(packageRoot, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: unknown }> };
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(doc.inputs)) {
    const value = spec.default === undefined ? '' : String(spec.default);
    out[name] = value.replace(/\$\{\{\s*github\.token\s*\}\}/g, token);
  }
  return out;
}

export function recordingLog(lines: LogLine[]): Log {
  return {
    info: (message) => lines.push({ level: 'info', message }),
    warning: (message) => lines.push({ level: 'warning', message }),
    error: (message) => lines.push({ level: 'error', message }),
    group: async (title, fn) => {
      lines.push({ level: 'group', message: title });
      return fn();
    },
  };
}
