import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { LAX_BOOL, validateModel, type Issue, type Json } from './wild-server-validate.js';
import { PlanStore, type FakePlan } from './wild-server-plans.js';
import { WildLoop, type LoopSessionView, type PlanningChoice } from './wild-server-loop.js';

// A contract-faithful fake of the Wild Loop V2 research server (shared/WILD_SERVER.md, read
// against hao-ai-lab/research-agent's server.py): same auth rule, same bodies, same error
// texts, plus switchable faults. No vitest imports: `npm run demo` runs it through tsx.
//
//   const fake = await startWildServer({ token: 's3cret' });   // auth on; omit token for off
//   fake.url                          // http://127.0.0.1:<port>
//   await fake.setFault('/openapi.json', { kind: 'html' });   // or '*' for every path
//   await fake.clearFaults();
//   fake.requests                     // every request: method, path, query, headers, body, ticks
//   fake.skills                       // the skills it serves, as GET /prompt-skills lists them
//   await fake.stop();                // (close() is the same)
//
// Also exported: renderLikeServer(template, values), the server's own plain rendering, for
// parity tests; loadSkills(dir), SKILL.md folders read the way the server reads them.
//
// Endpoints served like the server: / /health /docs /openapi.json /prompt-skills
// /prompt-skills/search /prompt-skills/{id} POST /prompt-skills/{id}/render GET /memories
// /wild/v2/system-health POST /sweeps/wild GET /sweeps[/{id}] POST /runs GET /runs[/{id}];
// the plan-review records GET|POST /plans, GET|PATCH|DELETE /plans/{id}, POST
// /plans/{id}/approve|execute (wild-server-plans.ts; option `plans: false` removes them); the
// research loop POST /wild/v2/start|stop|pause|resume|steer, GET /wild/v2/status
// /wild/v2/plan/{id} /wild/v2/iteration-log/{id} /wild/v2/events/{id} /wild/v2/evo-sweep/{id},
// POST /wild/v2/events/{id}/resolve /wild/v2/evo-sweep/{id}/stop (wild-server-loop.ts), whose
// loop moves only when the test calls advanceLoop / planLoop / failLoop.
// Other operations of the OpenAPI fixture answer 501 (so a test never mistakes the fake for
// the server there); unknown paths 404 `{"detail":"Not Found"}`.
//
// The plan and loop routes were matched against research-agent ce2938d (the mirror's HEAD):
// server/integrations/plan_routes.py, server/core/models.py (PlanCreate, PlanUpdate,
// PLAN_STATUSES), server/agent/wild_routes.py and server/agent/wild_loop_v2.py.

export type WildFault =
  | { kind: 'down' } // '*' only: stops listening (connection refused) until clearFaults()
  | { kind: 'slow'; ms: number } // waits, then answers normally
  | { kind: 'status'; statuses: number[]; headers?: Record<string, string> } // per path, then normal
  | { kind: 'html' } // 200 text/html (a proxy's login page) where JSON is due
  | { kind: 'invalid-json' }
  | { kind: 'wrong-shape' } // 200 JSON of the wrong shape for that endpoint
  | { kind: 'unauthorized' } // the server's 401, whatever the token
  | { kind: 'reset' } // destroys the socket without answering
  | { kind: 'redirect-loop' } // 307 to itself
  | { kind: 'barrier'; count: number }; // holds requests until `count` are waiting, then answers all

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Ticks of one counter shared by arrivals and answers: ordering without clocks. */
  arrivedAt: number;
  answeredAt: number | null;
  status: number | null;
}

