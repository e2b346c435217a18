// Events that are not for wild-plan, or people who may not ask for a plan: the run says why
// and leaves GitHub exactly as it was (no comment, no reaction, no branch).
import { describe, expect, it } from 'vitest';
import { ActionScenario, labeledIssueEvent } from '../support/action-harness.js';
import { scenariosPerTest } from '../support/scenario-per-test.js';

const create = scenariosPerTest();

async function expectUntouched(s: ActionScenario) {
  expect(s.fake.writes()).toEqual([]);
  expect(s.fake.violations).toEqual([]);
  expect(await s.git.remoteHead(s.planBranch)).toBeNull();
  // The agent never ran, so the research server was never asked anything either.
  expect(s.wild.requests).toEqual([]);
}

describe('skipped runs', () => {
  it('another label: skipped without a single API call', async () => {
    const s = await create({ event: labeledIssueEvent('bug') });
    const { result } = await s.runInProcess();
    expect(result).toMatchObject({ status: 'skipped', fail: false });
    expect(result.message).toContain('`bug` is not the trigger label `wild-plan`');
    expect(s.fake.requests).toEqual([]);
    await expectUntouched(s);
  });

  it('a custom trigger label is honoured', async () => {
    const s = await create({ event: labeledIssueEvent('plan-me'), inputs: { 'trigger-label': 'plan-me' } });
    const { result } = await s.runInProcess();
    expect(result.status).toBe('planned');
    expect(s.fake.violations).toEqual([]);
  });

  it('a sender with read access: skipped after the permission check, with zero writes', async () => {
    const s = await create({ senderRole: 'read' });
    const { result } = await s.runInProcess();
    expect(result).toMatchObject({ status: 'skipped', fail: false });
    expect(result.message).toContain('Codertocat has read access');
    expect(s.fake.requests.map((r) => r.operationId)).toEqual(['repos/get-collaborator-permission-level']);
    await expectUntouched(s);
  });

  it('a triage member commenting /wild-plan: skipped, and not even a 👀', async () => {
    const s = await create();
    s.fake.setPermission(s.repo, 'triager', 'triage');
    const event = s.commentEvent('/wild-plan please plan this', s.issueNumber, 'triager');
    s.setEvent(event);
    const { result } = await s.runInProcess();
    expect(result.status).toBe('skipped');
    expect(result.message).toContain('triager has triage access');
    expect(s.fake.comment(event.payload.comment.id)!.reactions).toEqual([]);
    await expectUntouched(s);
  });

  it('an event sent by a bot: skipped without a single API call (no loops)', async () => {
    const event = labeledIssueEvent('wild-plan');
    event.payload.sender = { ...event.payload.sender, login: 'renovate[bot]', type: 'Bot' };
    const s = await create({ event });
    const { result } = await s.runInProcess();
    expect(result).toMatchObject({ status: 'skipped', fail: false });
    expect(result.message).toContain('sent by a bot (renovate[bot])');
    expect(s.fake.requests).toEqual([]);
    await expectUntouched(s);
  });

  it("an ordinary comment, and wild-plan's own status comment: skipped without a single API call", async () => {
    const s = await create();
    for (const body of ['Thanks, looks good!', '<!-- wild-plan:status -->\n/wild-plan']) {
      s.setEvent(s.commentEvent(body));
      const { result } = await s.runInProcess();
      expect(result.status).toBe('skipped');
    }
    expect(s.fake.requests).toEqual([]);
    await expectUntouched(s);
  });
});
