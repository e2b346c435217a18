import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorBodySchema, OpenApiSchema, SkillListSchema, SkillSearchResultListSchema } from '../../src/server/schemas.js';
import { renderLikeServer, startWildServer, type WildServerFake } from '../support/wild-server.js';

// The fake must answer like the research server (shared/WILD_SERVER.md): these tests pin
// the parts of the contract wild-plan and its agent rely on.

const TOKEN = 'lab-token-123';
let fake: WildServerFake | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function start(token?: string) {
  fake = await startWildServer(token ? { token } : {});
  return fake;
}

async function call(
  server: WildServerFake,
  method: string,
  path: string,
  init: { token?: string; body?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = {
    ...(init.token ? { 'X-Auth-Token': init.token } : {}),
    ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    ...init.headers,
  };
  const res = await fetch(`${server.url}${path}`, { method, headers, body: init.body, redirect: 'manual' });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

describe('auth', () => {
  it('rejects protected paths without the exact token, with the server body and no CORS header', async () => {
    const server = await start(TOKEN);
    for (const path of ['/runs', '/sweeps', '/wild/v2/system-health', '/journey/loop', '/runs/']) {
      const res = await call(server, 'GET', path, { headers: { Origin: 'https://ui.example' } });
      expect(res.status, path).toBe(401);
      expect(res.text).toBe('{"detail":"Unauthorized - invalid or missing X-Auth-Token"}');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
    expect((await call(server, 'GET', '/runs', { token: `${TOKEN}x` })).status).toBe(401);
  });

  it('lets the right token through', async () => {
    const server = await start(TOKEN);
    const res = await call(server, 'GET', '/runs', { token: TOKEN, headers: { Origin: 'https://ui.example' } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual([]);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://ui.example');
  });

  it('keeps /, /health, /docs, /openapi.json, /prompt-skills and /memories public', async () => {
    const server = await start(TOKEN);
    for (const path of ['/', '/health', '/docs', '/openapi.json', '/prompt-skills', '/prompt-skills/wild_v2_planning', '/memories']) {
      expect((await call(server, 'GET', path)).status, path).not.toBe(401);
    }
    // The middleware matches whole path segments: /wild-mode is not under /wild.
    expect((await call(server, 'GET', '/wild-mode')).status).not.toBe(401);
  });

  it('asks for nothing when the server has no token', async () => {
    const server = await start();
    expect((await call(server, 'GET', '/wild/v2/system-health')).status).toBe(200);
  });
});

describe('routing', () => {
  it('redirects a trailing slash to the bare path with 307, query kept', async () => {
    const server = await start();
    const res = await call(server, 'GET', '/prompt-skills/search/?q=audit');
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe(`${server.url}/prompt-skills/search?q=audit`);
    expect((await call(server, 'GET', '/docs/')).headers.get('location')).toBe(`${server.url}/docs`);
    expect((await call(server, 'GET', '/no-such-thing/')).status).toBe(404);
  });

  it('answers unknown paths 404 {"detail":"Not Found"} and wrong methods 405', async () => {
    const server = await start();
    const res = await call(server, 'GET', '/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.text).toBe('{"detail":"Not Found"}');
    expect((await call(server, 'DELETE', '/health')).status).toBe(405);
  });

  it('serves Swagger UI as HTML at /docs and the health body at /health', async () => {
    const server = await start();
    const docs = await call(server, 'GET', '/docs');
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
    expect(docs.text).toContain('SwaggerUIBundle');
    expect((await call(server, 'GET', '/health')).json).toEqual({
      status: 'ok',
      service: 'research-agent-server',
      workdir: '/home/researcher/project',
    });
  });

  it('serves an OpenAPI 3.x document with ~77 paths, each operation with summary and tags', async () => {
    const server = await start();
    const doc = OpenApiSchema.parse((await call(server, 'GET', '/openapi.json')).json);
    expect(doc.openapi).toMatch(/^3\.(0|1)\./);
    const paths = Object.keys(doc.paths);
    expect(paths.length).toBeGreaterThanOrEqual(70);
    expect(paths.length).toBeLessThanOrEqual(90);
    expect(paths).toEqual(expect.arrayContaining(['/prompt-skills', '/wild/v2/system-health', '/sweeps/wild', '/runs']));
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(
        item as Record<
          string,
          { summary?: string; tags?: string[]; responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }
        >,
      )) {
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        expect(op.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
        expect(op.responses?.['200']?.content?.['application/json']?.schema).toEqual({});
      }
    }
  });
});

describe('prompt skills', () => {
  it('lists SKILL.md files as the server does: fields, defaults, template without front matter', async () => {
    const server = await start();
    const raw = (await call(server, 'GET', '/prompt-skills')).json as Array<Record<string, unknown>>;
    const skills = SkillListSchema.parse(raw);
    expect(Object.keys(raw[0] ?? {})).toEqual(['id', 'name', 'description', 'template', 'variables', 'category', 'built_in', 'internal']);
    expect(skills.map((s) => s.id)).toEqual(
      expect.arrayContaining([
        'wild_v2_planning',
        'wild_v2_sweep_run_audit_protocol',
        'wild_v2_iteration',
        'wild_v2_reflection',
        'wild_v2_execution_ops_protocol',
        'wild_v2_gpu_discovery_parallel_scheduling',
      ]),
    );

    const planning = skills.find((s) => s.id === 'wild_v2_planning');
    const shipped = readFileSync(new URL('../../prompts/wild_v2_planning.md', import.meta.url), 'utf8');
    expect(planning?.template).toBe(shipped.split('---').slice(2).join('---').trim());
    expect(planning?.variables).toEqual([
      'goal',
      'workdir',
      'tasks_path',
      'server_url',
      'session_id',
      'steer_section',
      'api_catalog',
      'auth_header',
    ]);
    expect(skills.find((s) => s.id === 'wild_v2_system')).toMatchObject({
      category: 'prompt',
      variables: [],
      internal: false,
      built_in: true,
    });
    expect(skills.filter((s) => s.internal).map((s) => s.id)).toEqual(['ra_mode_agent', 'ra_mode_plan']);
    expect(skills.find((s) => s.id === 'alert_handler')).toMatchObject({ name: 'Alert Handler', internal: false });
  });

  it('answers an unknown skill with the exact 404 text', async () => {
    const server = await start();
    const res = await call(server, 'GET', '/prompt-skills/no_such_skill');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ detail: "Prompt skill 'no_such_skill' not found" });
  });

  it('searches with _score, best first; no _score for an empty query; 422 for a bad limit', async () => {
    const server = await start();
    const hits = SkillSearchResultListSchema.parse((await call(server, 'GET', '/prompt-skills/search?q=audit')).json);
    expect(hits[0]?.id).toBe('wild_v2_sweep_run_audit_protocol');
    expect(hits.every((h) => typeof h._score === 'number')).toBe(true);
    expect(hits.map((h) => h._score)).toEqual([...hits.map((h) => h._score)].sort((a, b) => (b ?? 0) - (a ?? 0)));

    const all = (await call(server, 'GET', '/prompt-skills/search?q=')).json as Array<Record<string, unknown>>;
    expect(all).toHaveLength(server.skills.length);
    expect(all.some((s) => '_score' in s)).toBe(false);
    expect((await call(server, 'GET', '/prompt-skills/search?q=wild&limit=2')).json).toHaveLength(2);

    const bad = await call(server, 'GET', '/prompt-skills/search?q=x&limit=ten');
    expect(bad.status).toBe(422);
    expect(ErrorBodySchema.parse(bad.json).detail).toEqual([expect.objectContaining({ loc: ['query', 'limit'], type: 'int_parsing' })]);
  });
});

describe('render', () => {
  it('replaces supplied values verbatim and deletes leftover {{placeholders}}, like renderLikeServer', async () => {
    const server = await start();
    const values = { goal: 'Beat the $& baseline by {{workdir}}', workdir: '/w' };
    const res = await call(server, 'POST', '/prompt-skills/wild_v2_planning/render', { body: JSON.stringify(values) });
    expect(res.status).toBe(200);
    const rendered = (res.json as { rendered: string }).rendered;
    const template = server.skills.find((s) => s.id === 'wild_v2_planning')?.template ?? '';
    expect(rendered).toBe(renderLikeServer(template, values));
    expect(rendered).toContain('Beat the $& baseline by /w');
    expect(rendered).not.toMatch(/\{\{[a-zA-Z_]+\}\}/);
    expect(rendered).toContain('curl -sf /docs >/dev/null');
  });

  it('renderLikeServer: only {{letters_and_underscores}} leftovers go; order of values matters', () => {
    expect(renderLikeServer('{{a}} {{ b }} {{c1}} {{gone}}', { a: 'x' })).toBe('x {{ b }} {{c1}} ');
    expect(renderLikeServer('{{a}}', { a: '{{b}}', b: 'y' })).toBe('y');
    expect(renderLikeServer('{{a}}', { b: 'y', a: '{{b}}' })).toBe('');
    expect(renderLikeServer('{{a}}', { a: "$1 $' $`" })).toBe("$1 $' $`");
  });

  it('422 when a value is not a string, 404 for an unknown skill', async () => {
    const server = await start();
    const bad = await call(server, 'POST', '/prompt-skills/wild_v2_planning/render', { body: '{"goal": 7}' });
    expect(bad.status).toBe(422);
    expect(ErrorBodySchema.parse(bad.json).detail).toEqual([
      { type: 'string_type', loc: ['body', 'goal'], msg: 'Input should be a valid string', input: 7 },
    ]);
    const missing = await call(server, 'POST', '/prompt-skills/nope/render', { body: '{}' });
    expect(missing.json).toEqual({ detail: "Prompt skill 'nope' not found" });
  });
});