export interface WildServerOptions {
  /** Turns auth on, exactly as RESEARCH_AGENT_USER_AUTH_TOKEN does. */
  token?: string;
  /** A folder of `<id>/SKILL.md`; defaults to test/fixtures/wild/skills. */
  skillsDir?: string;
  workdir?: string;
  /**
   * Which `wild_v2_planning` the server runs: the version wild-plan ships (default), the newest
   * upstream one (test/fixtures/wild/versions), none at all (an older or trimmed server), or a
   * team's edit given as SKILL.md text.
   */
  planning?: 'shipped' | 'head' | 'absent' | { skillMd: string };
  /** What GET /memories holds (the active ones are listed with ?active_only=true); 'absent': a server without the memory bank (404). */
  memories?: FakeMemory[] | 'absent';
  /** false: a deployment from before the plan-review routes (every /plans… path 404s). Default true. */
  plans?: boolean;
  /** Where iteration 0 finds the tasks.md to adopt in the start goal; default: the first ```markdown block. */
  adoptPlanFrom?: (goal: string) => string | null;
  /** The plan iteration 0 writes when it adopts none (no block in the goal, or told not to). */
  ownPlan?: (goal: string) => string;
  /** Every Nth execution iteration appends a follow-up task to the last phase; 0 never. Default 3. */
  followUpEvery?: number;
}

export interface FakeMemory {
  id?: string;
  title: string;
  content: string;
  source?: string;
  tags?: string[];
  session_id?: string | null;
  is_active?: boolean;
}

export interface FakeSkill {
  id: string;
  name: unknown;
  description: unknown;
  template: string;
  variables: unknown;
  category: unknown;
  built_in: true;
  internal: boolean;
}

export interface WildServerFake {
  url: string;
  port: number;
  requests: RecordedRequest[];
  skills: FakeSkill[];
  setFault(pathOrStar: string, fault: WildFault): Promise<void>;
  clearFaults(): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
  /** The plan-review records by id (live objects: a test may inspect, not edit). */
  plans: ReadonlyMap<string, FakePlan>;
  /**
   * Runs `steps` loop steps of the session the server would pick for this chat id (omitted or
   * null: the latest). The first step after start or resume is iteration 0 (planning); each
   * later one an execution iteration. Only a running session moves. Returns it as
   * GET /wild/v2/status shows it, or null when there is none.
   */
  advanceLoop(chatSessionId?: string | null, steps?: number): LoopSessionView | null;
  /** Iteration 0 now, planned as told (`adopt: false` for a drifting agent); no-op unless planning is due. */
  planLoop(chatSessionId: string | null | undefined, choice: PlanningChoice): LoopSessionView | null;
  /** The engine lost its agent: the running session turns "failed". */
  failLoop(chatSessionId?: string | null): LoopSessionView | null;
  /** The session as GET /wild/v2/status shows it, without recording a request. */
  loopSession(chatSessionId?: string | null): LoopSessionView | null;
  /** Every session started so far, oldest first, including those a restart put out of the API's reach. */
  loopSessions(): LoopSessionView[];
  /** A pending alert, as a run's sidecar would raise it; GET /wild/v2/events lists it. Returns its id. */
  raiseAlert(alert: { run_id: string; message: string; severity?: string; choices?: string[] }): string;
  /** Moves a run to another status (e.g. "finished", "failed": then an event), updating its sweep's progress. */
  setRunStatus(runId: string, status: string): void;
}

const FIXTURES = fileURLToPath(new URL('../fixtures/wild/', import.meta.url));
const PROTECTED = [
  '/sessions',
  '/models',
  '/chat',
  '/runs',
  '/alerts',
  '/wild',
  '/sweeps',
  '/cluster',
  '/git',
  '/plans',
  '/integrations',
  '/journey',
];
const UNAUTHORIZED = { detail: 'Unauthorized - invalid or missing X-Auth-Token' };

/** The server's own rendering: each supplied `{{name}}` verbatim, then leftovers deleted. */
export function renderLikeServer(template: string, values: Record<string, string>): string {
  let result = template;
  // split/join, not replaceAll: a value's `$&` must stay literal, as in Python's str.replace.
  for (const [name, value] of Object.entries(values)) result = result.split(`{{${name}}}`).join(value);
  return result.replace(/\{\{[a-zA-Z_]+\}\}/g, '');
}

/** Python's `content.split("---", 2)`. */
function splitFrontMatter(content: string): string[] {
  const parts: string[] = [];
  let rest = content;
  for (let i = 0; i < 2 && rest.includes('---'); i++) {
    const at = rest.indexOf('---');
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 3);
  }
  return [...parts, rest];
}

