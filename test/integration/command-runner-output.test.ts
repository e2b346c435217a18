import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandRunner } from '../../src/agent/command.js';
import { DEFAULT_MAX_OUTPUT_BYTES, TailBuffer } from '../../src/agent/process.js';

const AGENT = fileURLToPath(new URL('../support/scripted-agent.mjs', import.meta.url));
const agent = (mode: string) => `${JSON.stringify(process.execPath)} ${JSON.stringify(AGENT)} --mode ${mode}`;

let workdir: string;
beforeEach(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'wild-out-'));
});
afterEach(async () => {
  await rm(workdir, { recursive: true, force: true });
});

const request = (maxOutputBytes?: number) => ({
  prompt: `## Goal\n\nSpeed up the tokenizer\n\n---\n\nIMPORTANT: Your working directory is \`${workdir}\`.\n`,
  workdir,
  env: {},
  timeoutMs: 25_000,
  maxOutputBytes,
});

describe('agent output', () => {
  it('keeps the tail of a 50 MB transcript, where the plan is, within the default cap', async () => {
    const result = await new CommandRunner({ command: agent('huge') }).run(request());

    expect(result.exitCode).toBe(0);
    expect(result.truncated).toBe(true);
    expect(Buffer.byteLength(result.transcript)).toBeLessThanOrEqual(DEFAULT_MAX_OUTPUT_BYTES);
    expect(result.transcript).toMatch(/<plan>\n## Planning Notes[\s\S]*## Shared Metrics and Analytics Contract[\s\S]*<\/plan>/);
    expect(result.transcript.trimEnd().endsWith('<promise>DONE</promise>')).toBe(true);
    expect(result.transcript).not.toContain('Read the prompt'); // the head was dropped
  });

  it('honours a smaller cap from the request', async () => {
    const result = await new CommandRunner({ command: agent('huge') }).run(request(64 * 1024));

    expect(result.truncated).toBe(true);
    expect(Buffer.byteLength(result.transcript)).toBeLessThanOrEqual(64 * 1024);
    expect(result.transcript).toContain('<promise>DONE</promise>');
  });

  it('decodes invalid UTF-8 with replacement characters instead of failing', async () => {
    const result = await new CommandRunner({ command: agent('garbage') }).run(request());

    expect(result.exitCode).toBe(0);
    expect(result.truncated).toBe(false);
    expect(result.transcript).toContain('\uFFFD');
    expect(result.transcript).not.toContain('<plan>');
  });
});

describe('TailBuffer', () => {
  it('holds no more than its capacity however much streams through', () => {
    const capacity = 1024 * 1024;
    const buffer = new TailBuffer(capacity);
    const chunk = Buffer.alloc(64 * 1024, 'a');
    for (let i = 0; i < 800; i++) buffer.push(chunk); // 50 MiB
    buffer.push(Buffer.from('<plan>end</plan>'));

    expect(buffer.size).toBeLessThanOrEqual(capacity);
    expect(buffer.truncated).toBe(true);
    expect(buffer.text().endsWith('aaa<plan>end</plan>')).toBe(true);
  });

  it('keeps exactly the last bytes across chunk boundaries', () => {
    const buffer = new TailBuffer(10);
    buffer.push(Buffer.from('abc'));
    expect([buffer.text(), buffer.truncated]).toEqual(['abc', false]);
    buffer.push(Buffer.from('defghij'));
    expect([buffer.text(), buffer.truncated]).toEqual(['abcdefghij', false]);
    buffer.push(Buffer.from('kl'));
    expect([buffer.text(), buffer.truncated]).toEqual(['cdefghijkl', true]);
    buffer.push(Buffer.from('0123456789XYZ'));
    expect(buffer.text()).toBe('3456789XYZ');
  });

  it('does not open the kept tail with half a character', () => {
    const buffer = new TailBuffer(5);
    buffer.push(Buffer.from('ab€€')); // € is 3 bytes: the cut lands inside the first one
    expect(buffer.truncated).toBe(true);
    expect(buffer.text()).toBe('€');
  });
});
