// The token: how it travels (only as an env-configured header, only to the server it belongs to)
// and where it must never end up (argv, .git/config, hooks the agent planted, error messages).
// The remote here is origin served over smart HTTP by `git http-backend`, behind a server that
// checks the Authorization header the way GitHub does.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { basicCredential, buildGitEnv, redact } from '../../src/git/auth.js';
import { PublishError } from '../../src/git/errors.js';
import { publishPlan, type PublishOptions } from '../../src/git/publish.js';
import { GitFixture, writeFiles } from '../support/git-fixture.js';

const TOKEN = 'ghs_fixtureToken0123456789abcdef';
const BRANCH = 'wild-plan/issue-5';
const FILES = [
  { path: 'tasks.md', content: '# Tasks\n' },
  { path: 'prompt_skill_playbook.md', content: '# Playbook\n' },
];

interface HttpOrigin {
  /** http://127.0.0.1:<port>, the serverUrl the token belongs to. */
  serverUrl: string;
  /** Authorization header values of every request, as many as each request carried. */
  authorizations: string[][];
  close(): Promise<void>;
}

/** Serves fx.root over smart HTTP; only requests with exactly one correct header get through. */
async function serveOrigin(fx: GitFixture): Promise<HttpOrigin> {
  const expected = `basic ${basicCredential(TOKEN)}`;
  const authorizations: string[][] = [];
  const server = createServer((req, res) => {
    const values = headerValues(req, 'authorization');
    authorizations.push(values);
    if (values.length !== 1 || values[0] !== expected) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="GitHub"' }).end();
      return;
    }
    runHttpBackend(fx.root, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    serverUrl: `http://127.0.0.1:${port}`,
    authorizations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function headerValues(req: IncomingMessage, name: string): string[] {
  // req.headers keeps only one Authorization; rawHeaders shows duplicates.
  const values: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() === name) values.push(req.rawHeaders[i + 1]!);
  }
  return values;
}

function runHttpBackend(projectRoot: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const cgi = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      REMOTE_USER: 'x-access-token', // enables receive-pack
      REQUEST_METHOD: req.method,
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
    },
  });
  req.pipe(cgi.stdin);
  let head = Buffer.alloc(0);
  let headerDone = false;
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (headerDone) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headerDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const [name, ...rest] = line.split(':');
      const value = rest.join(':').trim();
      if (name!.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else res.setHeader(name!, value);
    }
    res.writeHead(status);
    res.write(head.subarray(end + 4));
  });
  cgi.on('close', () => res.end());
}

let fx: GitFixture;
let origin: HttpOrigin | undefined;
afterEach(async () => {
  await origin?.close();
  origin = undefined;
  await fx?.dispose();
});

async function httpFixture(): Promise<void> {
  fx = await GitFixture.create();
  origin = await serveOrigin(fx);
  await fx.git(fx.work, ['remote', 'set-url', 'origin', `${origin.serverUrl}/origin.git`]);
}

function publish(overrides: Partial<PublishOptions> = {}) {
  return publishPlan({
    workdir: fx.work,
    branch: BRANCH,
    files: FILES,
    message: 'wild-plan: plan for #5',
    token: TOKEN,
    serverUrl: origin!.serverUrl,
    ...overrides,
  });
}

