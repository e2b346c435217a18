// The built action (dist/index.js, as GitHub runs it) through the whole cycle on one plan:
// label → plan; "Request changes" with an inline comment → revision 2; approve → the server's
// record approved; `/wild-plan run` → the loop started; `/wild-plan status` → its progress.
// Every step with GitHub's real webhook payloads, and no secret anywhere it could leak.
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { chatSessionFor } from '../../src/action/loop-words.js';
import { ActionScenario, DIST_ENTRY, PLAN_MARKER } from '../support/action-harness.js';

const TASKS = '.wild/plans/issue-1/tasks.md';

beforeAll(() => {
  if (!existsSync(DIST_ENTRY)) throw new Error(`${DIST_ENTRY} is missing; dist/ is committed — run npm run build`);
});

describe('dist/index.js: ask → plan → review → approve → run → watch', () => {
  it('runs the cycle on one plan PR, each step answering in the same sticky comment', { timeout: 240_000 }, async () => {
    const s = await ActionScenario.create();
    try {
      const first = await s.runDist();
      expect(first.code).toBe(0);
      expect(first.outputs).toMatchObject({ status: 'planned', revision: '1', 'pr-number': '2' });

      const lines = ((await s.git.remoteFile(s.planBranch, TASKS)) ?? '').split('\n');
      const line = lines.findIndex((l) => l.includes('[P2-T1]')) + 1;
      s.setEvent(
        await s.reviewEvent(2, {
          state: 'changes_requested',
          body: 'Three seeds.',
          comments: [{ path: TASKS, line, body: 'Stronger baseline.' }],
        }),
      );
      const review = await s.runDist();
      expect(review.code).toBe(0);
      expect(review.outputs).toMatchObject({ status: 'planned', revision: '2' });
      expect((await s.git.remoteFile(s.planBranch, TASKS)) ?? '').toContain('Stronger baseline.');

      s.setEvent(await s.reviewEvent(2, { state: 'approved' }));
      const approve = await s.runDist();
      expect(approve.outputs.status).toBe('approved');
      expect([...s.wild.plans.values()].map((p) => p.status)).toEqual(['approved']);

      s.setEvent(s.commentEvent('/wild-plan run', 2));
      const run = await s.runDist();
      expect(run.code).toBe(0);
      expect(run.outputs.status).toBe('started');
      const chat = chatSessionFor({ owner: s.owner, repo: s.name }, 1);
      expect(run.outputs['loop-session-id']).toBe(s.wild.loopSession(chat)?.session_id);

      s.wild.advanceLoop(chat, 3);
      s.setEvent(s.commentEvent('/wild-plan status', 2));
      const status = await s.runDist();
      expect(status.outputs.status).toBe('loop-updated');

      const comments = s.marked(2, PLAN_MARKER);
      expect(comments).toHaveLength(1);
      expect(comments[0]!.body).toContain('**Revision 2**');
      expect(comments[0]!.body).toContain('Tasks: 1 done');
      expect(s.fake.violations).toEqual([]);
      const everything = [first, review, approve, run, status]
        .map((r) => `${r.stdout}\n${r.stderr}\n${JSON.stringify(r.outputs)}\n${r.summary}`)
        .join('\n');
      const unmasked = everything
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n');
      expect(unmasked).not.toContain(s.githubToken);
      expect(unmasked).not.toContain(s.serverToken);
      expect(JSON.stringify(s.fake.requests.map((r) => r.body ?? null))).not.toContain(s.serverToken);
    } finally {
      await s.dispose();
    }
  });
});
