// Checks requests (and, in the fake's own tests, responses) against the operation GitHub
// documents for them. Validators are compiled on first use and cached for the process.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import {
  jsonContentSchema,
  resolveParameter,
  responseSchema,
  standaloneSchema,
  type JsonSchema,
  type OperationMatch,
  type SpecIndex,
} from './openapi-spec.js';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule.default;

function makeAjv(coerceTypes: boolean): Ajv {
  // `verbose` puts the offending value in each error, for messages like GitHub's.
  const ajv = new Ajv({ strict: false, allErrors: true, verbose: true, coerceTypes, logger: false });
  addFormats(ajv);
  return ajv;
}

// Bodies are checked exactly (`"draft": "yes"` is not a boolean); path and query values
// arrive as strings, so they are coerced to the declared type first, as GitHub does.
const bodyAjv = makeAjv(false);
const paramAjv = makeAjv(true);
const validators = new Map<string, ValidateFunction | null>();

function cachedValidator(key: string, ajv: Ajv, build: () => JsonSchema | undefined): ValidateFunction | null {
  if (!validators.has(key)) {
    const schema = build();
    validators.set(key, schema ? ajv.compile(schema) : null);
  }
  return validators.get(key) ?? null;
}

export interface RequestCheck {
  /** What GitHub would refuse; `status` is how it refuses. Empty when the request is valid. */
  errors: string[];
  status?: 400 | 404 | 422;
  /** The `message` GitHub puts in its refusal. */
  githubMessage?: string;
  /** Accepted by GitHub but silently ignored there: nearly always a bug in the caller. */
  ignored: string[];
}

export interface IncomingRequest {
  query: Record<string, string>;
  /** The raw body text; empty when none was sent. */
  rawBody: string;
}

export function checkRequest(index: SpecIndex, match: OperationMatch, req: IncomingRequest): RequestCheck {
  const { entry } = match;
  const op = entry.operation;
  const key = `${entry.method} ${entry.template}`;
  const params = (op.parameters ?? []).map((p) => resolveParameter(index.doc, p));
  const result: RequestCheck = { errors: [], ignored: [] };

  const pathValidator = cachedValidator(`path ${key}`, paramAjv, () => paramObjectSchema(params, 'path'));
  const pathValues: Record<string, unknown> = { ...match.params };
  if (pathValidator && !pathValidator(pathValues)) {
    // GitHub's router does not match such a path at all.
    result.errors.push(...describe(pathValidator.errors, 'path'));
    result.status = 404;
    result.githubMessage = 'Not Found';
    return result;
  }

  const known = new Set(params.filter((p) => p.in === 'query').map((p) => p.name));
  for (const name of Object.keys(req.query)) {
    if (!known.has(name)) result.ignored.push(`unknown query parameter '${name}' (GitHub ignores it)`);
  }
  const queryValidator = cachedValidator(`query ${key}`, paramAjv, () => paramObjectSchema(params, 'query'));
  const queryValues: Record<string, unknown> = { ...req.query };
  if (queryValidator && !queryValidator(queryValues)) {
    result.errors.push(...describe(queryValidator.errors, 'query'));
  }

  const bodySchema = jsonContentSchema(op.requestBody?.content);
  if (bodySchema) checkBody(index, key, bodySchema, req.rawBody, result);
  else if (req.rawBody.trim() !== '' && entry.method !== 'GET') {
    result.ignored.push('request body sent to an operation that takes none (GitHub ignores it)');
  }

  if (result.errors.length > 0 && !result.status) {
    result.status = 422;
    result.githubMessage ??= `Invalid request.\n\n${result.errors.join('\n')}`;
  }
  return result;
}

function checkBody(index: SpecIndex, key: string, schema: JsonSchema, rawBody: string, result: RequestCheck): void {
  let body: unknown = {};
  if (rawBody.trim() !== '') {
    try {
      body = JSON.parse(rawBody);
    } catch {
      result.errors.push('body is not valid JSON');
      result.status = 400;
      result.githubMessage = 'Problems parsing JSON';
      return;
    }
  }
  const validate = cachedValidator(`body ${key}`, bodyAjv, () => standaloneSchema(index.doc, schema));
  if (validate && !validate(body)) result.errors.push(...describe(validate.errors, 'body'));

  const declared = schema.properties as Record<string, unknown> | undefined;
  if (declared && schema.additionalProperties === undefined && body && typeof body === 'object' && !Array.isArray(body)) {
    for (const name of Object.keys(body)) {
      if (!(name in declared)) result.ignored.push(`unknown body property '${name}' (GitHub ignores it)`);
    }
  }
}

function paramObjectSchema(params: ReturnType<typeof resolveParameter>[], where: 'path' | 'query'): JsonSchema | undefined {
  const selected = params.filter((p) => p.in === where);
  if (selected.length === 0) return undefined;
  return {
    type: 'object',
    properties: Object.fromEntries(selected.map((p) => [p.name, p.schema ?? {}])),
    required: selected.filter((p) => p.required).map((p) => p.name),
  };
}

/** ajv errors in the words GitHub uses for its own JSON-schema refusals. */
function describe(errors: ErrorObject[] | null | undefined, where: 'path' | 'query' | 'body'): string[] {
  const lines = new Set<string>();
  for (const e of errors ?? []) {
    // oneOf/anyOf summaries repeat what their branches already said.
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if') continue;
    const at = e.instancePath === '' ? '' : `For 'properties${e.instancePath}', `;
    const value = JSON.stringify(e.data);
    if (e.keyword === 'required') {
      const missing = String((e.params as { missingProperty?: unknown }).missingProperty);
      lines.add(`${where === 'body' ? '' : `${where} parameter `}"${missing}" wasn't supplied.`);
    } else if (e.keyword === 'type') {
      lines.add(`${at || `For ${where}, `}${value} is not ${article(String((e.params as { type?: unknown }).type))}.`);
    } else if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues ?? [];
      lines.add(`${at}${value} is not a member of ${JSON.stringify(allowed)}.`);
    } else {
      lines.add(`${at}${value} ${e.message ?? 'is invalid'}.`);
    }
  }
  return [...lines];
}

function article(type: string): string {
  const first = type.split(',')[0] ?? type;
  return /^[aeiou]/.test(first) ? `an ${first}` : `a ${first}`;
}

/**
 * Problems with a response body the fake produced, judged by the schema GitHub documents for
 * that status. Empty when it conforms, or when GitHub documents no JSON body for the status.
 */
export function checkResponse(index: SpecIndex, method: string, template: string, status: number, body: unknown): string[] {
  const entry = index.byTemplate(method, template);
  if (!entry) return [`no operation ${method} ${template} in GitHub's description`];
  const validate = cachedValidator(`response ${method} ${template} ${status}`, bodyAjv, () => {
    const schema = responseSchema(index.doc, entry.operation, status);
    return schema ? standaloneSchema(index.doc, schema) : undefined;
  });
  if (!validate || validate(body)) return [];
  return (validate.errors ?? [])
    .filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf')
    .map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params)}`);
}