describe('buildGitEnv', () => {
  it('carries the token only base64-encoded, in a header scoped to the server, with prompts off', () => {
    const env = buildGitEnv({
      auth: { token: TOKEN, serverUrl: 'https://ghe.example.com/' },
      ambient: { PATH: '/usr/bin', HOME: '/home/runner', GIT_DIR: '/elsewhere', GIT_INDEX_FILE: '/x', SECRET: 's' },
    });

    expect(Object.values(env).some((value) => value.includes(TOKEN))).toBe(false);
    const headerIndex = Object.entries(env).find(([, value]) => value.includes(basicCredential(TOKEN)))?.[0];
    expect(headerIndex).toMatch(/^GIT_CONFIG_VALUE_\d+$/);
    expect(env[headerIndex!.replace('VALUE', 'KEY')]).toBe('http.https://ghe.example.com/.extraheader');
    expect(Buffer.from(basicCredential(TOKEN), 'base64').toString()).toBe(`x-access-token:${TOKEN}`);
    expect(env).toMatchObject({ GIT_TERMINAL_PROMPT: '0', PATH: '/usr/bin', HOME: '/home/runner' });
    expect(env).not.toHaveProperty('GIT_DIR');
    expect(env).not.toHaveProperty('GIT_INDEX_FILE');
    expect(env).not.toHaveProperty('SECRET');
    expect(Object.values(buildGitEnv({ ambient: {} })).join('\n')).not.toMatch(/extraheader|AUTHORIZATION/i);
  });

  it('redacts the token, its encoding and URL credentials from text', () => {
    const text = `fatal: https://user:${TOKEN}@github.com/o/r failed; header ${basicCredential(TOKEN)}; raw ${TOKEN}`;
    const clean = redact(text, [TOKEN, basicCredential(TOKEN)]);
    expect(clean).not.toContain(TOKEN);
    expect(clean).not.toContain(basicCredential(TOKEN));
    expect(clean).toContain('https://***@github.com/o/r');
  });
});

describe('publishPlan over https-style auth', () => {
  it('pushes with the token and leaves no trace of it in .git/config', async () => {
    await httpFixture();
    const before = await fx.workTreeState();

    const result = await publish();

    expect(result.pushed).toBe(true);
    expect(await fx.remoteHead(BRANCH)).toBe(result.commitSha);
    expect(origin!.authorizations.length).toBeGreaterThan(0);
    const after = await fx.workTreeState();
    expect(after).toEqual(before);
    expect(after.config).not.toContain(TOKEN);
    expect(after.config).not.toContain(basicCredential(TOKEN));
  });

  it('replaces a header persisted by actions/checkout instead of sending two', async () => {
    await httpFixture();
    const stale = `AUTHORIZATION: basic ${basicCredential('expired-token')}`;
    await fx.git(fx.work, ['config', '--local', `http.${origin!.serverUrl}/.extraheader`, stale]);

    const result = await publish();

    expect(result.pushed).toBe(true);
    expect(origin!.authorizations.every((values) => values.length === 1)).toBe(true);
    expect(await fx.git(fx.work, ['config', '--local', `http.${origin!.serverUrl}/.extraheader`])).toBe(stale);
  });

  it('never sends the token to a host other than serverUrl, even when origin points there', async () => {
    await httpFixture();

    const failure = await publish({ serverUrl: 'https://github.com' }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(Error);
    expect(String(failure)).not.toContain(TOKEN);
    expect(origin!.authorizations.flat()).toEqual([]);
    expect(await fx.remoteHead(BRANCH)).toBeNull();
  });

  it('does not run hooks planted in the checkout while the token is in the environment', async () => {
    await httpFixture();
    const leak = join(fx.root, 'leaked-env');
    const hook = `#!/bin/sh\nenv >> '${leak}'\n`;
    const planted = ['pre-push', 'reference-transaction'].flatMap((name) => [`.git/hooks/${name}`, `planted/${name}`]);
    await writeFiles(fx.work, Object.fromEntries(planted.map((path) => [path, hook])));
    for (const path of planted) await chmod(join(fx.work, path), 0o755);
    await fx.git(fx.work, ['config', '--local', 'core.hooksPath', join(fx.work, 'planted')]);

    const result = await publish();

    expect(result.pushed).toBe(true);
    expect(existsSync(leak)).toBe(false);
  });

  it("refuses to use the token when the checkout's config could redirect it", async () => {
    await httpFixture();
    await fx.git(fx.work, ['config', '--local', `url.https://collector.example/.insteadOf`, `${origin!.serverUrl}/`]);

    const failure = await publish().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(PublishError);
    expect(failure).toMatchObject({ code: 'unsafe-config', message: expect.stringContaining('insteadof') });
    expect(origin!.authorizations).toEqual([]);
  });

  it('fails without prompting when no token is given for an authenticated remote', async () => {
    await httpFixture();

    await expect(publish({ token: undefined })).rejects.toThrow(/terminal prompts disabled|Authentication failed|could not read/i);
    expect(origin!.authorizations.flat()).toEqual([]);
  });
});