/** SKILL.md folders read as the server's PromptSkillManager does; only `ra_mode_*` are internal. */
export function loadSkills(dir: string): FakeSkill[] {
  const skills: FakeSkill[] = [];
  for (const id of readdirSync(dir).sort()) {
    const file = join(dir, id, 'SKILL.md');
    if (!statSync(join(dir, id)).isDirectory() || !existsSync(file)) continue;
    const content = readFileSync(file, 'utf8');
    let fm: Record<string, unknown> = {};
    let template = content;
    try {
      const parts = splitFrontMatter(content);
      if (content.startsWith('---') && parts.length >= 3) {
        const parsed: unknown = parseYaml(parts[1] ?? '') ?? {};
        if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('front matter is not a mapping');
        fm = parsed as Record<string, unknown>;
        template = (parts[2] ?? '').trim();
      }
    } catch {
      continue; // the server logs the parse error and skips the skill
    }
    const get = (key: string, fallback: unknown) => (key in fm ? fm[key] : fallback);
    skills.push({
      id,
      name: get('name', id),
      description: get('description', ''),
      template,
      variables: get('variables', []),
      category: get('category', 'prompt'),
      built_in: true,
      internal: id.startsWith('ra_mode_'),
    });
  }
  return skills;
}

/** The catalog with the planning skill the test asked for in place of the shipped one. */
function withPlanning(skills: FakeSkill[], planning: NonNullable<WildServerOptions['planning']>): FakeSkill[] {
  if (planning === 'shipped') return skills;
  const others = skills.filter((skill) => skill.id !== 'wild_v2_planning');
  if (planning === 'absent') return others;
  const text = planning === 'head' ? readFileSync(join(FIXTURES, 'versions', 'wild_v2_planning.head.md'), 'utf8') : planning.skillMd;
  const dir = mkdtempSync(join(tmpdir(), 'wild-skill-'));
  try {
    mkdirSync(join(dir, 'wild_v2_planning'));
    writeFileSync(join(dir, 'wild_v2_planning', 'SKILL.md'), text);
    const [planningSkill] = loadSkills(dir);
    if (!planningSkill) throw new Error('the planning SKILL.md given to the fake does not parse');
    return [...others, planningSkill].sort((a, b) => (a.id < b.id ? -1 : 1));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A memory as the server's GET /memories lists it. */
function memoryRecord(memory: FakeMemory, index: number) {
  return {
    id: memory.id ?? `mem-${String(index + 1).padStart(4, '0')}`,
    title: memory.title,
    content: memory.content,
    source: memory.source ?? 'user',
    tags: memory.tags ?? [],
    session_id: memory.session_id ?? null,
    created_at: 1_760_000_000 + index,
    is_active: memory.is_active ?? true,
  };
}

function searchSkills(skills: FakeSkill[], q: string, limit: number): Json[] {
  if (!q.trim()) return skills.slice(0, limit);
  const query = q.trim().toLowerCase();
  const scored = skills.flatMap((s) => {
    const name = String(s.name).toLowerCase();
    const score =
      (query === name ? 100 : name.includes(query) ? 60 : 0) +
      (String(s.description).toLowerCase().includes(query) ? 30 : 0) +
      (s.template.toLowerCase().includes(query) ? 10 : 0);
    return score > 0 ? [{ ...s, _score: score }] : [];
  });
  return scored.sort((a, b) => b._score - a._score).slice(0, limit); // stable, like Python's sort
}

function routeRegex(template: string): RegExp {
  const source = template
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\{file_path\}/g, '.+')
    .replace(/\{[^}]+\}/g, '[^/]+');
  return new RegExp(`^${source}$`);
}

function wrongShapeFor(path: string): Json {
  if (path === '/openapi.json') return { openapi: '3.1.0', info: { title: 'Research Agent Server', version: '0.1.0' } };
  if (path === '/prompt-skills') return { skills: [] };
  if (path === '/wild/v2/system-health') return [0, 0, 0, 0, 0, 5];
  if (path === '/wild/v2/start' || path === '/wild/v2/status') return { session_id: 7, status: ['running'] };
  if (path === '/plans') return { plans: [] };
  return 'ok';
}

