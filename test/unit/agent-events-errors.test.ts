import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseClaudeCodeEvents } from '../../src/agent/events/claude-code.js';
import { parseCodexEvents } from '../../src/agent/events/codex.js';
import { explainErrors } from '../../src/agent/events/errors.js';
import { parseOpencodeEvents } from '../../src/agent/events/opencode.js';
import { unreachableSentence } from '../../src/agent/endpoint.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/agent-events/${name}`, import.meta.url), 'utf8');
const fallback = { fallback: 'https://api.example.com' };

describe('explainErrors', () => {
  it('names the configured endpoint and the refusal for each recorded CLI failure', () => {
    const claude = explainErrors(parseClaudeCodeEvents(fixture('claude-code-endpoint-down.jsonl')).errors, {
      configured: 'http://127.0.0.1:9',
      ...fallback,
    });
    expect(claude).toEqual({
      kind: 'refused',
      endpoint: 'http://127.0.0.1:9',
      message: 'the model endpoint at http://127.0.0.1:9 is unreachable (connection refused)',
    });
    const codex = explainErrors(parseCodexEvents(fixture('codex-endpoint-down.jsonl')).errors, {
      configured: 'http://127.0.0.1:9/v1',
      ...fallback,
    });
    expect(codex).toMatchObject({
      kind: 'unreachable',
      message: 'the model endpoint at http://127.0.0.1:9/v1 is unreachable (connection failed)',
    });
  });

  it("uses the URL in the CLI's own error when no endpoint was configured", () => {
    const opencode = explainErrors(parseOpencodeEvents(fixture('opencode-endpoint-down.jsonl')).errors, fallback);
    expect(opencode).toMatchObject({ kind: 'unreachable', endpoint: 'http://127.0.0.1:9' });
    expect(explainErrors([{ message: 'ECONNREFUSED' }], fallback)?.message).toBe(
      'the model endpoint at https://api.example.com is unreachable (connection refused)',
    );
  });

  it.each([
    ['Missing environment variable: `OPENAI_API_KEY`.', 'no-key', /needs OPENAI_API_KEY .*`agent-env`/],
    ['Not logged in · Please run /login', 'no-key', /ANTHROPIC_API_KEY/],
    ['unexpected status 401 Unauthorized: Incorrect API key provided', 'auth', /rejected the credentials/],
    ['getaddrinfo ENOTFOUND llm.internal', 'dns', /\(host not found\)/],
    ['The model `gpt-9` does not exist or you do not have access to it.', 'model', /does not serve the requested model/],
    ['something odd\nhappened', 'other', /^the agent reported: something odd happened$/],
  ])('%s → %s', (message, kind, text) => {
    const explained = explainErrors([{ message }], fallback);
    expect(explained?.kind).toBe(kind);
    expect(explained?.message).toMatch(text);
  });

  it('prefers the newest error that it understands', () => {
    const explained = explainErrors([{ message: 'ECONNREFUSED' }, { message: 'HTTP 401 Unauthorized' }, { message: 'whatever' }], fallback);
    expect(explained?.kind).toBe('auth');
    expect(explainErrors([], fallback)).toBeUndefined();
  });

  it('words each probe result', () => {
    expect(unreachableSentence('http://h:1', 'refused')).toBe('the model endpoint at http://h:1 is unreachable (connection refused)');
    expect(unreachableSentence('http://h:1', 'reachable')).toMatch(/proxy/);
  });
});
