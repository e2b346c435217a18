import { execFile, execFileSync } from 'node:child_process';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { describeActivity, startServerProxy, type ProxyOptions } from '../../src/server/proxy.js';
import { routeOf } from '../../src/server/proxy-report.js';
import { startWildServer } from '../support/wild-server.js';

// The loopback proxy against the contract-faithful Wild server fake with auth on: the agent
// sends no token, the proxy adds it, and nothing the agent can see carries it.

const TOKEN = 'sentinel-proxy-token-7c1e';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: Partial<ProxyOptions> = {}) {
  const fake = await startWildServer({ token: TOKEN });
  cleanups.push(() => fake.stop());
  const logs: string[] = [];
  const proxy = await startServerProxy({ target: fake.url, token: TOKEN, log: (line) => logs.push(line), ...options });
  cleanups.push(() => proxy.close());
  return { fake, proxy, logs };
}

interface Seen {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}
// Everything a client was shown, so tests can assert the token is in none of it.
const shown: string[] = [];

async function call(url: string, init: RequestInit = {}): Promise<Seen> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const text = await res.text();
  shown.push(text, JSON.stringify([...res.headers]));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const postJson = (url: string, body: unknown) =>
  call(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Writes `text` on a fresh socket; resolves with the reply (one message, or all until close). */
function raw(url: string, text: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1', () => socket.write(text));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
      const end = data.indexOf('\r\n\r\n');
      if (end === -1) return;
      const length = Number(/content-length: *(\d+)/i.exec(data.slice(0, end))?.[1] ?? 0);
      if (Buffer.byteLength(data.slice(end + 4)) >= length) {
        socket.destroy();
        resolve(data);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(data));
  }).then((reply) => {
    shown.push(reply);
    return reply;
  });
}

async function listen(handler: http.RequestListener): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Serves `upstream` under `prefix` only, as a reverse proxy in front of the server might. */
async function startPrefixServer(prefix: string, upstream: string) {
  const paths: string[] = [];
  const up = new URL(upstream);
  let origin = '';
  const { url } = await listen((req, res) => {
    const path = req.url ?? '';
    paths.push(path);
    if (!path.startsWith(`${prefix}/`)) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('outside the prefix');
    const forward = http.request(
      {
        hostname: up.hostname,
        port: up.port,
        method: req.method,
        path: path.slice(prefix.length),
        headers: { ...req.headers, host: up.host },
      },
      (answer) => {
        const headers = { ...answer.headers };
        if (headers.location) headers.location = headers.location.replace(up.origin, `${origin}${prefix}`);
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      },
    );
    req.pipe(forward);
  });
  origin = url;
  return { url, paths };
}

function hasCurl(): boolean {
  try {
    execFileSync('which', ['curl'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function curl(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('curl', args, { env: { PATH: process.env.PATH ?? '' } }, (error, stdout) => {
      shown.push(stdout);
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout });
    });
  });
}

describe('startServerProxy: authentication', () => {
  it('lets a header-less GET reach a protected path the server refuses directly', async () => {
    const { fake, proxy } = await setup();
    expect((await call(`${fake.url}/wild/v2/system-health`)).status).toBe(401);

    const res = await call(`${proxy.url}/wild/v2/system-health`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ running: 0, queued: 0, completed: 0, failed: 0, total: 0, max_concurrent: 5 });
    expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(fake.requests.at(-1)?.headers['x-auth-token']).toBe(TOKEN);
    expect(fake.requests.at(-1)?.headers.host).toBe(new URL(fake.url).host);
  });

  it("replaces a client's own X-Auth-Token with the configured one", async () => {
    const { fake, proxy } = await setup();
    const res = await call(`${proxy.url}/runs`, { headers: { 'X-Auth-Token': 'agent-guess' } });
    expect(res.status).toBe(200);
    expect(fake.requests.map((r) => r.headers['x-auth-token'])).toEqual([TOKEN]);
  });

  it('sends no token and strips a client token when none is configured', async () => {
    const fake = await startWildServer({});
    cleanups.push(() => fake.stop());
    const proxy = await startServerProxy({ target: fake.url });
    cleanups.push(() => proxy.close());
    expect((await call(`${proxy.url}/runs`, { headers: { 'X-Auth-Token': 'agent-guess' } })).status).toBe(200);
    expect(fake.requests[0]?.headers['x-auth-token']).toBeUndefined();
  });
});

