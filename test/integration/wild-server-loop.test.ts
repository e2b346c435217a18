import { afterEach, describe, expect, it } from 'vitest';
import { startWildServer, type WildServerFake, type WildServerOptions } from '../support/wild-server.js';

// The fake's /wild/v2/* routes and its test-driven loop, held to server/agent/wild_routes.py and
// server/agent/wild_loop_v2.py at research-agent ce2938d.

const TOKEN = 'lab-token-123';
const WORKDIR = '/home/researcher/project';
const SESSION_KEYS = [
  'session_id',
  'goal',
  'status',
  'iteration',
  'max_iterations',
  'plan',
  'history',
  'started_at',
  'finished_at',
  'steer_context',
  'chat_session_id',
  'opencode_sessions',
  'reflection',
  'no_progress_streak',
  'short_iteration_count',
  'autonomy_level',
  'away_duration_minutes',
  'evo_sweep_enabled',
];
const TASKS = [
  '# Tasks',
  '',
  '## Phase 1: Baseline',
  '- [ ] Reproduce the baseline ECE',
  '- [ ] Log calibration curves',
  '',
  '## Phase 2: Fixes',
  '- [ ] Add temperature scaling',
].join('\n');
const GOAL = `Measure calibration.\n\nFollow this reviewed plan:\n\n\`\`\`markdown\n${TASKS}\n\`\`\`\n`;

type Obj = Record<string, unknown>;
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
  if (!fake) throw new Error('start the fake first');
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token !== null) headers['X-Auth-Token'] = token;
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers,
    body: body === undefined || method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Obj };
}
const post = async (path: string, body: unknown = {}) => (await call('POST', path, body)).json;
const get = async (path: string) => (await call('GET', path)).json;
const plan = async (chat?: string) => String((await get(`/wild/v2/plan/ignored${chat ? `?chat_session_id=${chat}` : ''}`)).plan);
const log = async (chat?: string) => String((await get(`/wild/v2/iteration-log/ignored${chat ? `?chat_session_id=${chat}` : ''}`)).log);
const history = (s: Obj | null) => (s?.history ?? []) as Array<Obj>;

