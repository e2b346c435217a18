import { afterEach, describe, expect, it } from 'vitest';
import { startWildServer, type WildServerFake } from '../support/wild-server.js';

// The fake's switchable faults and its request log.

let fake: WildServerFake | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function start() {
  fake = await startWildServer();
  return fake;
}

const status = async (server: WildServerFake, path: string) => (await fetch(`${server.url}${path}`, { redirect: 'manual' })).status;

describe('faults', () => {
  it('plays a status sequence per path, then answers normally', async () => {
    const server = await start();
    await server.setFault('*', { kind: 'status', statuses: [503, 429] });
    expect([await status(server, '/health'), await status(server, '/health'), await status(server, '/health')]).toEqual([503, 429, 200]);
    expect(await status(server, '/docs')).toBe(503);
  });

  it('prefers a fault on the exact path over the catch-all one', async () => {
    const server = await start();
    await server.setFault('*', { kind: 'status', statuses: [500] });
    await server.setFault('/health', { kind: 'unauthorized' });
    expect(await status(server, '/health')).toBe(401);
    expect(await status(server, '/docs')).toBe(500);
  });

  it('goes down (connection refused) and comes back on the same URL after clearFaults', async () => {
    const server = await start();
    await server.setFault('*', { kind: 'down' });
    const error = await fetch(`${server.url}/health`).catch((e: unknown) => e);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
    await server.clearFaults();
    expect(await status(server, '/health')).toBe(200);
  });

  it("refuses 'down' on a single path: refusal is per port", async () => {
    const server = await start();
    await expect(server.setFault('/health', { kind: 'down' })).rejects.toThrow(/'\*'/);
  });

  it('resets the connection without an answer', async () => {
    const server = await start();
    await server.setFault('/health', { kind: 'reset' });
    const error = await fetch(`${server.url}/health`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(server.requests[0]?.status).toBeNull();
  });

  it('redirects to itself for a redirect loop', async () => {
    const server = await start();
    await server.setFault('/openapi.json', { kind: 'redirect-loop' });
    const res = await fetch(`${server.url}/openapi.json?x=1`, { redirect: 'manual' });
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe('/openapi.json?x=1');
  });

  it('answers HTML, broken JSON or JSON of the wrong shape where JSON is due', async () => {
    const server = await start();
    await server.setFault('/prompt-skills', { kind: 'html' });
    const html = await fetch(`${server.url}/prompt-skills`);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    await server.setFault('/openapi.json', { kind: 'invalid-json' });
    await expect(fetch(`${server.url}/openapi.json`).then((r) => r.json())).rejects.toThrow();
    await server.setFault('/wild/v2/system-health', { kind: 'wrong-shape' });
    expect(await fetch(`${server.url}/wild/v2/system-health`).then((r) => r.json())).toBeInstanceOf(Array);
  });

  it('is slow enough for a client deadline to abort', async () => {
    const server = await start();
    await server.setFault('/health', { kind: 'slow', ms: 5000 });
    const error = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');
  });

  it('holds requests at a barrier until enough have arrived', async () => {
    const server = await start();
    await server.setFault('*', { kind: 'barrier', count: 3 });
    const statuses = await Promise.all(['/health', '/docs', '/prompt-skills'].map((p) => status(server, p)));
    expect(statuses).toEqual([200, 200, 200]);
    const lastArrival = Math.max(...server.requests.map((r) => r.arrivedAt));
    expect(server.requests.every((r) => (r.answeredAt ?? 0) > lastArrival)).toBe(true);
  });

  it('clearFaults restores normal answers', async () => {
    const server = await start();
    await server.setFault('*', { kind: 'unauthorized' });
    await server.clearFaults();
    expect(await status(server, '/wild/v2/system-health')).toBe(200);
  });
});

describe('request log', () => {
  it('records method, path, query, headers and body of every request', async () => {
    const server = await start();
    await fetch(`${server.url}/prompt-skills/search?q=audit&limit=3`, { headers: { 'X-Auth-Token': 't1' } });
    await fetch(`${server.url}/prompt-skills/wild_v2_reflection/render`, {
      method: 'POST',
      body: '{"goal":"g"}',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(server.requests.map(({ method, path, query, body, status: s }) => ({ method, path, query, body, status: s }))).toEqual([
      { method: 'GET', path: '/prompt-skills/search', query: '?q=audit&limit=3', body: '', status: 200 },
      { method: 'POST', path: '/prompt-skills/wild_v2_reflection/render', query: '', body: '{"goal":"g"}', status: 200 },
    ]);
    expect(server.requests[0]?.headers['x-auth-token']).toBe('t1');
  });
});