describe('startServerProxy: experiments and activity', () => {
  it('forwards sweep and run creation and counts them', async () => {
    const { fake, proxy } = await setup();
    const sweep = await postJson(`${proxy.url}/sweeps/wild`, { name: 'lr sweep', goal: 'tune lr' });
    expect(sweep.status).toBe(200);
    const sweepId = (sweep.json as { id: string }).id;
    expect(sweepId).toMatch(/^[0-9a-f]{12}$/);
    for (const lr of ['1e-3', '1e-4']) {
      const run = await postJson(`${proxy.url}/runs`, { name: `lr-${lr}`, command: `python train.py --lr ${lr}`, sweep_id: sweepId });
      expect(run.status).toBe(200);
      expect(run.json).toMatchObject({ name: `lr-${lr}`, sweep_id: sweepId, status: 'ready' });
    }
    const unknownSweep = await postJson(`${proxy.url}/runs`, { name: 'x', command: 'true', sweep_id: '000000000000' });
    expect(unknownSweep.status).toBe(404);
    const runId = ((await call(`${proxy.url}/runs`)).json as Array<{ id: string }>)[0]?.id;
    expect((await call(`${proxy.url}/runs/${runId}?archived=false`)).status).toBe(200);

    expect(JSON.parse(fake.requests[1]?.body ?? '')).toEqual({ name: 'lr-1e-3', command: 'python train.py --lr 1e-3', sweep_id: sweepId });
    const activity = proxy.activity();
    expect(activity).toEqual({
      total: 6,
      sweepsCreated: 1,
      runsCreated: 2,
      failed: 1,
      byRoute: { 'POST /sweeps/wild': 1, 'POST /runs': 3, 'GET /runs': 1, 'GET /runs/{id}': 1 },
    });
    expect(describeActivity(activity)).toBe('created 1 sweep, 2 runs; 6 requests (1 failed)');
    expect(proxy.requests.map((r) => [r.method, r.path, r.status])).toContainEqual(['GET', `/runs/${runId}`, 200]);
  });

  it('collapses ids in routes and words the summary', () => {
    expect(routeOf('/prompt-skills/wild_v2_planning')).toBe('/prompt-skills/{id}');
    expect(routeOf('/prompt-skills/wild_v2_planning/render')).toBe('/prompt-skills/{id}/render');
    expect(routeOf('/prompt-skills/search')).toBe('/prompt-skills/search');
    expect(routeOf('/prompt-skills/a/files/src/x.py')).toBe('/prompt-skills/{id}/files/{path}');
    expect(routeOf('/sweeps/wild')).toBe('/sweeps/wild');
    expect(routeOf('/sweeps/0123456789ab/start')).toBe('/sweeps/{id}/start');
    expect(routeOf('/wild/v2/system-health')).toBe('/wild/v2/system-health');
    expect(routeOf('/wild/v2/plan/wild-1a2b3c4d')).toBe('/wild/v2/plan/{id}');
    expect(routeOf('/runs/')).toBe('/runs/');
    expect(routeOf('/')).toBe('/');
    expect(describeActivity({ total: 0, sweepsCreated: 0, runsCreated: 0, failed: 0, byRoute: {} })).toBe('no requests to the Wild server');
    expect(describeActivity({ total: 1, sweepsCreated: 0, runsCreated: 1, failed: 0, byRoute: {} })).toBe(
      'created 0 sweeps, 1 run; 1 request',
    );
  });
});

describe('startServerProxy: forwards to the configured server only', () => {
  it('refuses an absolute-URI request target without contacting the server', async () => {
    const { fake, proxy } = await setup();
    const reply = await raw(proxy.url, 'GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toContain('no absolute URLs');
    const dots = await raw(proxy.url, 'GET /wild/../../etc HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(dots).toMatch(/^HTTP\/1\.1 400 /);
    expect(fake.requests).toEqual([]);
    expect(proxy.requests.map((r) => r.status)).toEqual([400, 400]);
  });

  it('refuses CONNECT, TRACE and websocket upgrades', async () => {
    const { fake, proxy } = await setup();
    expect(await raw(proxy.url, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n')).toMatch(
      /^HTTP\/1\.1 405 [^]*CONNECT is refused/,
    );
    expect(await raw(proxy.url, 'TRACE /health HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/^HTTP\/1\.1 405 /);
    const upgrade =
      'GET /wild/v2/events/x HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
    expect(await raw(proxy.url, upgrade)).toMatch(/^HTTP\/1\.1 501 /);
    expect(fake.requests).toEqual([]);
  });

  it('answers 413 to a body over the cap and forwards one at the cap', async () => {
    const { fake, proxy } = await setup({ maxRequestBodyBytes: 1024 });
    const over = await call(`${proxy.url}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `"${'x'.repeat(4096)}"`,
    });
    expect(over.status).toBe(413);
    expect(over.text).toContain('limited to 1024 bytes');
    const asked = await raw(
      proxy.url,
      'POST /runs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n',
    );
    expect(asked).toMatch(/^HTTP\/1\.1 413 /);
    expect(fake.requests).toEqual([]);

    const atCap = JSON.stringify({ name: 'n', command: 'c'.repeat(1024 - 25) });
    expect(Buffer.byteLength(atCap)).toBe(1024);
    expect((await call(`${proxy.url}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: atCap })).status).toBe(
      200,
    );
    expect(fake.requests.map((r) => r.body)).toEqual([atCap]);
  });

  it('cuts or refuses an answer over the response cap', async () => {
    const { url } = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }); // chunked: no length to check up front
      for (let i = 0; i < 10; i++) res.write('y'.repeat(1000));
      res.end();
    });
    const streaming = await startServerProxy({ target: url, maxResponseBodyBytes: 4000 });
    cleanups.push(() => streaming.close());
    await expect(fetch(`${streaming.url}/big`).then((r) => r.text())).rejects.toThrow();
    expect(streaming.requests[0]).toMatchObject({ status: 200, error: 'response over 4000 bytes' });

    const { proxy } = await setup({ maxResponseBodyBytes: 1000 });
    const declared = await call(`${proxy.url}/openapi.json`);
    expect(declared.status).toBe(502);
    expect(declared.text).toMatch(/over the proxy's 1000-byte limit/);
    expect((await call(`${proxy.url}/health`)).status).toBe(200);
  });
});

