import { generatePlanMarkdown } from '../bench/plan-size.ts';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfm } from 'micromark-extension-gfm';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
for (const n of [1000, 4000, 10000]) {
  const md = generatePlanMarkdown(n);
  let t = performance.now();
  fromMarkdown(md);
  const a = performance.now() - t; t = performance.now();
  fromMarkdown(md, { extensions: [gfmTaskListItem()], mdastExtensions: [gfmTaskListItemFromMarkdown()] });
  const b = performance.now() - t; t = performance.now();
  fromMarkdown(md, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  const c = performance.now() - t; t = performance.now();
  // chunked by sections
  const parts = md.split(/\n(?=## )/);
  for (const p of parts) fromMarkdown(p, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  const d = performance.now() - t;
  console.log(n, 'plain', a.toFixed(0), 'tasklist', b.toFixed(0), 'gfm', c.toFixed(0), 'per-section gfm', d.toFixed(0));
}
