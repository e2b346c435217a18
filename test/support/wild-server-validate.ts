// Request-body validation the way the research server's FastAPI + Pydantic v2 (lax mode) does
// it, shared by the parts of the Wild server fake (wild-server.ts, wild-server-plans.ts,
// wild-server-loop.ts). Error types and messages were checked against pydantic 2.13 validating
// `json.loads` output, which is what FastAPI hands it.

export type Json = unknown;
export type Issue = { type: string; loc: Array<string | number>; msg: string; input: unknown };
/** What a route module answers; null when the path is not its own. */
export type Answer = { status: number; body: Json } | null;

export const LAX_BOOL: Record<string, boolean> = {
  '0': false,
  off: false,
  f: false,
  false: false,
  n: false,
  no: false,
  '1': true,
  on: true,
  t: true,
  true: true,
  y: true,
  yes: true,
};

/** `str?`, `dict?`: Optional[...] = None. The others are required unless given a default. */
export type FieldKind = 'str' | 'str?' | 'bool' | 'int' | 'float' | 'dict?' | 'list';
export type FieldSpec = { kind: FieldKind; default?: Json };

// Pydantic takes i64 from a float; past it the error is int_parsing_size.
const I64 = 2 ** 63;
// Underscores between digits and a zero fraction are accepted; "7." and "1e3" are not.
const INT_TEXT = /^\s*([+-]?\d+(?:_\d+)*)(?:\.0+)?\s*$/;
const FLOAT_TEXT = /^[+-]?(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+)?$/;

function issue(type: string, name: string, msg: string, input: unknown): Issue {
  return { type, loc: ['body', name], msg, input };
}

function laxInt(name: string, v: unknown): { ok: number } | Issue {
  if (typeof v === 'boolean') return { ok: v ? 1 : 0 };
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || Math.abs(v) >= I64)
      return issue('int_parsing_size', name, 'Unable to parse input string as an integer, exceeded maximum size', v);
    if (!Number.isInteger(v))
      return issue('int_from_float', name, 'Input should be a valid integer, got a number with a fractional part', v);
    return { ok: v };
  }
  if (typeof v === 'string') {
    const m = INT_TEXT.exec(v);
    if (m?.[1]) return { ok: Number(m[1].replace(/_/g, '')) };
    return issue('int_parsing', name, 'Input should be a valid integer, unable to parse string as an integer', v);
  }
  return issue('int_type', name, 'Input should be a valid integer', v);
}

function laxFloat(name: string, v: unknown): { ok: number } | Issue {
  if (typeof v === 'boolean') return { ok: v ? 1 : 0 };
  if (typeof v === 'number') return { ok: v };
  if (typeof v === 'string') {
    const text = v.trim();
    const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
    if (special) return { ok: special[2]?.toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity };
    if (FLOAT_TEXT.test(text)) return { ok: Number(text.replace(/_/g, '')) };
    return issue('float_parsing', name, 'Input should be a valid number, unable to parse string as a number', v);
  }
  return issue('float_type', name, 'Input should be a valid number', v);
}

/** Pydantic v2 (lax) validation of a JSON body against a flat model; issues as FastAPI sends them. */
export function validateModel(raw: string, fields: Record<string, FieldSpec>): { value: Record<string, Json> } | { issues: Issue[] } {
  // FastAPI reads an empty body as None, and a required body model then fails as a whole.
  if (raw.trim() === '') return { issues: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] };
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { issues: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {} }] };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      issues: [
        {
          type: 'model_attributes_type',
          loc: ['body'],
          msg: 'Input should be a valid dictionary or object to extract fields from',
          input: body,
        },
      ],
    };
  }
  const input = body as Record<string, Json>;
  const value: Record<string, Json> = {};
  const issues: Issue[] = [];
  for (const [name, spec] of Object.entries(fields)) {
    const v = input[name];
    const optional = spec.kind === 'str?' || spec.kind === 'dict?';
    if (!(name in input)) {
      if ('default' in spec || optional) value[name] = spec.default ?? null;
      else issues.push({ type: 'missing', loc: ['body', name], msg: 'Field required', input });
      continue;
    }
    if (v === null && optional) {
      value[name] = null;
      continue;
    }
    switch (spec.kind) {
      case 'bool': {
        const lax = typeof v === 'string' ? LAX_BOOL[v.toLowerCase()] : v === 0 || v === 1 ? v === 1 : v;
        if (typeof lax === 'boolean') value[name] = lax;
        else
          issues.push(
            typeof v === 'string'
              ? issue('bool_parsing', name, 'Input should be a valid boolean, unable to interpret input', v)
              : issue('bool_type', name, 'Input should be a valid boolean', v),
          );
        break;
      }
      case 'int':
      case 'float': {
        const n = spec.kind === 'int' ? laxInt(name, v) : laxFloat(name, v);
        if ('ok' in n) value[name] = n.ok;
        else issues.push(n);
        break;
      }
      case 'dict?':
        if (typeof v === 'object' && v !== null && !Array.isArray(v)) value[name] = v;
        else issues.push(issue('dict_type', name, 'Input should be a valid dictionary', v));
        break;
      case 'list':
        if (Array.isArray(v)) value[name] = v;
        else issues.push(issue('list_type', name, 'Input should be a valid list', v));
        break;
      case 'str':
      case 'str?':
        if (typeof v === 'string') value[name] = v;
        else issues.push(issue('string_type', name, 'Input should be a valid string', v));
    }
  }
  return issues.length ? { issues } : { value };
}

/** A scalar query parameter as Starlette hands it to FastAPI: the last of repeated values. */
export function lastQuery(query: URLSearchParams, name: string): string | null {
  return query.getAll(name).at(-1) ?? null;
}

/** Timestamps in seconds like Python's time.time(), strictly increasing so "newest first" never ties. */
export function clockSeconds(): () => number {
  let last = 0;
  return () => {
    last = Math.max(Date.now() / 1000, last + 1e-6);
    return last;
  };
}
