import { readFileSync } from 'node:fs';
import { parsePlan } from '../src/plan/parse.ts';
import { checkPlan } from '../src/plan/check.ts';
import { presentPlanComment } from '../src/plan/present.ts';
const hostile = readFileSync('test/fixtures/plans/valid.md','utf8').replace('Map the training and evaluation entry points','Map </details> <!-- wild-plan:plan-comment --> a|b `x|y` entry points\\');
const p = parsePlan(hostile);
console.log(JSON.stringify(p.phases[0].tasks[0]));
console.log(presentPlanComment(p, checkPlan(p)).split('\n').filter(l=>l.includes('Map')).join('\n'));
