import { generatePlanMarkdown } from '/work/main/bench/plan-size.ts';
import { parsePlan } from '/work/main/src/plan/parse.ts';
import { checkPlan } from '/work/main/src/plan/check.ts';
import { presentPlanComment } from '/work/main/src/plan/present.ts';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfm } from 'micromark-extension-gfm';
import { gfmFromMarkdown } from 'mdast-util-gfm';
for (const n of [1000, 10000]) {
  const md = generatePlanMarkdown(n);
  for (let i = 0; i < 2; i++) {
    let t = performance.now();
    fromMarkdown(md, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
    const tm = performance.now() - t; t = performance.now();
    const p = parsePlan(md); const tp = performance.now() - t; t = performance.now();
    const f = checkPlan(p); const tc = performance.now() - t; t = performance.now();
    const c = presentPlanComment(p, f); const tr = performance.now() - t;
    console.log(n, md.length, 'mdast', tm.toFixed(0), 'parse', tp.toFixed(0), 'check', tc.toFixed(0), 'present', tr.toFixed(0), f.length, c.length);
  }
}
