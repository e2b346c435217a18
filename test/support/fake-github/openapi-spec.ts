// GitHub's published OpenAPI description, loaded once per process and indexed by method and
// path template so the fake can both route and check every request against the real contract.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

export type JsonSchema = Record<string, unknown>;

export interface SpecParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

export interface SpecOperation {
  operationId: string;
  parameters?: Array<SpecParameter | { $ref: string }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { $ref?: string; content?: Record<string, { schema?: JsonSchema }> }>;
  externalDocs?: { url?: string };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, SpecOperation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    parameters: Record<string, SpecParameter>;
    responses: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
  };
}

export interface OperationEntry {
  method: string;
  template: string;
  operation: SpecOperation;
  /** Literal segments count: the most literal template wins when several match. */
  literals: number;
  regex: RegExp;
  paramNames: string[];
}

export interface OperationMatch {
  entry: OperationEntry;
  params: Record<string, string>;
}

export interface SpecIndex {
  doc: OpenApiDocument;
  match(method: string, pathname: string): OperationMatch | undefined;
  byTemplate(method: string, template: string): OperationEntry | undefined;
  /** Milliseconds spent reading, parsing and indexing the description. */
  loadMs: number;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'patch', 'delete', 'head', 'options']);
// These parameters hold slash-separated values (file paths, git refs) when last in a template.
const GREEDY_PARAMS = new Set(['path', 'ref']);

function specPath(): string {
  const require = createRequire(import.meta.url);
  return require.resolve('@octokit/openapi/generated/api.github.com.json');
}

function compileTemplate(template: string): { regex: RegExp; paramNames: string[]; literals: number } {
  const paramNames: string[] = [];
  let literals = 0;
  const segments = template.split('/').slice(1);
  const parts = segments.map((segment, i) => {
    const param = /^\{([^}]+)\}$/.exec(segment);
    if (param?.[1]) {
      paramNames.push(param[1]);
      return GREEDY_PARAMS.has(param[1]) && i === segments.length - 1 ? '(.+)' : '([^/]+)';
    }
    literals++;
    // Segments such as `{org}.json` or `compare/{basehead}` mix text and params.
    return segment
      .split(/(\{[^}]+\})/)
      .map((piece) => {
        const inner = /^\{([^}]+)\}$/.exec(piece);
        if (inner?.[1]) {
          paramNames.push(inner[1]);
          return '([^/]+)';
        }
        return piece.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      })
      .join('');
  });
  return { regex: new RegExp(`^/${parts.join('/')}$`), paramNames, literals };
}

async function buildIndex(): Promise<SpecIndex> {
  const started = performance.now();
  const doc = JSON.parse(await readFile(specPath(), 'utf8')) as OpenApiDocument;
  const byMethod = new Map<string, OperationEntry[]>();
  const byKey = new Map<string, OperationEntry>();
  for (const [template, item] of Object.entries(doc.paths)) {
    const compiled = compileTemplate(template);
    for (const [method, operation] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method)) continue;
      const entry: OperationEntry = { method: method.toUpperCase(), template, operation, ...compiled };
      const list = byMethod.get(entry.method) ?? [];
      list.push(entry);
      byMethod.set(entry.method, list);
      byKey.set(`${entry.method} ${template}`, entry);
    }
  }
  for (const list of byMethod.values()) list.sort((a, b) => b.literals - a.literals);

  return {
    doc,
    loadMs: performance.now() - started,
    byTemplate: (method, template) => byKey.get(`${method.toUpperCase()} ${template}`),
    match(method, pathname) {
      for (const entry of byMethod.get(method.toUpperCase()) ?? []) {
        const m = entry.regex.exec(pathname);
        if (!m) continue;
        const params: Record<string, string> = {};
        entry.paramNames.forEach((name, i) => {
          params[name] = decodeURIComponent(m[i + 1] ?? '');
        });
        return { entry, params };
      }
      return undefined;
    },
  };
}

let cached: Promise<SpecIndex> | undefined;

/** The parsed description (13 MB) is shared by every fake in the process. */
export function loadSpecIndex(): Promise<SpecIndex> {
  cached ??= buildIndex();
  return cached;
}

export function resolveParameter(doc: OpenApiDocument, p: SpecParameter | { $ref: string }): SpecParameter {
  if ('$ref' in p) {
    const name = p.$ref.replace('#/components/parameters/', '');
    const found = doc.components.parameters[name];
    if (!found) throw new Error(`OpenAPI: unresolved parameter ${p.$ref}`);
    return found;
  }
  return p;
}

export function jsonContentSchema(content: Record<string, { schema?: JsonSchema }> | undefined): JsonSchema | undefined {
  return content?.['application/json']?.schema;
}

/** The JSON schema GitHub documents for a response status of an operation, if any. */
export function responseSchema(doc: OpenApiDocument, op: SpecOperation, status: number): JsonSchema | undefined {
  const response = op.responses?.[String(status)];
  if (!response) return undefined;
  if (response.$ref) {
    const shared = doc.components.responses[response.$ref.replace('#/components/responses/', '')];
    return jsonContentSchema(shared?.content);
  }
  return jsonContentSchema(response.content);
}

/**
 * A self-contained copy of `schema`: the component schemas it reaches are copied under
 * `components.schemas` (so `#/components/...` refs still resolve) and OpenAPI 3.0's
 * `nullable` is rewritten into plain JSON Schema, which ajv understands everywhere.
 */
export function standaloneSchema(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  const needed = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
      const name = ref.slice('#/components/schemas/'.length);
      if (!needed.has(name)) {
        needed.add(name);
        visit(doc.components.schemas[name]);
      }
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(schema);
  const schemas: Record<string, unknown> = {};
  for (const name of needed) schemas[name] = normalizeNullable(doc.components.schemas[name]);
  return { allOf: [normalizeNullable(schema)], components: { schemas } };
}

const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions']);
const SCHEMA_VALUED = new Set(['items', 'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf']);

function normalizeNullable(node: unknown): unknown {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    // Examples are documentation; some of them would not even validate.
    if (key === 'example' || key === 'examples') continue;
    if (SCHEMA_MAPS.has(key) && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeNullable(v)]));
    } else if (SCHEMA_VALUED.has(key)) {
      out[key] = Array.isArray(value) ? value.map(normalizeNullable) : normalizeNullable(value);
    } else {
      out[key] = value;
    }
  }
  if (out.nullable !== true) return out;
  delete out.nullable;
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'] };
  if (Object.keys(out).every((k) => k === 'description' || k === 'title')) return out;
  return { anyOf: [out, { type: 'null' }] };
}
