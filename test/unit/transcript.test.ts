import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTranscript } from '../../src/agent/transcript.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/transcripts/${name}`, import.meta.url), 'utf8');

/** The engine's parsers (server/agent/v2_prompts.py), for the cases where the two must agree. */
function engine(text: string): { plan: string | null; summary: string | null; promise: string | null } {
  const first = (tag: string): string | null => new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(text)?.[1]?.trim() ?? null;
  return { plan: first('plan'), summary: first('summary'), promise: first('promise')?.toUpperCase() ?? null };
}

const PLAN = '## Phase 1 - Setup\n- [ ] [P1-T1] Map the code | deliverable: notes.md | done-when: notes.md exists';

describe('parseTranscript on agent transcripts', () => {
  it('skips the echoed prompt example and quoted abort lines for the real plan', () => {
    const text = fixture('echoed-prompt-then-plan.txt');
    const result = parseTranscript(text);
    expect(result.plan).toMatch(/^## Phase 1 - Code Understanding and Refactor Prep\n- \[ \] \[P1-T1\] Map the training entry points/);
    expect(result.plan).toMatch(/- Key codebase findings: a single training script, no experiment folder yet$/);
    expect(result.plan).not.toContain('<plan>');
    expect(result.summary).toBe('Wrote a 2-phase plan with 3 tasks to .wild/tasks.md.');
    expect(result.promise).toBe('DONE');
    // Where the engine's first-match reading goes wrong on the same text:
    expect(engine(text).summary).toBe('Server docs/API preflight failed; planning aborted.');
    expect(engine(text).plan).toMatch(/^`\.\n/);
  });

  it('unwraps a plan fenced as a whole, keeping its inner code blocks', () => {
    expect(parseTranscript(fixture('fenced-plan.txt'))).toEqual({
      plan: '## Phase 1 - Baselines\n- [ ] [P1-T1] Run the baseline | deliverable: exp/results/base.json | done-when: the file exists\n\n```bash\npython train.py --seed 1\n```',
      summary: null,
      promise: 'DONE',
    });
  });

  it('reads an abort: no plan, the abort summary, DONE', () => {
    expect(parseTranscript(fixture('abort.txt'))).toEqual({
      plan: null,
      summary: 'Server docs/API preflight failed; planning aborted.',
      promise: 'DONE',
    });
  });
});

describe('parseTranscript edge cases', () => {
  it.each([
    ['no tags at all', 'I could not reach the server.', { plan: null, summary: null, promise: null }],
    ['empty input', '', { plan: null, summary: null, promise: null }],
    ['two real plans: the first wins', `<plan>\n${PLAN}\n</plan>\n<plan>\nsecond\n</plan>`, { plan: PLAN }],
    [
      'placeholder then real',
      `<plan>(full tasks markdown)</plan>\n<plan>...</plan>\n<plan><your plan here></plan>\n<plan>\n${PLAN}\n</plan>`,
      { plan: PLAN },
    ],
    ['only placeholders', '<plan>\n(full tasks markdown)\n</plan><plan>  </plan><plan>…</plan>', { plan: null }],
    ['unclosed plan', `<plan>\n${PLAN}\n(the agent was stopped here)`, { plan: null }],
    ['unclosed opening before a real pair', `Output <plan> next:\n<plan>\n${PLAN}\n</plan>`, { plan: PLAN }],
    ['stray closing tag', `</plan> then <plan>${PLAN}</plan>`, { plan: PLAN }],
    ['promise case and spaces', '<promise> done \n</promise>', { promise: 'DONE' }],
    ['empty promise is still an answer', '<promise></promise>', { promise: '' }],
    ['tags inside a code fence', `\`\`\`\n<plan>\n${PLAN}\n</plan>\n\`\`\``, { plan: PLAN }],
    [
      'only inline-quoted tags still count',
      'Final: `<promise>DONE</promise>` and `<summary>ok</summary>`',
      { promise: 'DONE', summary: 'ok' },
    ],
    ['CRLF line ends', `<plan>\r\n${PLAN.replace(/\n/g, '\r\n')}\r\n</plan>\r\n<summary>a\r\nb</summary>`, { plan: PLAN, summary: 'a\nb' }],
    ['NUL characters dropped', `<plan>\u0000${PLAN}\u0000</plan>`, { plan: PLAN }],
    ['tags are case-sensitive like the engine', `<PLAN>${PLAN}</PLAN>`, { plan: null }],
    [
      'a fence that does not wrap the whole plan stays',
      '<plan>\n```\n## Phase 1\n```\ntext after\n</plan>',
      { plan: '```\n## Phase 1\n```\ntext after' },
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseTranscript(text)).toMatchObject(expected);
  });

  it('survives binary garbage around the tags', () => {
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256);
    const garbage = Buffer.from(bytes).toString('latin1');
    expect(parseTranscript(`${garbage}<plan>${PLAN}</plan>${garbage}`).plan).toBe(PLAN);
    expect(() => parseTranscript(Buffer.from(bytes).toString('utf8'))).not.toThrow();
  });

  it('returns nothing, without throwing, for input that is not a string', () => {
    expect(parseTranscript(undefined as unknown as string)).toEqual({ plan: null, summary: null, promise: null });
  });

  it('scans 5 MB of unclosed openings', () => {
    const text = '<plan>'.repeat(Math.ceil((5 * 1024 * 1024) / 6));
    expect(parseTranscript(text)).toEqual({ plan: null, summary: null, promise: null });
    expect(parseTranscript(`${text}${PLAN}</plan>`).plan).toBe(PLAN);
  });

  it('scans 5 MB of quoted tags on one line', () => {
    const text = '`<plan>` `'.repeat(500_000);
    expect(parseTranscript(`${text}\n<plan>${PLAN}</plan>`).plan).toBe(PLAN);
    expect(parseTranscript('</plan><summary>'.repeat(350_000)).summary).toBeNull();
  });
});

describe('parseTranscript properties', () => {
  const soup = fc.string({
    unit: fc.oneof(
      fc.constantFrom('<plan>', '</plan>', '<summary>', '</summary>', '<promise>', '</promise>', '`', '```', '\n', '\r\n', '(', ')', '...'),
      fc.string({ unit: 'binary', maxLength: 3 }),
      fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
    ),
    maxLength: 80,
  });

  it('never throws and returns strings or nulls', () => {
    fc.assert(
      fc.property(soup, (text) => {
        const result = parseTranscript(text);
        for (const value of Object.values(result)) expect(value === null || typeof value === 'string').toBe(true);
        if (result.promise !== null) expect(result.promise).toBe(result.promise.toUpperCase());
      }),
      { numRuns: 3000 },
    );
  });

  it('reads one well-formed answer exactly as the engine does', () => {
    const plain = fc.string({ unit: fc.constantFrom('a', 'B', ' ', '\n', '#', '-', '[', ']', '|', ':', '.'), maxLength: 40 });
    const realPlan = plain.filter((body) => /[a-zA-Z]/.test(body) && !/^\s*[[.]/.test(body.trim()));
    fc.assert(
      fc.property(plain, realPlan, plain, plain, plain, (before, plan, between, summary, promise) => {
        const text = `${before}<plan>${plan}</plan>${between}<summary>${summary}</summary>\n<promise>${promise}</promise>`;
        expect(parseTranscript(text)).toEqual(engine(text));
      }),
      { numRuns: 1000 },
    );
  });
});