describe('wild loop routes', () => {
  it('starts a session shaped like to_dict, with the placeholder tasks.md and an empty log', async () => {
    await start();
    const before = Date.now() / 1000;
    const res = await call('POST', '/wild/v2/start', { goal: 'Measure calibration', chat_session_id: 'chat-1' });
    expect(res.status).toBe(200);
    const s = res.json;
    expect(Object.keys(s)).toEqual(SESSION_KEYS);
    expect(s).toMatchObject({
      goal: 'Measure calibration',
      status: 'running',
      iteration: 0,
      max_iterations: 25,
      plan: '', // in memory until planning; tasks.md on disk holds the placeholder
      history: [],
      finished_at: null,
      steer_context: '',
      chat_session_id: 'chat-1',
      opencode_sessions: [],
      reflection: '',
      no_progress_streak: 0,
      short_iteration_count: 0,
      autonomy_level: 'balanced',
      away_duration_minutes: 0,
      evo_sweep_enabled: false,
    });
    expect(String(s.session_id)).toMatch(/^wild-[0-9a-f]{8}$/);
    expect(s.started_at as number).toBeGreaterThanOrEqual(before - 1);

    const status = await get('/wild/v2/status?chat_session_id=chat-1');
    expect(Object.keys(status)).toEqual([
      ...SESSION_KEYS,
      'active',
      'session_dir',
      'workdir',
      'opencode_pwd',
      'opencode_pwd_note',
      'iteration_log',
    ]);
    expect(status).toMatchObject({
      session_id: s.session_id,
      active: true,
      session_dir: `${WORKDIR}/.agents/wild/${String(s.session_id)}`,
      workdir: WORKDIR,
      opencode_pwd: null,
      plan: '# Tasks\n\n## Goal\nMeasure calibration\n\n## Tasks\n- [ ] (Agent will decompose the goal into tasks on iteration 1)\n',
    });
    expect(String(status.iteration_log)).toMatch(
      /^# Iteration Log\n\nGoal: Measure calibration\nStarted: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n\n---\n\n$/,
    );
    expect(await plan('chat-1')).toBe(status.plan);
    expect(await log('chat-1')).toBe(status.iteration_log);

    const custom = await post('/wild/v2/start', { goal: 'g', max_iterations: '7', wait_seconds: '1.5', evo_sweep_enabled: 'yes' });
    expect(custom).toMatchObject({ max_iterations: 7, evo_sweep_enabled: true, chat_session_id: null });
    expect(custom).not.toHaveProperty('wait_seconds');
  });

  it('validates bodies as FastAPI does', async () => {
    await start();
    const details = async (path: string, body: unknown) => {
      const res = await call('POST', path, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      return (res.json.detail as Array<{ type: string; loc: unknown[] }>).map((d) => [d.type, d.loc]);
    };
    expect(await details('/wild/v2/start', {})).toEqual([['missing', ['body', 'goal']]]);
    expect(await details('/wild/v2/start', { goal: 'g', max_iterations: 2.5, wait_seconds: 'soon', evo_sweep_enabled: 'maybe' })).toEqual([
      ['int_from_float', ['body', 'max_iterations']],
      ['float_parsing', ['body', 'wait_seconds']],
      ['bool_parsing', ['body', 'evo_sweep_enabled']],
    ]);
    expect(await details('/wild/v2/start', { goal: 'g', max_iterations: 'ten' })).toEqual([['int_parsing', ['body', 'max_iterations']]]);
    expect(await details('/wild/v2/steer', { chat_session_id: 'c' })).toEqual([['missing', ['body', 'context']]]);
    expect(await details('/wild/v2/events/x/resolve', { event_ids: 'a' })).toEqual([['list_type', ['body', 'event_ids']]]);
    // The control routes take a body model: no body at all is a 422, `{}` is fine.
    for (const action of ['stop', 'pause', 'resume']) {
      expect(await details(`/wild/v2/${action}`, '')).toEqual([['missing', ['body']]]);
      expect(await details(`/wild/v2/${action}`, { chat_session_id: 5 })).toEqual([['string_type', ['body', 'chat_session_id']]]);
      expect((await call('POST', `/wild/v2/${action}`, {})).status).toBe(200);
    }
  });

  it('answers 200 with the engine fallbacks when there is no session', async () => {
    await start();
    expect(await call('GET', '/wild/v2/status')).toEqual({ status: 200, json: { active: false } });
    expect(await get('/wild/v2/plan/wild-00000000')).toEqual({ plan: '' });
    expect(await get('/wild/v2/iteration-log/wild-00000000')).toEqual({ log: '' });
    expect(await call('POST', '/wild/v2/pause', {})).toEqual({ status: 200, json: {} });
    expect(await call('POST', '/wild/v2/resume', {})).toEqual({ status: 200, json: {} });
    expect(await call('POST', '/wild/v2/stop', {})).toEqual({ status: 200, json: { stopped: false } });
    expect(await call('POST', '/wild/v2/steer', { context: 'hi' })).toEqual({ status: 200, json: { ok: false, error: 'no session' } });
    expect(await get('/wild/v2/evo-sweep/wild-00000000')).toEqual({ active: false, message: 'No active session matches' });
    expect(await post('/wild/v2/evo-sweep/wild-00000000/stop')).toEqual({ stopped: false, message: 'No active session matches' });

    // An unknown chat id finds nothing even when another session exists; an empty one means the latest.
    await post('/wild/v2/start', { goal: 'g' });
    expect(await get('/wild/v2/status?chat_session_id=nope')).toEqual({ active: false });
    expect(await post('/wild/v2/stop', { chat_session_id: 'nope' })).toEqual({ stopped: false });
    expect((await get('/wild/v2/status?chat_session_id=')).goal).toBe('g');
  });

  it('needs the token for every /wild route when the server has one', async () => {
    await start();
    const routes: Array<[string, string]> = [
      ['POST', '/wild/v2/start'],
      ['GET', '/wild/v2/status'],
      ['GET', '/wild/v2/plan/wild-1a2b3c4d'],
      ['GET', '/wild/v2/iteration-log/wild-1a2b3c4d'],
      ['POST', '/wild/v2/steer'],
      ['POST', '/wild/v2/pause'],
      ['POST', '/wild/v2/resume'],
      ['POST', '/wild/v2/stop'],
      ['GET', '/wild/v2/events/wild-1a2b3c4d'],
      ['POST', '/wild/v2/events/wild-1a2b3c4d/resolve'],
    ];
    for (const [method, path] of routes) {
      expect(await call(method, path, { goal: 'g', context: 'c' }, null), `${method} ${path}`).toEqual({
        status: 401,
        json: { detail: 'Unauthorized - invalid or missing X-Auth-Token' },
      });
    }
    expect(fake?.loopSessions()).toEqual([]);
  });

  it('lists pending alerts and ended runs as events, whatever session the path names', async () => {
    await start();
    expect(await get('/wild/v2/events/wild-1a2b3c4d')).toEqual([] as unknown as Obj);
    const run = await post('/runs', { name: 'lr-sweep', command: 'python train.py' });
    const runId = String(run.id);
    const alertId = fake?.raiseAlert({ run_id: runId, message: 'loss is NaN' }) ?? '';
    fake?.setRunStatus(runId, 'failed');
    const events = (await get('/wild/v2/events/anything')) as unknown as Obj[];
    expect(events).toEqual([
      { id: alertId, type: 'alert', title: 'Alert: unknown', detail: 'loss is NaN', run_id: runId, created_at: expect.any(Number) },
      {
        id: `run-${runId}-failed`,
        type: 'run_complete',
        title: 'Run failed: lr-sweep',
        detail: 'Status: failed',
        run_id: runId,
        created_at: expect.any(Number),
      },
    ]);
    expect(await post('/wild/v2/events/x/resolve', { event_ids: [alertId, events[1]?.id, 'other'] })).toEqual({ resolved: 1 });
    expect(((await get('/wild/v2/events/x')) as unknown as Obj[]).map((e) => e.type)).toEqual(['run_complete']);
  });
});

describe('the simulated loop', () => {
  it('adopts the tasks.md in the goal at iteration 0, then works through it task by task', async () => {
    await start({ followUpEvery: 0 });
    const started = await post('/wild/v2/start', { goal: GOAL, chat_session_id: 'chat-1' });

    const planned = fake?.advanceLoop('chat-1') ?? null;
    expect(planned).toMatchObject({ status: 'running', iteration: 0, plan: TASKS, session_id: started.session_id });
    expect(history(planned)).toEqual([
      expect.objectContaining({
        iteration: 0,
        promise: null,
        summary: 'Adopted the reviewed plan from the goal: 3 tasks.',
        opencode_session_id: 'chat-1',
      }),
    ]);
    expect(await plan('chat-1')).toBe(TASKS);
    expect(await log('chat-1')).toContain('## Iteration 0\n- Duration: 0.0s\n- Promise: None\n- Files modified: none\n- Summary: Adopted');

    fake?.advanceLoop('chat-1');
    expect(await plan('chat-1')).toContain('- [/] Reproduce the baseline ECE\n- [ ] Log calibration curves');
    fake?.advanceLoop('chat-1');
    const second = await get('/wild/v2/status?chat_session_id=chat-1');
    expect(second.plan).toContain('- [x] Reproduce the baseline ECE\n- [/] Log calibration curves');
    expect(second.iteration).toBe(2);
    expect(second.plan).toBe(await plan('chat-1'));
    expect(await log('chat-1')).toContain(
      '## Iteration 2\n- Duration: 0.0s\n- Promise: None\n- Files modified: results/iteration_2.md\n- Summary: Completed: Reproduce the baseline ECE. Started: Log calibration curves.\n\n\n---\n\n',
    );

    const done = fake?.advanceLoop('chat-1', 10) ?? null;
    expect(done).toMatchObject({ status: 'done', iteration: 4, active: false, steer_context: '' });
    expect(String(done?.plan).match(/\[x\]/g)).toHaveLength(3);
    expect(done?.finished_at).toEqual(expect.any(Number));
    expect(String(done?.reflection)).not.toBe('');
    expect(history(done).map((r) => [r.iteration, r.promise])).toEqual([
      [0, null],
      [1, null],
      [2, null],
      [3, null],
      [4, 'DONE'],
      [4, 'REFLECT_STOP'],
    ]);
    expect(await log('chat-1')).toContain('## Iteration 4\n- Duration: 0s\n- Promise: REFLECT_STOP');
    expect(done?.opencode_sessions).toHaveLength(6); // planning, four iterations, the reflection
    // A finished session stays put.
    expect(fake?.advanceLoop('chat-1', 3)).toEqual(done);
  });

  it('appends a follow-up task to the last phase every third iteration', async () => {
    await start();
    await post('/wild/v2/start', { goal: GOAL, chat_session_id: 'c' });
    const third = fake?.advanceLoop('c', 4) ?? null; // planning + 3 iterations
    expect(third?.iteration).toBe(3);
    expect(String(third?.plan).split('\n').slice(-2)).toEqual([
      '- [/] Add temperature scaling',
      '- [ ] Follow-up: double-check "Log calibration curves" (added in iteration 3)',
    ]);
    const done = fake?.advanceLoop('c', 20) ?? null;
    expect(done?.status).toBe('done');
    expect(String(done?.plan)).toContain('- [x] Follow-up: double-check "Log calibration curves"');
  });

  it('writes its own plan when the goal holds none, or when told not to adopt (drift)', async () => {
    await start({ ownPlan: (goal) => `# Tasks\n- [ ] Own idea about ${goal.slice(0, 7)}` });
    await post('/wild/v2/start', { goal: 'No plan here', chat_session_id: 'a' });
    const own = fake?.advanceLoop('a') ?? null;
    expect(own?.plan).toBe('# Tasks\n- [ ] Own idea about No plan');
    expect(history(own)[0]?.summary).toBe('Planning: explored codebase and created task list');

    await post('/wild/v2/start', { goal: GOAL, chat_session_id: 'b' });
    const drift = fake?.planLoop('b', { adopt: false }) ?? null;
    expect(drift?.plan).toBe('# Tasks\n- [ ] Own idea about Measure');
    expect(drift?.plan).not.toContain('Reproduce the baseline');

    await post('/wild/v2/start', { goal: GOAL, chat_session_id: 'c' });
    const rewritten = fake?.planLoop('c', { plan: '  - [ ] Something else\n', summary: 'I knew better.' }) ?? null;
    expect(rewritten).toMatchObject({ plan: '- [ ] Something else' });
    expect(history(rewritten)[0]?.summary).toBe('I knew better.');
    // planLoop does nothing once planning is done.
    expect(fake?.planLoop('c', { adopt: false })?.plan).toBe('- [ ] Something else');
  });

  it('takes the plan block from where the test says', async () => {
    await start({ adoptPlanFrom: (goal) => /<tasks>([\s\S]*?)<\/tasks>/.exec(goal)?.[1] ?? null });
    await post('/wild/v2/start', { goal: `x <tasks>\n- [ ] From markers\n</tasks> ${GOAL}` });
    expect(fake?.advanceLoop()?.plan).toBe('- [ ] From markers');
  });

  it('does not advance while paused; resume re-plans first, as a new loop task does', async () => {
    await start({ followUpEvery: 0 });
    await post('/wild/v2/start', { goal: GOAL, chat_session_id: 'c' });
    fake?.advanceLoop('c', 2);
    const paused = await post('/wild/v2/pause', { chat_session_id: 'c' });
    expect(paused).toMatchObject({ status: 'paused', iteration: 1 });
    expect(Object.keys(paused)).toEqual(SESSION_KEYS);
    // Pausing a paused session and resuming a running one change nothing and are not errors.
    expect(await call('POST', '/wild/v2/pause', { chat_session_id: 'c' })).toMatchObject({ status: 200, json: { status: 'paused' } });
    const frozen = fake?.advanceLoop('c', 5) ?? null;
    expect(frozen).toMatchObject({ status: 'paused', iteration: 1, active: false });
    expect(await get('/wild/v2/status?chat_session_id=c')).toEqual(frozen);

    expect(await post('/wild/v2/resume', { chat_session_id: 'c' })).toMatchObject({ status: 'running', iteration: 1 });
    expect(await call('POST', '/wild/v2/resume', { chat_session_id: 'c' })).toMatchObject({ status: 200, json: { status: 'running' } });
    const replanned = fake?.advanceLoop('c') ?? null;
    expect(replanned?.iteration).toBe(1);
    expect(history(replanned).map((r) => r.iteration)).toEqual([0, 1, 0]);
    expect(replanned?.plan).toContain('- [/] Reproduce the baseline ECE'); // the agent kept its progress
    expect(fake?.advanceLoop('c')?.iteration).toBe(2);
  });

  it('records a steer, shows it in the next iteration and then clears it', async () => {
    await start();
    await post('/wild/v2/start', { goal: GOAL, chat_session_id: 'c' });
    expect(await post('/wild/v2/steer', { context: 'use 15 bins', chat_session_id: 'c' })).toEqual({ ok: true });
    const steered = await get('/wild/v2/status?chat_session_id=c');
    // Wrapped by the wild_v2_steer skill, as the server's render_fn does.
    expect(steered.steer_context).toContain('<steer>\nuse 15 bins\n</steer>');
    expect(steered.steer_context).toContain('# User Steering Intervention');
    // Iteration 0's prompt was built at start: planning leaves the steer for iteration 1.
    expect(fake?.advanceLoop('c')?.steer_context).toBe(steered.steer_context);
    await post('/wild/v2/steer', { context: 'no, use 20 bins', chat_session_id: 'c' });
    const after = fake?.advanceLoop('c') ?? null;
    expect(after?.steer_context).toBe('');
    expect(history(after).at(-1)?.summary).toContain('Received user steering ("no, use 20 bins")');
    expect(history(after).at(-1)?.summary).not.toContain('15 bins');
    expect(await log('c')).toMatch(/## Iteration 1\n[\s\S]*Summary: .*no, use 20 bins/);
    expect(history(fake?.advanceLoop('c') ?? null).at(-1)?.summary).not.toContain('steering');
  });

  it('ends as done at max_iterations, even right after planning', async () => {
    await start();
    await post('/wild/v2/start', { goal: GOAL, chat_session_id: 'c', max_iterations: 2 });
    const capped = fake?.advanceLoop('c', 5) ?? null;
    expect(capped).toMatchObject({ status: 'done', iteration: 2 });
    expect(capped?.plan).toContain('- [ ] Add temperature scaling');
    expect(history(capped).map((r) => r.promise)).toEqual([null, null, null]);

    await post('/wild/v2/start', { goal: GOAL, chat_session_id: 'z', max_iterations: 0 });
    expect(fake?.advanceLoop('z')).toMatchObject({ status: 'done', iteration: 0 });
  });

  it('stops the running session of the same chat on restart, and only a running one', async () => {
    await start();
    const first = await post('/wild/v2/start', { goal: 'one', chat_session_id: 'c' });
    const second = await post('/wild/v2/start', { goal: 'two', chat_session_id: 'c' });
    expect(second.session_id).not.toBe(first.session_id);
    const [old, current] = fake?.loopSessions() ?? [];
    expect(old).toMatchObject({ session_id: first.session_id, status: 'stopped', finished_at: expect.any(Number) });
    expect(current).toMatchObject({ session_id: second.session_id, status: 'running' });
    expect((await get('/wild/v2/status?chat_session_id=c')).session_id).toBe(second.session_id);

    await post('/wild/v2/pause', { chat_session_id: 'c' });
    await post('/wild/v2/start', { goal: 'three', chat_session_id: 'c' });
    expect(fake?.loopSessions().map((s) => s.status)).toEqual(['stopped', 'paused', 'running']);

    // Another chat's session is left alone; a session without a chat id is reachable only as the latest.
    await post('/wild/v2/start', { goal: 'other', chat_session_id: 'd' });
    await post('/wild/v2/start', { goal: 'anonymous' });
    expect((await get('/wild/v2/status')).goal).toBe('anonymous');
    expect((await get('/wild/v2/status?chat_session_id=c')).goal).toBe('three');
    expect(fake?.loopSessions().map((s) => s.status)).toEqual(['stopped', 'paused', 'running', 'running', 'running']);
  });

  it('stops from any state and fails on request', async () => {
    await start();
    await post('/wild/v2/start', { goal: GOAL, chat_session_id: 'c', max_iterations: 1 });
    const done = fake?.advanceLoop('c', 2) ?? null;
    expect(done?.status).toBe('done');
    expect(await post('/wild/v2/pause', { chat_session_id: 'c' })).toMatchObject({ status: 'done' });
    // The engine does not check: even a done session becomes "stopped".
    const stopped = await post('/wild/v2/stop', { chat_session_id: 'c' });
    expect(stopped).toMatchObject({ status: 'stopped' });
    expect(stopped.finished_at as number).toBeGreaterThanOrEqual(done?.finished_at as number);
    expect(await post('/wild/v2/resume', { chat_session_id: 'c' })).toMatchObject({ status: 'stopped' });

    await post('/wild/v2/start', { goal: GOAL, chat_session_id: 'f' });
    expect(fake?.failLoop('f')).toMatchObject({ status: 'failed', iteration: 0, finished_at: null, history: [] });
    await post('/wild/v2/start', { goal: GOAL, chat_session_id: 'g' });
    fake?.advanceLoop('g', 2);
    const failed = fake?.failLoop('g') ?? null;
    // The failing iteration was counted before the agent call that failed; it left no record.
    expect(failed).toMatchObject({ status: 'failed', iteration: 2 });
    expect(history(failed).map((r) => r.iteration)).toEqual([0, 1]);
    expect(fake?.advanceLoop('g')).toEqual(failed);
  });

  it('answers the evo-sweep routes for a session with no sweep in progress', async () => {
    await start();
    const s = await post('/wild/v2/start', { goal: 'g', chat_session_id: 'c', evo_sweep_enabled: true });
    const sid = String(s.session_id);
    expect(await get(`/wild/v2/evo-sweep/${sid}`)).toEqual({ active: false, sweep_id: null });
    expect(await get('/wild/v2/evo-sweep/other?chat_session_id=c')).toEqual({ active: false, sweep_id: null });
    expect(await get('/wild/v2/evo-sweep/other')).toEqual({ active: false, message: 'No active session matches' });
    expect(await post(`/wild/v2/evo-sweep/${sid}/stop`)).toEqual({ stopped: false, message: 'No evo sweep in progress' });
  });
});
