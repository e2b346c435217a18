import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inertText, isUntrustedBlock, untrustedBlock } from '../../src/security/log-safety.js';
import { runnerCommands } from '../support/workflow-commands.js';

// What an agent (or an issue) would print to take over the step.
const HOSTILE = [
  '::error::x',
  '::error file=a.ts,line=1::injected annotation',
  '::set-output name=status::planned',
  '::add-mask::wild-plan',
  '  ::warning::indented',
  '\u0085::notice::after a .NET-only space',
  '::stop-commands::evil',
  '::evil::',
  'GET /##[set-output name=pr-url]https://evil.example 200',
  '##[add-mask]x',
  '::ERROR::upper case',
].join('\n');
// Printed after the block by the action itself: must still run, so processing resumed.
const AFTER = '\n::warning::the action speaks again';

describe('the runner simulator', () => {
  it('runs the hostile lines when they are printed bare (so the tests below can fail)', () => {
    const { commands } = runnerCommands(HOSTILE);
    expect(commands.map((c) => c.name)).toEqual([
      'error',
      'error',
      'set-output',
      'add-mask',
      'warning',
      'notice',
      // the text's own stop-commands was resumed by its own token
      'set-output',
      'add-mask',
      'error',
    ]);
    expect(runnerCommands('::stop-commands::t0k3n\n::error::x\n::t0k3n::\n::debug::y').commands.map((c) => c.name)).toEqual(['debug']);
  });
});

describe('untrustedBlock', () => {
  it('keeps every hostile line inert and resumes processing after the text', () => {
    const { commands, stopped } = runnerCommands(untrustedBlock(HOSTILE) + AFTER);
    expect(commands).toEqual([{ name: 'warning', data: 'the action speaks again', line: HOSTILE.split('\n').length + 2 }]);
    expect(stopped).toBe(false);
  });

  it('shows the text verbatim between the stop and resume lines', () => {
    const lines = untrustedBlock(HOSTILE).split('\n');
    expect(lines[0]).toMatch(/^::stop-commands::wild-plan-[0-9a-f]{32}$/);
    expect(lines.slice(1, -1).join('\n')).toBe(HOSTILE);
    expect(lines.at(-1)).toBe(`::${lines[0]!.slice('::stop-commands::'.length)}::`);
  });

  it('uses a fresh token on every call', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => untrustedBlock('x').split('\n')[0]));
    expect(tokens.size).toBe(50);
  });

  it('refuses a given token the text contains, in any letter case', () => {
    const token = 'resume-token-0123456789';
    expect(() => untrustedBlock(`x\n::${token.toUpperCase()}::\n::error::y`, token)).toThrow('occurs in the text');
    expect(() => untrustedBlock('x', 'short')).toThrow('16 or more');
    expect(() => untrustedBlock('x', 'has space in the token')).toThrow('16 or more');
  });

  it('ends the text on its own line however the text ends', () => {
    for (const text of ['', 'no newline', 'newline\n', 'carriage return\r', 'crlf\r\n::error::x']) {
      const { commands, stopped } = runnerCommands(untrustedBlock(text) + AFTER);
      expect(commands.map((c) => c.name)).toEqual(['warning']);
      expect(stopped).toBe(false);
    }
  });

  it('lets no arbitrary text run a command or keep processing stopped', () => {
    const fragment = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('::', '##[', ']', '\n', '\r', ' ', 'error', 'set-output name=x', 'stop-commands', 'wild-plan-'),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        const { commands, stopped } = runnerCommands(untrustedBlock(text) + AFTER);
        expect(commands.map((c) => c.data)).toEqual(['the action speaks again']);
        expect(stopped).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('inertText', () => {
  it('passes ordinary lines through unchanged', () => {
    const line = 'GET /wild/v2/system-health 200 12 ms';
    expect(inertText(line)).toBe(line);
  });

  it('wraps a line that could be read as a command', () => {
    const line = 'GET /##[set-output name=status]planned 404 3 ms';
    expect(runnerCommands(line).commands).toHaveLength(1);
    const wrapped = inertText(line);
    expect(wrapped).toContain(line);
    expect(runnerCommands(wrapped + AFTER).commands.map((c) => c.name)).toEqual(['warning']);
  });

  it("does not wrap a text twice: the action's log wraps what the pipeline already wrapped", () => {
    const once = inertText(HOSTILE);
    expect(isUntrustedBlock(once)).toBe(true);
    expect(inertText(once)).toBe(once);
    expect(runnerCommands(inertText(once) + AFTER).commands.map((c) => c.name)).toEqual(['warning']);
  });

  it('wraps again what only looks like a block: text before it, a token inside, no resume at the end', () => {
    const token = 'wild-plan-0123456789abcdef';
    const lookalikes = [
      `::error::x\n::stop-commands::${token}\nbody\n::${token}::`,
      `::stop-commands::${token}\n::${token.toUpperCase()}::\n::error::x\n::${token}::`,
      `::stop-commands::${token}\nbody\n::${token}::\n::error::x`,
      `::stop-commands::${token}\n::${token}::`,
      ` ::stop-commands::${token}\n::error::x\n::${token}::`,
    ];
    for (const text of lookalikes) {
      expect(isUntrustedBlock(text), text).toBe(false);
      expect(runnerCommands(inertText(text) + AFTER).commands.map((c) => c.name)).toEqual(['warning']);
    }
  });

  it('passes through only texts that run nothing and resume processing', () => {
    const token = 'wild-plan-0123456789abcdef';
    const fragment = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        '::',
        '##[',
        '\n',
        '\r',
        'error',
        'stop-commands',
        token,
        token.toUpperCase(),
        `::${token}::`,
        `::stop-commands::${token}\n`,
      ),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        const { commands, stopped } = runnerCommands(inertText(text) + AFTER);
        expect(commands.map((c) => c.data)).toEqual(['the action speaks again']);
        expect(stopped).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
