import { afterEach, describe, expect, it } from 'vitest';
import { runPreflight, type PreflightCheck, type PreflightReport } from '../../src/server/preflight.js';
import { formatPreflightTable, preflightFailureReasons } from '../../src/server/preflight-report.js';
import { startWildServer, type WildServerFake } from '../support/wild-server.js';

// Preflight against the contract-faithful fake, one fault mode at a time.

const TOKEN = 'wild-token-5f3a9c';
const PATHS = ['/docs', '/openapi.json', '/prompt-skills', '/wild/v2/system-health'];
let fake: WildServerFake | undefined;

afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function start(token?: string): Promise<WildServerFake> {
  fake = await startWildServer(token ? { token } : {});
  return fake;
}

const noWait = async () => {};
const check = (report: PreflightReport, name: PreflightCheck['name']) => {
  const found = report.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no ${name} check`);
  return found;
};
const hits = (server: WildServerFake, path: string) => server.requests.filter((r) => r.path === path).length;

describe('runPreflight: a healthy server', () => {
  it('passes all four checks with auth off, sending no token', async () => {
    const server = await start();
    const report = await runPreflight({ serverUrl: server.url, timeoutMs: 5000 });

    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.name, c.path, c.ok, c.status, c.attempts])).toEqual([
      ['docs', '/docs', true, 200, 1],
      ['openapi', '/openapi.json', true, 200, 1],
      ['prompt-skills', '/prompt-skills', true, 200, 1],
      ['system-health', '/wild/v2/system-health', true, 200, 1],
    ]);
    expect(Object.keys(report.openapi?.paths ?? {})).toContain('/sweeps/wild');
    expect(report.skills?.map((s) => s.id)).toContain('wild_v2_sweep_run_audit_protocol');
    expect(report.health).toEqual({ running: 0, queued: 0, completed: 0, failed: 0, total: 0, max_concurrent: 5 });
    expect(server.requests.map((r) => r.path).sort()).toEqual([...PATHS].sort());
    expect(server.requests.every((r) => r.headers['x-auth-token'] === undefined)).toBe(true);
  });

  it('passes with auth on and the right token, sent on every request', async () => {
    const server = await start(TOKEN);
    const report = await runPreflight({ serverUrl: server.url, token: TOKEN, timeoutMs: 5000 });

    expect(report.ok).toBe(true);
    expect(server.requests.map((r) => r.headers['x-auth-token'])).toEqual([TOKEN, TOKEN, TOKEN, TOKEN]);
  });

  it('normalises trailing slashes of server-url', async () => {
    const server = await start();
    const report = await runPreflight({ serverUrl: `${server.url}///`, timeoutMs: 5000 });

    expect(report.ok).toBe(true);
    expect(report.serverUrl).toBe(server.url);
    expect(server.requests.map((r) => r.path).sort()).toEqual([...PATHS].sort());
  });

  it('runs the four checks in parallel: all four requests arrive before any answer', async () => {
    const server = await start();
    // The fake holds every request until four are waiting: one-at-a-time checks would
    // never get an answer and fail on the timeout.
    await server.setFault('*', { kind: 'barrier', count: 4 });
    const report = await runPreflight({ serverUrl: server.url, timeoutMs: 2000, attempts: 1 });

    expect(report.ok).toBe(true);
    const lastArrival = Math.max(...server.requests.map((r) => r.arrivedAt));
    const firstAnswer = Math.min(...server.requests.map((r) => r.answeredAt ?? Infinity));
    expect(server.requests).toHaveLength(4);
    expect(lastArrival).toBeLessThan(firstAnswer);
  });
});

describe('runPreflight: auth faults', () => {
  it('without a token, fails the protected check once with a hint to set server-token', async () => {
    const server = await start(TOKEN);
    const report = await runPreflight({ serverUrl: server.url, timeoutMs: 5000, sleep: noWait });

    expect(report.ok).toBe(false);
    // /docs, /openapi.json and /prompt-skills are public on the real server.
    expect(report.checks.filter((c) => c.ok).map((c) => c.name)).toEqual(['docs', 'openapi', 'prompt-skills']);
    expect(check(report, 'system-health')).toMatchObject({
      ok: false,
      status: 401,
      attempts: 1,
      reason: '401: the server wants a token — set `server-token`',
    });
    expect(hits(server, '/wild/v2/system-health')).toBe(1);
    expect(report.health).toBeUndefined();
  });

  it('with a wrong token, says the token was rejected and never shows it', async () => {
    const server = await start(TOKEN);
    const wrong = 'not-the-token-77';
    const report = await runPreflight({ serverUrl: server.url, token: wrong, timeoutMs: 5000, sleep: noWait });

    expect(check(report, 'system-health').reason).toMatch(/^401: the server rejected the token — check .*`server-token`/);
    const everything = JSON.stringify(report) + formatPreflightTable(report) + preflightFailureReasons(report).join('\n');
    expect(everything).not.toContain(wrong);
  });

  it('reports a 401 from a proxy even on public paths, without retrying', async () => {
    const server = await start();
    await server.setFault('/openapi.json', { kind: 'unauthorized' });
    const report = await runPreflight({ serverUrl: server.url, timeoutMs: 5000, sleep: noWait });

    expect(check(report, 'openapi')).toMatchObject({ ok: false, status: 401, attempts: 1 });
    expect(hits(server, '/openapi.json')).toBe(1);
  });
});

