// The outputs that changed when the call sites moved to the text toolkit (src/text/): one
// rule each for table cells, quotes, code spans and cuts, where the copies used to differ.
import { describe, expect, it } from 'vitest';
import { explainErrors } from '../../src/agent/events/errors.js';
import { postableBody } from '../../src/github/comments.js';
import { renderStatusComment } from '../../src/github/status-comment.js';
import { buildPlaybook } from '../../src/plan/playbook.js';
import { formatPreflightTable } from '../../src/server/preflight-report.js';
import type { PreflightReport } from '../../src/server/preflight.js';
import { SkillSchema } from '../../src/server/schemas.js';

describe('table cells share one rule', () => {
  it('preflight reasons: backslashes before a pipe doubled, raw HTML neutralised', () => {
    const report: PreflightReport = {
      ok: false,
      serverUrl: 'http://x',
      checks: [{ name: 'docs', path: '/docs', ok: false, status: 502, ms: 1, attempts: 1, reason: 'a\\|b <!-- hidden -->' }],
    };
    expect(formatPreflightTable(report).split('\n')[2]).toBe('| docs | `/docs` | ❌ | 502 | 1 | 1 | a\\\\\\|b &lt;!-- hidden --> |');
  });

  it('playbook cells: the same rule, and code spans keep backticks instead of turning them into quotes', () => {
    const skill = SkillSchema.parse({ id: 'a`b', name: 'a`b', description: 'x \\| y', category: 'skill' });
    const row = buildPlaybook({
      skills: [skill],
      protocolSkill: null,
      protocolSkillId: 'wild_v2_sweep_run_audit_protocol',
      section: 'Sweep/Run Audit Protocol',
      serverUrl: 'http://x',
    })
      .split('\n')
      .find((line) => line.startsWith('| ``'));
    expect(row).toBe(
      '| ``a`b`` | x \\\\\\| y | The procedure the skill describes, followed step by step; its text says what it produces |',
    );
  });
});

describe('the status comment', () => {
  it('quotes a blank line as a bare > and cuts a long steer within the quote limit', () => {
    const body = renderStatusComment({ kind: 'started', trigger: '@a', steer: `one\n\ntwo\n${'x'.repeat(5_000)}` }, {});
    expect(body).toContain('> one\n>\n> two\n> x');
    const last = body.split('\n').find((line) => line.startsWith('> xxx'))!;
    expect(last.length).toBeLessThanOrEqual(3_000 + 2);
    expect(last.endsWith('…')).toBe(true);
  });

  it('fences a message by the backtick runs left after control characters are removed', () => {
    const body = renderStatusComment({ kind: 'failed', message: 'x``\u0000``y' }, {});
    expect(body).toContain('`````\nx````y\n`````');
  });
});

describe('cuts', () => {
  it('say where they cut: an agent error longer than 400 characters ends in …', () => {
    const explained = explainErrors([{ message: 'w'.repeat(1_000) }], { fallback: 'the model endpoint' });
    expect(explained?.message).toBe(`the agent reported: ${'w'.repeat(399)}…`);
  });

  it('a last-resort cut stays within a limit shorter than its notice', () => {
    expect(postableBody('x'.repeat(100), 10)).toBe('x'.repeat(10));
  });
});