describe('startServerProxy: redirects', () => {
  it("rewrites the server's trailing-slash redirect to the proxy, so following it keeps the token", async () => {
    const { fake, proxy } = await setup();
    const res = await call(`${proxy.url}/docs/`);
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe(`${proxy.url}/docs`);

    const followed = await fetch(`${proxy.url}/wild/v2/system-health/?x=1`);
    expect(followed.status).toBe(200);
    expect(fake.requests.map((r) => [r.path, r.query, r.status])).toEqual([
      ['/docs/', '', 307],
      ['/wild/v2/system-health/', '?x=1', 307],
      ['/wild/v2/system-health', '?x=1', 200],
    ]);
  });

  it('passes a redirect to another origin unchanged', async () => {
    const { url } = await listen((_req, res) => res.writeHead(302, { location: 'https://login.example/sso?next=%2F' }).end());
    const proxy = await startServerProxy({ target: url, token: TOKEN });
    cleanups.push(() => proxy.close());
    expect((await call(`${proxy.url}/runs`)).headers.get('location')).toBe('https://login.example/sso?next=%2F');
  });
});

describe('startServerProxy: a target with a base path', () => {
  it('joins the base path and maps redirects back to the proxy', async () => {
    const fake = await startWildServer({ token: TOKEN });
    cleanups.push(() => fake.stop());
    const prefix = await startPrefixServer('/lab/wild', fake.url);
    const proxy = await startServerProxy({ target: `${prefix.url}/lab/wild/`, token: TOKEN });
    cleanups.push(() => proxy.close());

    expect((await call(`${proxy.url}/wild/v2/system-health`)).status).toBe(200);
    expect((await call(`${proxy.url}/prompt-skills/search?q=sweep&limit=2`)).status).toBe(200);
    const redirect = await call(`${proxy.url}/docs/`);
    expect(redirect.headers.get('location')).toBe(`${proxy.url}/docs`);
    // `//host/...` is a path on the server, never a way to name another host.
    expect((await call(`${proxy.url}//example.com/x`)).status).toBe(404);

    expect(prefix.paths).toEqual([
      '/lab/wild/wild/v2/system-health',
      '/lab/wild/prompt-skills/search?q=sweep&limit=2',
      '/lab/wild/docs/',
      '/lab/wild//example.com/x',
    ]);
    expect(fake.requests.slice(0, 3).map((r) => `${r.path}${r.query}`)).toEqual([
      '/wild/v2/system-health',
      '/prompt-skills/search?q=sweep&limit=2',
      '/docs/',
    ]);
  });
});

describe('startServerProxy: failures', () => {
  it('answers 502 with a readable body when the server is down', async () => {
    const { fake, proxy } = await setup();
    await fake.setFault('*', { kind: 'down' });
    const res = await call(`${proxy.url}/wild/v2/system-health`);
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toBe('wild-plan proxy: 502 Bad Gateway — the Wild server refused the connection — is it running?\n');
    expect(proxy.activity()).toMatchObject({ total: 1, failed: 1 });
  });

  it('answers 504 when the server does not answer in time', async () => {
    const { fake, proxy } = await setup({ timeoutMs: 200 });
    await fake.setFault('/health', { kind: 'slow', ms: 10_000 });
    const res = await call(`${proxy.url}/health`);
    expect(res.status).toBe(504);
    expect(res.text).toContain('did not answer within 0.2 s');
    expect(proxy.requests[0]).toMatchObject({ path: '/health', status: 504, error: 'timeout' });
  });

  it('rejects a target that is not a plain http(s) URL', async () => {
    await expect(startServerProxy({ target: 'ftp://host/' })).rejects.toThrow('http(s)');
    await expect(startServerProxy({ target: 'https://user:pw@host/' })).rejects.toThrow('credentials');
  });
});

