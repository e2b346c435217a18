import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { INPUT_NAMES, parseSettings } from '../../src/settings.js';

const root = path.resolve(import.meta.dirname, '../..');
const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8'));
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

describe('action.yml', () => {
  it('declares exactly the inputs the settings read, each described', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUT_NAMES].sort());
    for (const [name, input] of Object.entries<{ description?: string }>(action.inputs)) {
      expect(input.description, name).toMatch(/\w{3,}/);
    }
  });

  it('has defaults the settings accept as they are', () => {
    const defaults = Object.fromEntries(Object.entries<{ default?: string }>(action.inputs).map(([n, i]) => [n, i.default ?? '']));
    const settings = parseSettings(
      { ...defaults, 'github-token': 't', 'server-url': 'https://wild.example.org', 'agent-command': 'agent' },
      '/w',
    );
    expect(settings.triggerLabel).toBe('wild-plan');
  });

  it('runs on node24 from the committed bundle and documents every output', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(Object.keys(action.outputs).sort()).toEqual(
      [
        'agent-stats',
        'branch',
        'comment-url',
        'loop-session-id',
        'plan-json',
        'playbook-path',
        'pr-number',
        'pr-url',
        'revision',
        'session-id',
        'status',
        'tasks-path',
      ].sort(),
    );
  });

  it('is documented input by input in the README', () => {
    for (const name of INPUT_NAMES) expect(readme, name).toContain(`| \`${name}\` |`);
  });
});