export async function startWildServer(opts: WildServerOptions = {}): Promise<WildServerFake> {
  const openapi = JSON.parse(readFileSync(join(FIXTURES, 'openapi.json'), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  const skills = withPlanning(loadSkills(opts.skillsDir ?? join(FIXTURES, 'skills')), opts.planning ?? 'shipped');
  const memories = opts.memories === 'absent' ? null : (opts.memories ?? []).map(memoryRecord);
  // FastAPI's Swagger UI page, and the kind of login page a proxy shows instead of JSON.
  const swaggerHtml = readFileSync(join(FIXTURES, 'docs.html'), 'utf8');
  const loginHtml = readFileSync(join(FIXTURES, 'login.html'), 'utf8');
  const workdir = opts.workdir ?? '/home/researcher/project';
  const documented = Object.entries(openapi.paths).map(([template, item]) => ({
    re: routeRegex(template),
    methods: Object.keys(item).map((m) => m.toUpperCase()),
  }));
  const allRoutes = [
    ...documented,
    ...['/docs', '/openapi.json', '/redoc', '/docs/oauth2-redirect'].map((p) => ({ re: routeRegex(p), methods: ['GET'] })),
  ];
  const requests: RecordedRequest[] = [];
  const faults = new Map<string, { fault: WildFault; served: Map<string, number>; held: Array<() => void> }>();
  const sweeps = new Map<string, Record<string, Json>>();
  const runs = new Map<string, Record<string, Json>>();
  const plans = new PlanStore(opts.plans ?? true);
  const loop = new WildLoop({
    workdir,
    adoptPlanFrom: opts.adoptPlanFrom,
    ownPlan: opts.ownPlan,
    followUpEvery: opts.followUpEvery,
    renderSteer: (userMessage, goal) => {
      const steer = skills.find((skill) => skill.id === 'wild_v2_steer');
      return steer ? renderLikeServer(steer.template, { user_message: userMessage, goal }) : null;
    },
    endedRuns: () =>
      [...runs.entries()]
        .filter(([, r]) => r.status === 'finished' || r.status === 'failed')
        .map(([id, r]) => ({ id, status: String(r.status), name: typeof r.name === 'string' ? r.name : id })),
  });
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let tick = 0;
  let listening = false;
  let stopped = false;
  const id12 = () => randomBytes(6).toString('hex');
  const now = () => Date.now() / 1000;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      headers: req.headers,
      body: '',
      arrivedAt: ++tick,
      answeredAt: null,
      status: null,
    };
    requests.push(rec);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      rec.body = Buffer.concat(chunks).toString('utf8');
      void handle(req, res, rec, url.searchParams).catch(() => req.socket.destroy());
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function send(
    rec: RecordedRequest,
    res: http.ServerResponse,
    status: number,
    body: string,
    headers: Record<string, string> = {},
    cors = true,
  ): void {
    if (res.writableEnded || res.destroyed) return;
    rec.answeredAt = ++tick;
    rec.status = status;
    const origin = rec.headers.origin;
    const corsHeaders: Record<string, string> =
      cors && origin ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' } : {};
    res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...corsHeaders, ...headers });
    res.end(body);
  }
  const json = (
    rec: RecordedRequest,
    res: http.ServerResponse,
    status: number,
    value: Json,
    headers: Record<string, string> = {},
    cors = true,
  ) => send(rec, res, status, JSON.stringify(value), { 'content-type': 'application/json', ...headers }, cors);
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  /** True when the fault answered the request itself. */
  async function applyFault(
    entry: { fault: WildFault; served: Map<string, number>; held: Array<() => void> },
    req: http.IncomingMessage,
    res: http.ServerResponse,
    rec: RecordedRequest,
  ): Promise<boolean> {
    const { fault } = entry;
    switch (fault.kind) {
      case 'slow':
        await delay(fault.ms);
        return false;
      case 'barrier':
        await new Promise<void>((resolve) => {
          entry.held.push(resolve);
          if (entry.held.length >= fault.count) entry.held.splice(0).forEach((release) => release());
        });
        return false;
      case 'status': {
        const n = entry.served.get(rec.path) ?? 0;
        const status = fault.statuses[n];
        if (status === undefined) return false;
        entry.served.set(rec.path, n + 1);
        json(rec, res, status, { detail: http.STATUS_CODES[status] ?? 'Error' }, fault.headers);
        return true;
      }
      case 'html':
        send(rec, res, 200, loginHtml, { 'content-type': 'text/html; charset=utf-8' });
        return true;
      case 'invalid-json':
        send(rec, res, 200, '{"paths": {"/runs": {"get": ', { 'content-type': 'application/json' });
        return true;
      case 'wrong-shape':
        json(rec, res, 200, wrongShapeFor(rec.path));
        return true;
      case 'unauthorized':
        json(rec, res, 401, UNAUTHORIZED, {}, false);
        return true;
      case 'redirect-loop':
        send(rec, res, 307, '', { location: `${rec.path}${rec.query}` });
        return true;
      case 'reset':
      case 'down':
        rec.answeredAt = ++tick;
        req.socket.destroy();
        return true;
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, rec: RecordedRequest, query: URLSearchParams): Promise<void> {
    const fault = faults.get(rec.path) ?? faults.get('*');
    if (fault && (await applyFault(fault, req, res, rec))) return;
    const { method, path } = rec;
    // The auth middleware runs before routing, on the raw path (trailing slash included).
    if (opts.token && PROTECTED.some((p) => path === p || path.startsWith(`${p}/`)) && req.headers['x-auth-token'] !== opts.token) {
      return json(rec, res, 401, UNAUTHORIZED, {}, false);
    }
    const route = (m: string, template: string) => method === m && routeRegex(template).test(path);
    const param = () => decodeURIComponent(path.split('/')[2] ?? '');
    const intQuery = (name: string, fallback: number): number | Issue => {
      const raw = query.get(name);
      if (raw === null) return fallback;
      return /^\s*[+-]?\d+\s*$/.test(raw)
        ? Number(raw)
        : {
            type: 'int_parsing',
            loc: ['query', name],
            msg: 'Input should be a valid integer, unable to parse string as an integer',
            input: raw,
          };
    };
    const health = { status: 'ok', service: 'research-agent-server', workdir };

    if (route('GET', '/') || route('GET', '/health')) return json(rec, res, 200, health);
    if (route('GET', '/docs')) return send(rec, res, 200, swaggerHtml, { 'content-type': 'text/html; charset=utf-8' });
    if (route('GET', '/openapi.json')) return json(rec, res, 200, openapi);
    if (route('GET', '/prompt-skills')) return json(rec, res, 200, skills);
    if (route('GET', '/prompt-skills/search')) {
      const limit = intQuery('limit', 20);
      if (typeof limit !== 'number') return json(rec, res, 422, { detail: [limit] });
      return json(rec, res, 200, searchSkills(skills, query.get('q') ?? '', limit));
    }
    const skillMatch = /^\/prompt-skills\/([^/]+)(\/render)?$/.exec(path);
    if (skillMatch && method === (skillMatch[2] ? 'POST' : 'GET')) {
      const id = decodeURIComponent(skillMatch[1] ?? '');
      const skill = skills.find((s) => s.id === id);
      if (!skillMatch[2]) return skill ? json(rec, res, 200, skill) : json(rec, res, 404, { detail: `Prompt skill '${id}' not found` });
      const values = validateRenderBody(rec.body);
      if ('issues' in values) return json(rec, res, 422, { detail: values.issues });
      if (!skill) return json(rec, res, 404, { detail: `Prompt skill '${id}' not found` });
      return json(rec, res, 200, { rendered: renderLikeServer(skill.template, values.value) });
    }
    if (route('GET', '/memories')) {
      if (memories === null) return json(rec, res, 404, { detail: 'Not Found' });
      const activeOnly = LAX_BOOL[(query.get('active_only') ?? 'false').toLowerCase()];
      if (activeOnly === undefined) {
        const issue = {
          type: 'bool_parsing',
          loc: ['query', 'active_only'],
          msg: 'Input should be a valid boolean, unable to interpret input',
          input: query.get('active_only'),
        };
        return json(rec, res, 422, { detail: [issue] });
      }
      const source = query.get('source');
      return json(
        rec,
        res,
        200,
        memories.filter((m) => (!activeOnly || m.is_active) && (source === null || m.source === source)),
      );
    }
    if (route('GET', '/wild/v2/system-health')) {
      const h = { running: 0, queued: 0, completed: 0, failed: 0, total: 0, max_concurrent: 5 };
      for (const r of runs.values()) {
        h.total++;
        if (r.status === 'running') h.running++;
        else if (r.status === 'queued' || r.status === 'ready') h.queued++;
        else if (r.status === 'finished') h.completed++;
        else if (r.status === 'failed') h.failed++;
      }
      return json(rec, res, 200, h);
    }
    if (route('POST', '/sweeps/wild')) {
      const v = validateModel(rec.body, {
        name: { kind: 'str', default: 'Wild Loop Sweep' },
        goal: { kind: 'str', default: '' },
        chat_session_id: { kind: 'str?' },
      });
      if ('issues' in v) return json(rec, res, 422, { detail: v.issues });
      const id = id12();
      const created = now();
      const goal = String(v.value.goal);
      sweeps.set(id, {
        name: v.value.name,
        base_command: '',
        workdir,
        parameters: {},
        run_ids: [],
        status: 'pending',
        created_at: created,
        goal,
        is_wild: true,
        chat_session_id: v.value.chat_session_id,
        ui_config: null,
        creation_context: {
          name: v.value.name,
          goal: goal.trim() || null,
          description: null,
          command: null,
          notes: null,
          max_runs: null,
          parallel_runs: null,
          early_stopping_enabled: null,
          early_stopping_patience: null,
          hyperparameter_count: 0,
          metric_count: null,
          insight_count: null,
          created_at: created,
          ui_config_snapshot: {},
        },
        progress: progressOf([]),
      });
      return json(rec, res, 200, { id, ...sweeps.get(id) });
    }
    if (route('POST', '/runs')) {
      const v = validateModel(rec.body, {
        name: { kind: 'str' },
        command: { kind: 'str' },
        workdir: { kind: 'str?' },
        sweep_id: { kind: 'str?' },
        parent_run_id: { kind: 'str?' },
        origin_alert_id: { kind: 'str?' },
        chat_session_id: { kind: 'str?' },
        auto_start: { kind: 'bool', default: false },
      });
      if ('issues' in v) return json(rec, res, 422, { detail: v.issues });
      const sweepId = v.value.sweep_id as string | null;
      if (sweepId && !sweeps.has(sweepId)) return json(rec, res, 404, { detail: `Sweep not found: ${sweepId}` });
      const id = id12();
      const { auto_start: autoStart, ...fields } = v.value;
      runs.set(id, {
        ...fields,
        workdir: fields.workdir ?? workdir,
        status: autoStart ? 'queued' : 'ready',
        created_at: now(),
        is_archived: false,
        tmux_window: null,
        run_dir: null,
        exit_code: null,
        error: null,
        wandb_dir: null,
      });
      const sweep = sweepId ? sweeps.get(sweepId) : undefined;
      if (sweep) {
        const ids = [...(sweep.run_ids as string[]), id];
        Object.assign(sweep, { run_ids: ids, progress: progressOf(ids), status: 'pending' });
      }
      return json(rec, res, 200, { id, ...runs.get(id) });
    }
    if (route('GET', '/runs') || route('GET', '/sweeps')) {
      const limit = intQuery('limit', path === '/runs' ? 100 : 50);
      if (typeof limit !== 'number') return json(rec, res, 422, { detail: [limit] });
      const archived = LAX_BOOL[(query.get('archived') ?? 'false').toLowerCase()] ?? false;
      const items = [...(path === '/runs' ? runs : sweeps).entries()]
        .filter(([, r]) => archived || r.is_archived !== true)
        .map(([id, r]): Record<string, Json> => ({ id, ...r }))
        .sort((a, b) => Number(b.created_at) - Number(a.created_at));
      return json(rec, res, 200, items.slice(0, limit));
    }
    if (route('GET', '/runs/{run_id}') || route('GET', '/sweeps/{sweep_id}')) {
      const store = path.startsWith('/runs/') ? runs : sweeps;
      const item = store.get(param());
      return item
        ? json(rec, res, 200, { id: param(), ...item })
        : json(rec, res, 404, { detail: store === runs ? 'Run not found' : 'Sweep not found' });
    }

    const answer = plans.route(method, path, query, rec.body) ?? loop.route(method, path, query, rec.body);
    if (answer) return json(rec, res, answer.status, answer.body);

    const known = allRoutes.filter((r) => r.re.test(path));
    if (known.some((r) => r.methods.includes(method)))
      return json(rec, res, 501, { detail: `${method} ${path} is documented but not implemented by the wild-plan test fake` });
    if (known.length) return json(rec, res, 405, { detail: 'Method Not Allowed' });
    const bare = path.replace(/\/+$/, '');
    if (path.length > 1 && bare !== path && allRoutes.some((r) => r.re.test(bare || '/'))) {
      return send(rec, res, 307, '', { location: `http://${req.headers.host ?? '127.0.0.1'}${bare || '/'}${rec.query}` });
    }
    return json(rec, res, 404, { detail: 'Not Found' });
  }

  function progressOf(ids: string[]): Record<string, number> {
    const statuses = ids.map((id) => runs.get(id)?.status);
    const count = (s: string) => statuses.filter((x) => x === s).length;
    return {
      total: ids.length,
      completed: count('finished'),
      failed: count('failed'),
      running: count('running'),
      launching: count('launching'),
      ready: count('ready'),
      queued: count('queued'),
      canceled: count('stopped'),
    };
  }

  function validateRenderBody(raw: string): { value: Record<string, string> } | { issues: Issue[] } {
    let body: unknown;
    if (raw.trim() === '') return { issues: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] };
    try {
      body = JSON.parse(raw);
    } catch {
      return { issues: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {} }] };
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return { issues: [{ type: 'dict_type', loc: ['body'], msg: 'Input should be a valid dictionary', input: body }] };
    const issues = Object.entries(body)
      .filter(([, v]) => typeof v !== 'string')
      .map(([k, v]): Issue => ({ type: 'string_type', loc: ['body', k], msg: 'Input should be a valid string', input: v }));
    return issues.length ? { issues } : { value: body as Record<string, string> };
  }

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        listening = true;
        resolve();
      });
    });
  const unlisten = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });

  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const stop = async () => {
    stopped = true;
    for (const t of timers) clearTimeout(t);
    for (const entry of faults.values()) entry.held.splice(0).forEach((release) => release());
    await unlisten();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    skills,
    async setFault(pathOrStar, fault) {
      if (fault.kind === 'down' && pathOrStar !== '*') throw new Error("the 'down' fault stops the whole server: use '*'");
      faults.set(pathOrStar, { fault, served: new Map(), held: [] });
      if (fault.kind === 'down') await unlisten();
    },
    async clearFaults() {
      for (const entry of faults.values()) entry.held.splice(0).forEach((release) => release());
      faults.clear();
      if (!listening && !stopped) await listen(port);
    },
    stop,
    close: stop,
    plans: plans.plans,
    advanceLoop: (chatSessionId, steps = 1) => loop.advance(chatSessionId, steps),
    planLoop: (chatSessionId, choice) => loop.plan(chatSessionId, choice),
    failLoop: (chatSessionId) => loop.fail(chatSessionId),
    loopSession: (chatSessionId) => loop.session(chatSessionId),
    loopSessions: () => loop.sessions(),
    raiseAlert: (alert) => loop.raiseAlert(alert),
    setRunStatus(runId, status) {
      const run = runs.get(runId);
      if (!run) throw new Error(`the fake has no run ${runId}`);
      run.status = status;
      const sweep = typeof run.sweep_id === 'string' ? sweeps.get(run.sweep_id) : undefined;
      if (sweep) sweep.progress = progressOf(sweep.run_ids as string[]);
    },
  };
}
