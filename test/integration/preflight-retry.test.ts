import { afterEach, describe, expect, it } from 'vitest';
import { httpRequest, type HttpAnswer } from '../../src/server/http.js';
import { runPreflight } from '../../src/server/preflight.js';
import { startWildServer, type WildServerFake } from '../support/wild-server.js';

// Retries and backoff, checked through an injected sleep: the waits are asserted, never
// taken.

let fake: WildServerFake | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function start(): Promise<WildServerFake> {
  fake = await startWildServer();
  return fake;
}

function recorder() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

const hits = (server: WildServerFake, path: string) => server.requests.filter((r) => r.path === path).length;

describe('retries in preflight', () => {
  it('503, 503, then 200 recovers on the third attempt for every check', async () => {
    const server = await start();
    await server.setFault('*', { kind: 'status', statuses: [503, 503] });
    const { sleep } = recorder();
    const report = await runPreflight({ serverUrl: server.url, timeoutMs: 5000, sleep });

    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.status, c.attempts])).toEqual([
      [200, 3],
      [200, 3],
      [200, 3],
      [200, 3],
    ]);
    expect(hits(server, '/openapi.json')).toBe(3);
  });

  it('a 503 that does not go away is reported with the number of attempts', async () => {
    const server = await start();
    await server.setFault('/wild/v2/system-health', { kind: 'status', statuses: [503, 503, 503, 503] });
    const report = await runPreflight({ serverUrl: server.url, timeoutMs: 5000, sleep: recorder().sleep });

    const health = report.checks.find((c) => c.name === 'system-health');
    expect(health).toMatchObject({ ok: false, status: 503, attempts: 3, reason: '503 after 3 attempts' });
  });

  it('429 with Retry-After: waits what the server asked, then succeeds', async () => {
    const server = await start();
    await server.setFault('/wild/v2/system-health', { kind: 'status', statuses: [429], headers: { 'retry-after': '2' } });
    const { waits, sleep } = recorder();
    const report = await runPreflight({ serverUrl: server.url, timeoutMs: 5000, sleep });

    expect(report.ok).toBe(true);
    expect(report.checks.find((c) => c.name === 'system-health')?.attempts).toBe(2);
    expect(waits).toEqual([2000]);
  });

  it('honours the attempts option', async () => {
    const server = await start();
    await server.setFault('/docs', { kind: 'status', statuses: [502, 502, 502, 502, 502] });
    const report = await runPreflight({ serverUrl: server.url, timeoutMs: 5000, attempts: 5, sleep: recorder().sleep });

    expect(report.checks[0]).toMatchObject({ ok: false, status: 502, attempts: 5, reason: '502 after 5 attempts' });
    expect(hits(server, '/docs')).toBe(5);
  });
});

describe('httpRequest against the fake', () => {
  const get = (server: WildServerFake, path: string, extra: Partial<Parameters<typeof httpRequest>[0]> = {}) =>
    httpRequest({ url: `${server.url}${path}`, timeoutMs: 5000, ...extra });

  it('backs off exponentially with jitter between retries', async () => {
    const server = await start();
    await server.setFault('/health', { kind: 'status', statuses: [500, 500, 500] });
    const low = recorder();
    await get(server, '/health', { attempts: 4, sleep: low.sleep, random: () => 0 });
    await server.clearFaults();
    await server.setFault('/health', { kind: 'status', statuses: [500, 500, 500] });
    const high = recorder();
    await get(server, '/health', { attempts: 4, sleep: high.sleep, random: () => 1 });

    expect(low.waits).toEqual([250, 500, 1000]);
    expect(high.waits).toEqual([500, 1000, 2000]);
  });

  it('caps the backoff at maxDelayMs', async () => {
    const server = await start();
    await server.setFault('/health', { kind: 'status', statuses: [500, 500, 500, 500] });
    const { waits, sleep } = recorder();
    await get(server, '/health', { attempts: 5, sleep, random: () => 1, baseDelayMs: 1000, maxDelayMs: 3000 });
    expect(waits).toEqual([1000, 2000, 3000, 3000]);
  });

  it('reads Retry-After as an HTTP date, and caps long waits', async () => {
    const server = await start();
    const now = Date.UTC(2026, 1, 20, 12, 0, 0);
    await server.setFault('/health', { kind: 'status', statuses: [503], headers: { 'retry-after': new Date(now + 3000).toUTCString() } });
    const dated = recorder();
    const answer = await get(server, '/health', { sleep: dated.sleep, now: () => now });
    expect(answer).toMatchObject({ kind: 'answer', status: 200, attempts: 2 });
    expect(dated.waits).toEqual([3000]);

    await server.setFault('/health', { kind: 'status', statuses: [429], headers: { 'retry-after': '86400' } });
    const capped = recorder();
    await get(server, '/health', { sleep: capped.sleep, maxRetryAfterMs: 20_000 });
    expect(capped.waits).toEqual([20_000]);
  });

  it('retries 408; does not retry 400, 401, 403, 404 or 422', async () => {
    const server = await start();
    await server.setFault('/health', { kind: 'status', statuses: [408] });
    expect(await get(server, '/health', { sleep: recorder().sleep })).toMatchObject({ status: 200, attempts: 2 });

    for (const status of [400, 401, 403, 404, 422]) {
      await server.setFault('/health', { kind: 'status', statuses: [status] });
      const result = await get(server, '/health', { sleep: recorder().sleep });
      expect(result).toMatchObject({ kind: 'answer', status, attempts: 1 });
    }
  });

  it('returns the body, the content type and the time taken', async () => {
    const server = await start();
    const result = (await get(server, '/health')) as HttpAnswer;
    expect(result.kind).toBe('answer');
    expect(JSON.parse(result.body)).toMatchObject({ status: 'ok', service: 'research-agent-server' });
    expect(result.contentType).toBe('application/json');
    expect(result.ms).toBeGreaterThanOrEqual(0);
  });

  it('sends the token as X-Auth-Token and JSON bodies as application/json', async () => {
    const server = await start();
    await httpRequest({ url: `${server.url}/sweeps/wild`, method: 'POST', body: { name: 's' }, token: 'tkn', timeoutMs: 5000 });
    const [request] = server.requests;
    expect(request?.headers['x-auth-token']).toBe('tkn');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({ name: 's' });
  });
});

