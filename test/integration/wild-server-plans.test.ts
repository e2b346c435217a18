import { afterEach, describe, expect, it } from 'vitest';
import { startWildServer, type WildServerFake, type WildServerOptions } from '../support/wild-server.js';

// The fake's plan-review records, held to server/integrations/plan_routes.py at research-agent
// ce2938d: shapes, status codes, exact error texts and the draft → approved → executing rule.

const TOKEN = 'lab-token-123';
let fake: WildServerFake | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function start(opts: WildServerOptions = {}) {
  fake = await startWildServer({ token: TOKEN, ...opts });
  return fake;
}

async function call(method: string, path: string, body?: unknown, token: string | null = TOKEN) {
  const server = fake;
  if (!server) throw new Error('start the fake first');
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token !== null) headers['X-Auth-Token'] = token;
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: body === undefined || method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> & Array<Record<string, unknown>> };
}

const create = async (title: string, extra: Record<string, unknown> = {}) =>
  (await call('POST', '/plans', { title, goal: `goal of ${title}`, raw_markdown: `# ${title}`, ...extra })).json;

describe('plan records', () => {
  it('creates a draft with an 8-hex id and float-second timestamps, then reads it back', async () => {
    await start();
    const before = Date.now() / 1000;
    const created = await call('POST', '/plans', { title: 'Calibration', goal: 'measure ECE', raw_markdown: '# Tasks' });
    expect(created.status).toBe(200);
    expect(Object.keys(created.json)).toEqual([
      'id',
      'title',
      'goal',
      'session_id',
      'status',
      'sections',
      'raw_markdown',
      'created_at',
      'updated_at',
    ]);
    expect(created.json).toMatchObject({
      title: 'Calibration',
      goal: 'measure ECE',
      session_id: null,
      status: 'draft',
      sections: {},
      raw_markdown: '# Tasks',
    });
    expect(String(created.json.id)).toMatch(/^[0-9a-f]{8}$/);
    const createdAt = created.json.created_at as number;
    expect(createdAt).toBeGreaterThanOrEqual(before - 1);
    expect(createdAt).toBeLessThan(before + 60);
    expect(created.json.updated_at).toBe(createdAt);

    const read = await call('GET', `/plans/${String(created.json.id)}`);
    expect(read).toEqual({ status: 200, json: created.json });
    expect(fake?.plans.get(String(created.json.id))?.status).toBe('draft');

    // raw_markdown defaults to "", a null sections to {}; a session id is kept.
    const bare = await call('POST', '/plans', { title: 't', goal: 'g', sections: null, session_id: 'chat-1' });
    expect(bare.json).toMatchObject({ raw_markdown: '', sections: {}, session_id: 'chat-1' });
  });

  it('answers 422 with FastAPI bodies for bad creates, 404 with the server text for unknown ids', async () => {
    await start();
    const missing = await call('POST', '/plans', { goal: 'g' });
    expect(missing.status).toBe(422);
    expect(missing.json.detail).toEqual([{ type: 'missing', loc: ['body', 'title'], msg: 'Field required', input: { goal: 'g' } }]);
    const wrongTypes = await call('POST', '/plans', { title: 1, goal: 'g', sections: ['a'] });
    expect((wrongTypes.json.detail as Array<{ type: string; loc: unknown[] }>).map((d) => [d.type, d.loc])).toEqual([
      ['string_type', ['body', 'title']],
      ['dict_type', ['body', 'sections']],
    ]);
    expect((await call('POST', '/plans', '')).json.detail).toEqual([
      { type: 'missing', loc: ['body'], msg: 'Field required', input: null },
    ]);

    for (const [method, path] of [
      ['GET', '/plans/deadbeef'],
      ['PATCH', '/plans/deadbeef'],
      ['POST', '/plans/deadbeef/approve'],
      ['POST', '/plans/deadbeef/execute'],
      ['DELETE', '/plans/deadbeef'],
    ] as const) {
      expect(await call(method, path, method === 'PATCH' ? {} : undefined), `${method} ${path}`).toEqual({
        status: 404,
        json: { detail: 'Plan not found' },
      });
    }
    // The body is validated before the id is looked up.
    expect((await call('PATCH', '/plans/deadbeef', { status: 3 })).status).toBe(422);
  });

  it('lists newest first, filtered by status and session id', async () => {
    await start();
    const a = await create('a', { session_id: 's1' });
    const b = await create('b', { session_id: 's2' });
    const c = await create('c', { session_id: 's1' });
    await call('POST', `/plans/${String(b.id)}/approve`);
    const ids = async (query: string) => (await call('GET', `/plans${query}`)).json.map((p) => p.id);
    expect(await ids('')).toEqual([c.id, b.id, a.id]);
    expect(await ids('?status=draft')).toEqual([c.id, a.id]);
    expect(await ids('?status=approved')).toEqual([b.id]);
    expect(await ids('?session_id=s1')).toEqual([c.id, a.id]);
    expect(await ids('?session_id=s1&status=approved')).toEqual([]);
    expect(await ids('?status=')).toEqual([c.id, b.id, a.id]); // empty filters filter nothing
  });

  it('patches fields, rejects an unknown status with the server text, and keeps its title-first quirk', async () => {
    await start();
    const plan = await create('old');
    const id = String(plan.id);
    const patched = await call('PATCH', `/plans/${id}`, { title: 'new', raw_markdown: '# v2', sections: { goal: 'x' } });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ id, title: 'new', raw_markdown: '# v2', sections: { goal: 'x' }, status: 'draft' });
    expect(patched.json.updated_at as number).toBeGreaterThan(plan.updated_at as number);
    expect(patched.json.created_at).toBe(plan.created_at);

    const bad = await call('PATCH', `/plans/${id}`, { title: 'half-applied', status: 'bogus' });
    expect(bad).toEqual({
      status: 400,
      json: { detail: "Invalid status 'bogus'. Must be one of: approved, archived, completed, draft, executing" },
    });
    // The server sets the title before it checks the status: the 400 leaves it changed.
    const after = (await call('GET', `/plans/${id}`)).json;
    expect(after).toMatchObject({ title: 'half-applied', status: 'draft', updated_at: patched.json.updated_at });
    expect((await call('PATCH', `/plans/${id}`, { status: '' })).status).toBe(400);

    for (const status of ['completed', 'archived', 'executing', 'approved', 'draft']) {
      expect((await call('PATCH', `/plans/${id}`, { status })).json.status).toBe(status);
    }
    expect((await call('DELETE', `/plans/${id}`)).json).toEqual({ deleted: true, id });
    expect((await call('GET', `/plans/${id}`)).status).toBe(404);
  });

  it('approves only drafts and executes only approved plans', async () => {
    await start();
    const id = String((await create('p')).id);
    expect(await call('POST', `/plans/${id}/execute`)).toEqual({
      status: 400,
      json: { detail: "Cannot execute a plan with status 'draft'. Only approved plans can be executed." },
    });
    const approved = await call('POST', `/plans/${id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.json.status).toBe('approved');
    expect(await call('POST', `/plans/${id}/approve`)).toEqual({
      status: 400,
      json: { detail: "Cannot approve a plan with status 'approved'. Only draft plans can be approved." },
    });
    const executing = await call('POST', `/plans/${id}/execute`);
    expect(executing.json.status).toBe('executing');
    expect((await call('POST', `/plans/${id}/execute`)).json.detail).toBe(
      "Cannot execute a plan with status 'executing'. Only approved plans can be executed.",
    );
    // "execute" records a state and nothing more: no research session exists.
    expect((await call('GET', '/wild/v2/status')).json).toEqual({ active: false });
    // PATCH may set any valid status, bypassing the approve rule.
    await call('PATCH', `/plans/${id}`, { status: 'archived' });
    expect((await call('POST', `/plans/${id}/approve`)).json.detail).toBe(
      "Cannot approve a plan with status 'archived'. Only draft plans can be approved.",
    );
  });

  it('needs the token for every plan route when the server has one', async () => {
    await start();
    const id = String((await create('p')).id);
    for (const [method, path] of [
      ['GET', '/plans'],
      ['POST', '/plans'],
      ['GET', `/plans/${id}`],
      ['PATCH', `/plans/${id}`],
      ['POST', `/plans/${id}/approve`],
      ['POST', `/plans/${id}/execute`],
      ['DELETE', `/plans/${id}`],
    ] as const) {
      for (const token of [null, 'wrong']) {
        expect(await call(method, path, {}, token), `${method} ${path} ${String(token)}`).toEqual({
          status: 401,
          json: { detail: 'Unauthorized - invalid or missing X-Auth-Token' },
        });
      }
    }
    expect(fake?.plans.get(id)?.status).toBe('draft');
  });

  it('serves without a token when the server has none', async () => {
    fake = await startWildServer();
    const created = await call('POST', '/plans', { title: 't', goal: 'g' }, null);
    expect(created.status).toBe(200);
    expect((await call('GET', '/plans', undefined, null)).json).toHaveLength(1);
  });

  it('404s every plan route on a deployment without plans, and keeps the rest', async () => {
    fake = await startWildServer({ plans: false });
    for (const [method, path] of [
      ['GET', '/plans'],
      ['POST', '/plans'],
      ['GET', '/plans/deadbeef'],
      ['PATCH', '/plans/deadbeef'],
      ['POST', '/plans/deadbeef/approve'],
      ['POST', '/plans/deadbeef/execute'],
    ] as const) {
      expect(await call(method, path, { title: 't', goal: 'g' }, null), `${method} ${path}`).toEqual({
        status: 404,
        json: { detail: 'Not Found' },
      });
    }
    expect((await call('POST', '/wild/v2/start', { goal: 'g' }, null)).status).toBe(200);
  });
});
