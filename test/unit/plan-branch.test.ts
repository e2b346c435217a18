import { describe, expect, it } from 'vitest';
import { planBranchFor, planBranchIssue } from '../../src/action/target.js';

describe('planBranchIssue', () => {
  it('reads the issue back from a branch planBranchFor named', () => {
    expect(planBranchIssue(planBranchFor(12))).toBe(12);
    expect(planBranchIssue('wild-plan/issue-2147483647')).toBe(2 ** 31 - 1);
  });

  // A branch that only looks like ours is someone's own pull request: it must not re-plan another issue.
  it.each([
    'wild-plan/issue-07',
    'wild-plan/issue-0',
    'wild-plan/issue-0x7',
    'wild-plan/issue-1e1',
    'wild-plan/issue-#7',
    'wild-plan/issue-7 ',
    'wild-plan/issue-７',
    'wild-plan/issue-2147483648',
    'wild-plan/issue-',
    'feature/issue-7',
    'wild-plan/goal-1234abcd',
  ])('is null for %j', (ref) => {
    expect(planBranchIssue(ref)).toBeNull();
  });
});