describe('redirects', () => {
  type Call = { url: string; method: string; headers: Record<string, string>; body: unknown };
  function scripted(responses: Response[]) {
    const calls: Call[] = [];
    const fetchFn: typeof fetch = async (input, init) => {
      calls.push({
        url: String(input),
        method: init?.method ?? 'GET',
        headers: { ...(init?.headers as Record<string, string>) },
        body: init?.body,
      });
      const next = responses.shift();
      if (!next) throw new Error('unexpected request');
      return next;
    };
    return { calls, fetchFn };
  }
  const redirect = (status: number, location: string) => new Response(null, { status, headers: { location } });

  it('follows a same-origin redirect with the token', async () => {
    const { calls, fetchFn } = scripted([redirect(307, '/v2/health'), new Response('{}', { status: 200 })]);
    const result = await httpRequest({ url: 'https://lab.example/health', token: 'tkn', timeoutMs: 1000, fetch: fetchFn });
    expect(result).toMatchObject({ kind: 'answer', status: 200, attempts: 1 });
    expect(calls.map((c) => [c.url, c.headers['X-Auth-Token']])).toEqual([
      ['https://lab.example/health', 'tkn'],
      ['https://lab.example/v2/health', 'tkn'],
    ]);
  });

  it('never sends the token to another origin a redirect names', async () => {
    const { calls, fetchFn } = scripted([
      redirect(302, 'https://login.elsewhere.example/sso'),
      new Response('<html></html>', { status: 200 }),
    ]);
    await httpRequest({ url: 'https://lab.example/openapi.json', token: 'tkn', timeoutMs: 1000, fetch: fetchFn });
    expect(calls[1]?.url).toBe('https://login.elsewhere.example/sso');
    expect(calls[1]?.headers).not.toHaveProperty('X-Auth-Token');
  });

  it('turns a POST into a GET without body after 303', async () => {
    const { calls, fetchFn } = scripted([redirect(303, '/runs/abc'), new Response('{}', { status: 200 })]);
    await httpRequest({ url: 'https://lab.example/runs', method: 'POST', body: { name: 'r' }, timeoutMs: 1000, fetch: fetchFn });
    expect(calls.map((c) => [c.method, c.body])).toEqual([
      ['POST', '{"name":"r"}'],
      ['GET', undefined],
    ]);
    expect(calls[1]?.headers).not.toHaveProperty('Content-Type');
  });

  it('gives up after 20 redirects with "redirect loop", without retrying', async () => {
    const { calls, fetchFn } = scripted(Array.from({ length: 30 }, () => redirect(307, '/loop')));
    const result = await httpRequest({ url: 'https://lab.example/loop', timeoutMs: 1000, fetch: fetchFn, sleep: recorder().sleep });
    expect(result).toMatchObject({ kind: 'failure', failure: 'redirect-loop', attempts: 1 });
    expect(result.kind === 'failure' && result.reason).toMatch(/^redirect loop at https:\/\/lab\.example/);
    expect(calls).toHaveLength(21);
  });
});

describe('the token never reaches a reason', () => {
  const TOKEN = 'sekret-token-0042';

  it('is removed from network error text', async () => {
    const throwing: typeof fetch = async () => {
      throw new TypeError('fetch failed', { cause: new Error(`proxy said: bad header X-Auth-Token: ${TOKEN}`) });
    };
    const result = await httpRequest({ url: 'http://127.0.0.1:9/x', token: TOKEN, timeoutMs: 1000, attempts: 1, fetch: throwing });
    expect(result).toMatchObject({ kind: 'failure', failure: 'network' });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it('is removed from a JSON parse error that quotes the body', async () => {
    const echoing: typeof fetch = async () => new Response(TOKEN, { status: 200, headers: { 'content-type': 'application/json' } });
    const report = await runPreflight({ serverUrl: 'http://127.0.0.1:9', token: TOKEN, timeoutMs: 1000, fetch: echoing });
    expect(report.checks.find((c) => c.name === 'openapi')?.reason).toMatch(/^invalid JSON/);
    expect(JSON.stringify(report)).not.toContain(TOKEN);
  });
});
