import { afterEach, describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '../../src/server/schemas.js';
import { startWildServer, type WildServerFake } from '../support/wild-server.js';

// The sweep/run flow of the audit protocol skill, as the fake answers it.

const TOKEN = 'lab-token-123';
const HEX12 = /^[0-9a-f]{12}$/;
let fake: WildServerFake | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function post(server: WildServerFake, path: string, body: string) {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'X-Auth-Token': TOKEN, 'Content-Type': 'application/json' },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
async function get(server: WildServerFake, path: string) {
  const res = await fetch(`${server.url}${path}`, { headers: { 'X-Auth-Token': TOKEN } });
  return { status: res.status, json: (await res.json()) as unknown };
}

describe('sweeps and runs', () => {
  it('creates a wild sweep and runs attached to it, all visible to monitoring', async () => {
    const server = (fake = await startWildServer({ token: TOKEN }));
    const sweep = await post(
      server,
      '/sweeps/wild',
      JSON.stringify({ name: 'mnist-grid', goal: 'grid search', chat_session_id: 'wild-1a2b3c4d' }),
    );
    expect(sweep.status).toBe(200);
    expect(sweep.json).toMatchObject({
      name: 'mnist-grid',
      goal: 'grid search',
      status: 'pending',
      is_wild: true,
      run_ids: [],
      chat_session_id: 'wild-1a2b3c4d',
    });
    const sweepId = String(sweep.json.id);
    expect(sweepId).toMatch(HEX12);

    const run = await post(
      server,
      '/runs',
      JSON.stringify({ name: 'lr1e-2', command: 'cd /w && python train.py --lr 1e-2', sweep_id: sweepId, auto_start: true }),
    );
    expect(run.status).toBe(200);
    expect(run.json).toMatchObject({ name: 'lr1e-2', sweep_id: sweepId, status: 'queued', is_archived: false });
    expect(String(run.json.id)).toMatch(HEX12);
    const idle = await post(server, '/runs', JSON.stringify({ name: 'lr5e-3', command: 'python train.py --lr 5e-3', sweep_id: sweepId }));
    expect(idle.json.status).toBe('ready');

    expect(((await get(server, '/runs')).json as Array<{ id: string }>).map((r) => r.id).sort()).toEqual(
      [run.json.id, idle.json.id].sort(),
    );
    expect((await get(server, `/sweeps/${sweepId}`)).json).toMatchObject({
      run_ids: [run.json.id, idle.json.id],
      progress: { total: 2, queued: 1, ready: 1 },
    });
    expect(((await get(server, '/sweeps')).json as Array<{ id: string }>).map((s) => s.id)).toEqual([sweepId]);
    expect((await get(server, '/wild/v2/system-health')).json).toEqual({
      running: 0,
      queued: 2,
      completed: 0,
      failed: 0,
      total: 2,
      max_concurrent: 5,
    });
  });

  it('fills the wild sweep defaults from an empty body', async () => {
    const server = (fake = await startWildServer({ token: TOKEN }));
    const sweep = await post(server, '/sweeps/wild', '{}');
    expect(sweep.json).toMatchObject({ name: 'Wild Loop Sweep', goal: '', chat_session_id: null });
  });

  it('404s a run for an unknown sweep', async () => {
    const server = (fake = await startWildServer({ token: TOKEN }));
    const res = await post(server, '/runs', JSON.stringify({ name: 'x', command: 'true', sweep_id: 'ffffffffffff' }));
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ detail: 'Sweep not found: ffffffffffff' });
  });

  it('422s invalid bodies with FastAPI detail arrays', async () => {
    const server = (fake = await startWildServer({ token: TOKEN }));
    const missing = await post(server, '/runs', JSON.stringify({ name: 'x' }));
    expect(missing.status).toBe(422);
    expect(ErrorBodySchema.parse(missing.json).detail).toEqual([
      expect.objectContaining({ type: 'missing', loc: ['body', 'command'], msg: 'Field required' }),
    ]);

    const wrongType = await post(server, '/runs', JSON.stringify({ name: 1, command: 'c', auto_start: 'maybe' }));
    expect((wrongType.json.detail as Array<{ type: string; loc: unknown[] }>).map((d) => [d.type, d.loc])).toEqual([
      ['string_type', ['body', 'name']],
      ['bool_parsing', ['body', 'auto_start']],
    ]);

    const notJson = await post(server, '/sweeps/wild', 'name=sweep');
    expect(notJson.status).toBe(422);
    expect(ErrorBodySchema.parse(notJson.json).detail).toEqual([expect.objectContaining({ type: 'json_invalid' })]);

    const notObject = await post(server, '/runs', '[1]');
    expect(ErrorBodySchema.parse(notObject.json).detail).toEqual([
      expect.objectContaining({ type: 'model_attributes_type', loc: ['body'] }),
    ]);
  });

  it('404s an unknown run id and 501s documented operations it does not model', async () => {
    const server = (fake = await startWildServer({ token: TOKEN }));
    expect((await get(server, '/runs/000000000000')).json).toEqual({ detail: 'Run not found' });
    const start = await post(server, '/cluster/detect', '{}');
    expect(start.status).toBe(501);
  });
});
