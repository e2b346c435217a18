import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildApiCatalog } from '../../src/server/api-catalog.js';
import { OpenApiSchema, type OpenApiDocument } from '../../src/server/schemas.js';

const fixture = OpenApiSchema.parse(JSON.parse(readFileSync(new URL('../fixtures/wild/openapi.json', import.meta.url), 'utf8')));

const op = (summary: string, tags?: string[]) => ({ summary, ...(tags ? { tags } : {}), responses: {} });

describe('buildApiCatalog', () => {
  it('renders the research server OpenAPI document as the committed catalog', async () => {
    await expect(buildApiCatalog(fixture, 'http://127.0.0.1:8787')).toMatchFileSnapshot('../fixtures/wild/api-catalog.expected.md');
  });

  it('lists every operation of the document exactly once', () => {
    const catalog = buildApiCatalog(fixture, 'http://srv');
    const operations = Object.values(fixture.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    expect(catalog.split('\n').filter((l) => l.startsWith('- `'))).toHaveLength(operations);
    expect(catalog).toContain('- `GET http://srv/wild/v2/system-health` — Wild V2 System Health');
    expect(catalog).toContain('- `POST http://srv/sweeps/wild` — Create Wild Sweep');
  });

  it('groups by first tag, tags sorted, untagged operations last', () => {
    const doc: OpenApiDocument = {
      paths: {
        '/z': { get: op('Zed') },
        '/runs': { get: op('List runs', ['runs', 'extra']) },
        '/alerts': { get: op('List alerts', ['alerts']) },
      },
    };
    expect(buildApiCatalog(doc, 'http://srv')).toBe(
      [
        '### alerts',
        '- `GET http://srv/alerts` — List alerts',
        '',
        '### runs',
        '- `GET http://srv/runs` — List runs',
        '',
        '### Other',
        '- `GET http://srv/z` — Zed',
      ].join('\n'),
    );
  });

  it('orders by path, then GET, POST, PUT, PATCH, DELETE, whatever the key order', () => {
    const item = { delete: op('d', ['t']), patch: op('pa', ['t']), post: op('po', ['t']), get: op('g', ['t']), put: op('pu', ['t']) };
    const doc: OpenApiDocument = { paths: { '/b': item, '/a': { post: op('a', ['t']) } } };
    const methods = buildApiCatalog(doc, 'http://srv')
      .split('\n')
      .slice(1)
      .map((l) => l.slice(3, l.indexOf(' ', 3)));
    expect(methods).toEqual(['POST', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
    const reversed: OpenApiDocument = { paths: Object.fromEntries(Object.entries(doc.paths).reverse()) };
    expect(buildApiCatalog(reversed, 'http://srv')).toBe(buildApiCatalog(doc, 'http://srv'));
  });

  it('joins the server URL without a double slash and ignores non-operation keys', () => {
    const doc: OpenApiDocument = {
      paths: { '/runs/{run_id}': { parameters: [{ name: 'run_id' }], summary: 'path-level', get: op('Get Run', ['runs']) } },
    };
    expect(buildApiCatalog(doc, 'https://lab.example/wild//')).toBe('### runs\n- `GET https://lab.example/wild/runs/{run_id}` — Get Run');
  });

  it('falls back to the description, then the operationId, and keeps server text on one line', () => {
    const doc: OpenApiDocument = {
      paths: {
        '/a': { get: { tags: ['t'], description: '\nFirst line.\nSecond line.' } },
        '/b': { get: { tags: ['t'], operationId: 'b_get' } },
        '/c': { get: { tags: ['t'], summary: 'Two\nlines\r\n## injected heading' } },
        '/d': { get: { tags: ['t'] } },
      },
    };
    expect(buildApiCatalog(doc, 'http://srv').split('\n').slice(1)).toEqual([
      '- `GET http://srv/a` — First line.',
      '- `GET http://srv/b` — b_get',
      '- `GET http://srv/c` — Two lines ## injected heading',
      '- `GET http://srv/d`',
    ]);
  });

  it('says so when the document has no operations', () => {
    expect(buildApiCatalog({ paths: {} }, 'http://srv')).toMatch(/no operations/);
  });
});