describe('runPreflight: transport faults', () => {
  it('server down: connection refused on every check, with the address', async () => {
    const server = await start();
    await server.setFault('*', { kind: 'down' });
    const report = await runPreflight({ serverUrl: server.url, timeoutMs: 5000, sleep: noWait });

    expect(report.ok).toBe(false);
    for (const c of report.checks) {
      expect(c).toMatchObject({ ok: false, status: null, attempts: 3 });
      expect(c.reason).toBe(`connection refused at ${server.url} — is the server running?`);
    }
  });

  it('slow past the timeout: each attempt aborts, the reason names the timeout and the attempts', async () => {
    const server = await start();
    await server.setFault('/wild/v2/system-health', { kind: 'slow', ms: 10_000 });
    const report = await runPreflight({ serverUrl: server.url, timeoutMs: 200, attempts: 2, sleep: noWait });

    expect(check(report, 'system-health')).toMatchObject({
      ok: false,
      status: null,
      attempts: 2,
      reason: 'no answer within 0.2 s (2 attempts)',
    });
    expect(hits(server, '/wild/v2/system-health')).toBe(2);
    expect(check(report, 'docs').ok).toBe(true);
  });

  it('connection reset: retried, then reported as a reset', async () => {
    const server = await start();
    await server.setFault('/prompt-skills', { kind: 'reset' });
    const report = await runPreflight({ serverUrl: server.url, timeoutMs: 5000, sleep: noWait });

    expect(check(report, 'prompt-skills')).toMatchObject({ ok: false, status: null, attempts: 3 });
    expect(check(report, 'prompt-skills').reason).toMatch(/^connection reset by http:\/\/127\.0\.0\.1:\d+ \(3 attempts\)/);
    expect(hits(server, '/prompt-skills')).toBe(3);
  });

  it('redirect loop: a clear failure, not retried', async () => {
    const server = await start();
    await server.setFault('/openapi.json', { kind: 'redirect-loop' });
    const report = await runPreflight({ serverUrl: server.url, timeoutMs: 5000, sleep: noWait });

    expect(check(report, 'openapi')).toMatchObject({ ok: false, status: null, attempts: 1 });
    expect(check(report, 'openapi').reason).toMatch(/redirect loop/);
  });
});

describe('runPreflight: answers that are not what the prompt expects', () => {
  it('404: points at server-url, not retried', async () => {
    const server = await start();
    await server.setFault('/openapi.json', { kind: 'status', statuses: [404, 404, 404] });
    const report = await runPreflight({ serverUrl: server.url, timeoutMs: 5000, sleep: noWait });

    expect(check(report, 'openapi')).toMatchObject({
      ok: false,
      status: 404,
      attempts: 1,
      reason: "404: no such endpoint — is `server-url` the research server's base URL?",
    });
  });

  it('403: forbidden, not retried', async () => {
    const server = await start();
    await server.setFault('/wild/v2/system-health', { kind: 'status', statuses: [403, 403] });
    const report = await runPreflight({ serverUrl: server.url, timeoutMs: 5000, sleep: noWait });

    expect(check(report, 'system-health')).toMatchObject({ ok: false, status: 403, attempts: 1 });
    expect(check(report, 'system-health').reason).toMatch(/^403: forbidden/);
  });

  it('HTML where JSON is due: names the likely web page or proxy login', async () => {
    const server = await start();
    await server.setFault('/prompt-skills', { kind: 'html' });
    const report = await runPreflight({ serverUrl: server.url, timeoutMs: 5000 });

    expect(check(report, 'prompt-skills')).toMatchObject({
      ok: false,
      status: 200,
      reason: 'expected JSON, got HTML — is `server-url` pointing at a web page or proxy login?',
    });
    expect(report.skills).toBeUndefined();
  });

  it('/docs only needs a good status: HTML is what it should be', async () => {
    const server = await start();
    await server.setFault('/docs', { kind: 'html' });
    expect(check(await runPreflight({ serverUrl: server.url, timeoutMs: 5000 }), 'docs').ok).toBe(true);
  });

  it('invalid JSON', async () => {
    const server = await start();
    await server.setFault('/openapi.json', { kind: 'invalid-json' });
    const report = await runPreflight({ serverUrl: server.url, timeoutMs: 5000 });

    expect(check(report, 'openapi')).toMatchObject({ ok: false, status: 200 });
    expect(check(report, 'openapi').reason).toMatch(/^invalid JSON: /);
  });

  it('JSON of the wrong shape, per endpoint', async () => {
    const server = await start();
    await server.setFault('*', { kind: 'wrong-shape' });
    const report = await runPreflight({ serverUrl: server.url, timeoutMs: 5000 });

    expect(check(report, 'docs').ok).toBe(true);
    expect(check(report, 'openapi').reason).toBe('JSON of the wrong shape: paths missing');
    expect(check(report, 'prompt-skills').reason).toBe('JSON of the wrong shape: top level should be an array, got an object');
    expect(check(report, 'system-health').reason).toBe('JSON of the wrong shape: top level should be an object, got an array');
  });
});

describe('runPreflight: a server-url that cannot work', () => {
  it.each([
    ['not a url', 'not a url'],
    ['ftp://lab.example', 'ftp://lab.example'],
    ['https://alice:hunter2@lab.example', 'https://lab.example'],
  ])('%s fails every check without a request and without echoing credentials', async (serverUrl, shown) => {
    const report = await runPreflight({ serverUrl, timeoutMs: 1000 });

    expect(report.ok).toBe(false);
    expect(report.serverUrl).toBe(shown);
    expect(report.checks.every((c) => !c.ok && c.attempts === 0 && /`server-url`/.test(c.reason ?? ''))).toBe(true);
    expect(JSON.stringify(report)).not.toContain('hunter2');
  });
});
