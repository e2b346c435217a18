import { describe, expect, it } from 'vitest';
import { renderAbortChecklist } from '../../src/plan/abort.js';
import { checkPlan } from '../../src/plan/check.js';
import { renderPlanMarkdown } from '../../src/plan/markdown.js';
import { parsePlan } from '../../src/plan/parse.js';

const reasons = [
  'GET http://127.0.0.1:8787/docs: connect ECONNREFUSED 127.0.0.1:8787',
  'GET http://127.0.0.1:8787/wild/v2/system-health: HTTP 503 Service Unavailable',
];

describe('renderAbortChecklist', () => {
  const text = renderAbortChecklist(reasons);

  it('writes the sentinel and checks every item, as the prompt defines the abort checklist', () => {
    expect(text).toContain('ABORT_EARLY_DOCS_CHECK_FAILED');
    const items = text.split('\n').filter((l) => l.startsWith('- '));
    expect(items.length).toBeGreaterThanOrEqual(reasons.length + 1);
    for (const item of items) expect(item).toMatch(/^- \[x\] /);
  });

  it('lists each failed preflight check', () => {
    for (const reason of reasons) expect(text).toContain(reason);
  });

  it('parses back as an abort checklist with the same reasons', () => {
    const plan = parsePlan(text);
    expect(plan.abort).toBe(true);
    expect(plan.abortReasons).toEqual(reasons);
    expect(checkPlan(plan).map((f) => f.rule)).toEqual(['abort-checklist']);
    expect(renderPlanMarkdown(plan)).toBe(text);
  });

  it('keeps a multi-line reason on one item', () => {
    const plan = parsePlan(renderAbortChecklist(['GET /docs failed:\n  <html>502</html>']));
    expect(plan.abortReasons).toEqual(['GET /docs failed: <html>502</html>']);
  });

  it('is still an abort checklist with no reasons', () => {
    const plan = parsePlan(renderAbortChecklist([]));
    expect(plan.abort).toBe(true);
    expect(plan.abortReasons).toEqual([]);
  });
});