describe('startServerProxy: the token stays hidden', () => {
  it('never shows the token in answers, errors, redirects or log lines', async () => {
    shown.length = 0;
    const { fake, proxy, logs } = await setup({ maxRequestBodyBytes: 64 });
    await call(`${proxy.url}/runs`);
    await call(`${proxy.url}/prompt-skills/search?q=${TOKEN}`);
    await call(`${proxy.url}/runs/`);
    await call(`${proxy.url}/nope`);
    await call(`${proxy.url}/runs`, { method: 'POST', body: 'z'.repeat(200) });
    await raw(proxy.url, 'GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n');
    await fake.setFault('/sweeps', { kind: 'unauthorized' });
    expect((await call(`${proxy.url}/sweeps`)).status).toBe(401);
    await fake.setFault('*', { kind: 'down' });
    await call(`${proxy.url}/runs`);

    expect(logs).toHaveLength(8);
    expect(logs[0]).toMatch(/^wild-plan proxy: GET \/runs → 200 in \d+ ms$/);
    expect(logs[1]).toMatch(/^wild-plan proxy: GET \/prompt-skills\/search → 200 in \d+ ms$/);
    expect(shown.length).toBeGreaterThan(8);
    for (const text of [...shown, ...logs]) expect(text).not.toContain(TOKEN);
  });

  it('masks the token should the server echo it, even split across chunks', async () => {
    const { url } = await listen((req, res) => {
      const echoed = `{"you sent":"${String(req.headers['x-auth-token'])}"}`;
      const cut = echoed.indexOf(TOKEN) + 5;
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(echoed),
        'x-echo': `token=${String(req.headers['x-auth-token'])}`,
      });
      res.write(echoed.slice(0, cut));
      setTimeout(() => res.end(echoed.slice(cut)), 20);
    });
    const proxy = await startServerProxy({ target: url, token: TOKEN });
    cleanups.push(() => proxy.close());
    const res = await call(`${proxy.url}/echo`);
    const mask = '*'.repeat(TOKEN.length);
    expect(res.json).toEqual({ 'you sent': mask });
    expect(res.headers.get('x-echo')).toBe('token=***');
  });
});

describe('startServerProxy: lifecycle and real clients', () => {
  it('close() drops idle and busy connections, resolves, and the port refuses afterwards', async () => {
    const { fake, proxy } = await setup();
    const agent = new http.Agent({ keepAlive: true });
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        http
          .get(`${proxy.url}${path}`, { agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          })
          .on('error', reject);
      });
    expect(await get('/health')).toBe(200);
    const idle = Object.values(agent.freeSockets).flat();
    expect(idle).toHaveLength(1);
    const dropped = new Promise<void>((resolve) => idle[0]?.once('close', () => resolve()));
    // A request the server holds: its connection is busy, which server.close() alone waits for.
    await fake.setFault('/docs', { kind: 'barrier', count: 2 });
    const busy = get('/docs').then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise<void>((resolve) => {
      const poll = () => (fake.requests.length === 2 ? resolve() : setImmediate(poll));
      poll();
    });

    await proxy.close();
    await proxy.close();
    await dropped;
    expect(await busy).toBe('cut');
    expect(proxy.requests.at(-1)).toMatchObject({ path: '/docs', status: null, error: 'proxy closed' });
    const refused = await new Promise<string>((resolve) => {
      const socket = net.connect(Number(new URL(proxy.url).port), '127.0.0.1', () => resolve('connected'));
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    agent.destroy();
  });

  // curl is what the prompt runs. Without it on the machine, fetch stands in (same checks).
  it('serves the prompt preflight lines to curl -sf', async () => {
    const { proxy } = await setup();
    const paths = ['/docs', '/openapi.json', '/prompt-skills', '/wild/v2/system-health'];
    if (hasCurl()) {
      for (const path of paths) expect((await curl(['-sf', '-o', '/dev/null', `${proxy.url}${path}`])).code, path).toBe(0);
      const followed = await curl(['-sfL', `${proxy.url}/wild/v2/system-health/`]);
      expect(followed.code).toBe(0);
      expect(JSON.parse(followed.stdout)).toMatchObject({ max_concurrent: 5 });
      expect((await curl(['-sf', '-o', '/dev/null', `${proxy.url}/nope`])).code).toBe(22);
    } else {
      for (const path of paths) expect((await call(`${proxy.url}${path}`)).status, path).toBe(200);
      expect((await fetch(`${proxy.url}/wild/v2/system-health/`)).status).toBe(200);
    }
  });
});
