import { afterEach, describe, expect, it } from 'vitest';
import { fetchSkill, SkillFetchError } from '../../src/server/skills.js';
import { startWildServer, type WildServerFake } from '../support/wild-server.js';

// fetchSkill against the fake: the audit-protocol skill the playbook summarises.

const AUDIT = 'wild_v2_sweep_run_audit_protocol';
let fake: WildServerFake | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

const noWait = async () => {};

describe('fetchSkill', () => {
  it('fetches the audit protocol skill, validated', async () => {
    fake = await startWildServer({ token: 'tok' });
    const skill = await fetchSkill({ serverUrl: `${fake.url}/`, timeoutMs: 5000 }, AUDIT);

    expect(skill).toMatchObject({
      id: AUDIT,
      name: AUDIT,
      description: 'Mandatory protocol for creating auditable experiments via sweep/run endpoints in Wild V2',
      category: 'protocol',
      variables: [],
      built_in: true,
    });
    expect(skill?.template).toMatch(/^# Wild V2 Sweep\/Run Audit Protocol/);
    expect(skill?.template).toContain('curl -X POST "$SERVER_URL/sweeps/wild"');
    expect(skill?.template).toContain('-H "X-Auth-Token: $AUTH_TOKEN"');
    expect(fake.requests.map((r) => r.path)).toEqual([`/prompt-skills/${AUDIT}`]);
  });

  it('returns null when the server does not ship the skill', async () => {
    fake = await startWildServer();
    expect(await fetchSkill({ serverUrl: fake.url, timeoutMs: 5000 }, 'no_such_skill')).toBeNull();
  });

  it('retries a transient 503', async () => {
    fake = await startWildServer();
    await fake.setFault(`/prompt-skills/${AUDIT}`, { kind: 'status', statuses: [503] });
    const skill = await fetchSkill({ serverUrl: fake.url, timeoutMs: 5000, sleep: noWait }, AUDIT);
    expect(skill?.id).toBe(AUDIT);
  });

  it('throws a SkillFetchError with the reason for other failures', async () => {
    fake = await startWildServer();
    await fake.setFault(`/prompt-skills/${AUDIT}`, { kind: 'html' });
    await expect(fetchSkill({ serverUrl: fake.url, timeoutMs: 5000 }, AUDIT)).rejects.toThrow(
      new SkillFetchError(
        `GET /prompt-skills/${AUDIT}: expected JSON, got HTML — is \`server-url\` pointing at a web page or proxy login?`,
      ),
    );
    await fake.setFault(`/prompt-skills/${AUDIT}`, { kind: 'wrong-shape' });
    await expect(fetchSkill({ serverUrl: fake.url, timeoutMs: 5000 }, AUDIT)).rejects.toThrow(/wrong shape/);
    await fake.setFault('*', { kind: 'down' });
    await expect(fetchSkill({ serverUrl: fake.url, timeoutMs: 5000, sleep: noWait }, AUDIT)).rejects.toBeInstanceOf(SkillFetchError);
  });

  it('refuses ids that would change the URL', async () => {
    await expect(fetchSkill({ serverUrl: 'http://127.0.0.1:9', timeoutMs: 1000 }, '../runs')).rejects.toThrow(/invalid skill id/);
  });
});
