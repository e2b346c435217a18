import { randomBytes, randomUUID } from 'node:crypto';
import { clockSeconds, lastQuery, validateModel, type Answer, type Json } from './wild-server-validate.js';

// The Wild Loop V2 engine's HTTP face (/wild/v2/*) and a deterministic stand-in for its loop,
// read from research-agent ce2938d: server/agent/wild_routes.py (routes, request models) and
// server/agent/wild_loop_v2.py (WildV2Session.to_dict, start/stop/pause/resume/steer/get_status,
// get_plan, get_iteration_log, _run_loop, _append_iteration_log).
//
// The real loop runs as a background task that calls an agent; here nothing moves until the test
// calls advance(): step 1 is iteration 0 (planning), each later step one execution iteration.
// The simulated agent adopts a tasks.md handed to it in the goal (or writes its own), and each
// iteration finishes the task in progress ([/] → [x]) and starts the next one ([ ] → [/]).

/** How the simulated agent plans in iteration 0. */
export interface PlanningChoice {
  /** false: ignore any tasks.md in the goal and write an own plan (a drifting agent). */
  adopt?: boolean;
  /** The exact plan the agent answers with, whatever the goal holds. */
  plan?: string;
  /** The `<summary>` the agent gives; the engine's default text when omitted. */
  summary?: string;
}

export interface LoopOptions {
  workdir: string;
  /** The tasks.md the agent takes from the goal; default: the first ```markdown (or ```md) block. */
  adoptPlanFrom?: (goal: string) => string | null;
  /** What the agent plans when it does not adopt one. */
  ownPlan?: (goal: string) => string;
  /** Every Nth iteration the agent appends a follow-up task to the last phase; 0 never. Default 3. */
  followUpEvery?: number;
  /** The server's render_fn for `wild_v2_steer`; null when the skill is missing (raw text is kept). */
  renderSteer: (userMessage: string, goal: string) => string | null;
  /** Runs that finished or failed, for the events route. */
  endedRuns: () => Array<{ id: string; status: string; name: string }>;
}

export interface HistoryRecord {
  iteration: number;
  summary: string;
  started_at: number;
  finished_at: number;
  duration_s: number;
  opencode_session_id: string;
  promise: string | null;
  files_modified: string[];
  error_count: number;
  errors: string[];
}

interface Session {
  session_id: string;
  goal: string;
  status: 'running' | 'paused' | 'stopped' | 'done' | 'failed';
  iteration: number;
  max_iterations: number;
  plan: string;
  history: HistoryRecord[];
  started_at: number;
  finished_at: number | null;
  steer_context: string;
  chat_session_id: string | null;
  opencode_sessions: string[];
  reflection: string;
  no_progress_streak: number;
  short_iteration_count: number;
  autonomy_level: string;
  away_duration_minutes: number;
  evo_sweep_enabled: boolean;
  // On "disk" (the session dir) rather than in to_dict:
  tasksMd: string;
  log: string;
  /** True when the next step runs _run_loop from the top: after start, and after a resume. */
  planningDue: boolean;
  steerRaw: string;
}

export type LoopSessionView = Record<string, Json> & { session_id: string; status: string; iteration: number; plan: string };

interface Alert {
  id: string;
  run_id: string;
  timestamp: number;
  severity: string;
  message: string;
  choices: string[];
  status: 'pending' | 'resolved';
  response: null;
  responded_at: null;
  session_id: string | null;
  auto_session: boolean;
}

const TASK_LINE = /^(\s*(?:[-*+]|\d+[.)])\s+\[)( |\/|x|X)(\]\s+)(.*)$/;
const PLANNING_SUMMARY = 'Planning: explored codebase and created task list';
const PWD_NOTE = 'OpenCode does not expose a direct cwd endpoint; prompt assumes cd to workdir each iteration.';

/** The engine's placeholder tasks.md, written at start and replaced by iteration 0's plan. */
export function placeholderTasks(goal: string): string {
  return `# Tasks\n\n## Goal\n${goal}\n\n## Tasks\n- [ ] (Agent will decompose the goal into tasks on iteration 1)\n`;
}

export function firstMarkdownBlock(goal: string): string | null {
  const m = /```(?:markdown|md)[^\n]*\n([\s\S]*?)\n```/.exec(goal);
  return m?.[1] ?? null;
}

function defaultOwnPlan(goal: string): string {
  const headline =
    goal
      .split('\n')
      .find((line) => line.trim())
      ?.trim() ?? goal;
  return [
    '# Tasks',
    '',
    '## Goal',
    headline,
    '',
    '## Phase 1: Explore',
    '- [ ] Survey the repository and prior results',
    '- [ ] Reproduce the baseline',
    '',
    '## Phase 2: Experiment',
    '- [ ] Run the main experiment sweep',
    '- [ ] Analyse the results and write up the findings',
  ].join('\n');
}

/** Python's repr of a float that round(..., 1) produced: always a decimal point. */
function pyFloat(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

function localStamp(seconds: number): string {
  const d = new Date(seconds * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export class WildLoop {
  /** Only sessions started with a chat_session_id are registered, as in the engine. */
  private readonly byChat = new Map<string, Session>();
  private latest: Session | null = null;
  /** Every session ever started, for tests: a replaced session is out of the API's reach. */
  private readonly all: Session[] = [];
  private readonly alerts = new Map<string, Alert>();
  private readonly now = clockSeconds();
  private readonly opts: LoopOptions;

  constructor(opts: LoopOptions) {
    this.opts = opts;
  }

  // ---------------------------------------------------------------- engine lookups and actions

  /** `_get_session(x) if x else _session`: an unknown chat id finds nothing, an empty one the latest. */
  private find(chatSessionId: string | null | undefined): Session | null {
    if (chatSessionId) return this.byChat.get(chatSessionId) ?? null;
    return this.latest;
  }

  private sessionDir(s: Session): string {
    return `${this.opts.workdir.replace(/\/+$/, '')}/.agents/wild/${s.session_id}`;
  }

  private toDict(s: Session): LoopSessionView {
    return structuredClone({
      session_id: s.session_id,
      goal: s.goal,
      status: s.status,
      iteration: s.iteration,
      max_iterations: s.max_iterations,
      plan: s.plan,
      history: s.history,
      started_at: s.started_at,
      finished_at: s.finished_at,
      steer_context: s.steer_context,
      chat_session_id: s.chat_session_id,
      opencode_sessions: s.opencode_sessions,
      reflection: s.reflection,
      no_progress_streak: s.no_progress_streak,
      short_iteration_count: s.short_iteration_count,
      autonomy_level: s.autonomy_level,
      away_duration_minutes: s.away_duration_minutes,
      evo_sweep_enabled: s.evo_sweep_enabled,
    });
  }

  /** GET /wild/v2/status: to_dict plus disk contents; `plan` is re-read from tasks.md. */
  status(chatSessionId?: string | null): LoopSessionView | { active: false } {
    return this.view(this.find(chatSessionId)) ?? { active: false };
  }

  private view(s: Session | null): LoopSessionView | null {
    if (!s) return null;
    return {
      ...this.toDict(s),
      plan: s.tasksMd,
      active: s.status === 'running',
      session_dir: this.sessionDir(s),
      workdir: this.opts.workdir,
      opencode_pwd: null,
      opencode_pwd_note: PWD_NOTE,
      iteration_log: s.log,
    };
  }

  sessions(): LoopSessionView[] {
    return this.all.flatMap((s) => this.view(s) ?? []);
  }

  /** The session the server would pick for this chat id (null: the latest), as /wild/v2/status shows it. */
  session(chatSessionId?: string | null): LoopSessionView | null {
    return this.view(this.find(chatSessionId));
  }

  start(goal: string, chatSessionId: string | null, maxIterations: number, evoSweepEnabled: boolean): LoopSessionView {
    const existing = chatSessionId ? this.byChat.get(chatSessionId) : undefined;
    // Only a *running* session of the same chat is stopped; a paused one is just forgotten.
    if (chatSessionId && existing?.status === 'running') this.stop(chatSessionId);
    const startedAt = this.now();
    const s: Session = {
      session_id: `wild-${randomBytes(4).toString('hex')}`,
      goal,
      status: 'running',
      iteration: 0,
      max_iterations: maxIterations,
      plan: '',
      history: [],
      started_at: startedAt,
      finished_at: null,
      steer_context: '',
      chat_session_id: chatSessionId,
      opencode_sessions: [],
      reflection: '',
      no_progress_streak: 0,
      short_iteration_count: 0,
      autonomy_level: 'balanced',
      away_duration_minutes: 0,
      evo_sweep_enabled: evoSweepEnabled,
      tasksMd: placeholderTasks(goal),
      log: `# Iteration Log\n\nGoal: ${goal}\nStarted: ${localStamp(startedAt)}\n\n---\n\n`,
      planningDue: true,
      steerRaw: '',
    };
    if (chatSessionId) this.byChat.set(chatSessionId, s);
    this.latest = s;
    this.all.push(s);
    return this.toDict(s);
  }

  stop(chatSessionId?: string | null): Json {
    const s = this.find(chatSessionId);
    if (!s) return { stopped: false };
    // Whatever the status, done and failed included: the engine does not check.
    s.status = 'stopped';
    s.finished_at = this.now();
    return this.toDict(s);
  }

  pause(chatSessionId?: string | null): Json {
    const s = this.find(chatSessionId);
    if (!s) return {};
    if (s.status === 'running') s.status = 'paused';
    return this.toDict(s);
  }

  resume(chatSessionId?: string | null): Json {
    const s = this.find(chatSessionId);
    if (!s) return {};
    if (s.status === 'paused') {
      s.status = 'running';
      // A pause ends the loop task at its next status check; resume starts a fresh _run_loop,
      // which plans again (iteration 0) before it goes on from the current iteration.
      s.planningDue = true;
    }
    return this.toDict(s);
  }

  steer(context: string, chatSessionId?: string | null): Json {
    const s = this.find(chatSessionId);
    if (!s) return { ok: false, error: 'no session' };
    // A later steer replaces an unconsumed one; it is not appended.
    s.steer_context = this.opts.renderSteer(context, s.goal) || context;
    s.steerRaw = context;
    return { ok: true };
  }

  // ---------------------------------------------------------------- simulation, driven by tests

  /** The next `steps` loop steps of a running session; a paused, stopped, done or failed one stays put. */
  advance(chatSessionId?: string | null, steps = 1): LoopSessionView | null {
    const s = this.find(chatSessionId);
    if (!s) return null;
    for (let i = 0; i < steps && s.status === 'running'; i++) {
      if (s.planningDue) this.planIteration(s, {});
      else this.executeIteration(s);
    }
    return this.view(s);
  }

  /** Iteration 0 now, planned the way the test says; a no-op unless planning is due on a running session. */
  plan(chatSessionId: string | null | undefined, choice: PlanningChoice): LoopSessionView | null {
    const s = this.find(chatSessionId);
    if (!s) return null;
    if (s.status === 'running' && s.planningDue) this.planIteration(s, choice);
    return this.view(s);
  }

  /** The agent became unreachable: the engine marks the session failed (finished_at stays null). */
  fail(chatSessionId?: string | null): LoopSessionView | null {
    const s = this.find(chatSessionId);
    if (!s) return null;
    if (s.status !== 'running') return this.view(s);
    // An execution iteration counts itself before it calls the agent; planning does not.
    if (!s.planningDue && s.iteration < s.max_iterations) s.iteration += 1;
    s.status = 'failed';
    return this.view(s);
  }

  raiseAlert(alert: { run_id: string; message: string; severity?: string; choices?: string[] }): string {
    const id = randomUUID().replace(/-/g, '');
    this.alerts.set(id, {
      id,
      run_id: alert.run_id,
      timestamp: this.now(),
      severity: alert.severity ?? 'warning',
      message: alert.message,
      choices: alert.choices ?? ['ok'],
      status: 'pending',
      response: null,
      responded_at: null,
      session_id: null,
      auto_session: false,
    });
    return id;
  }

  private appendLog(s: Session, r: HistoryRecord): void {
    const files = r.files_modified.slice(0, 10).join(', ') || 'none';
    const errors = r.errors.length
      ? `\n  Errors:\n${r.errors
          .slice(0, 5)
          .map((e) => `  - ${e.slice(0, 120)}`)
          .join('\n')}`
      : '';
    // The reflection record's duration is the int 0, the others round(x, 1) floats.
    const duration = r.promise?.startsWith('REFLECT_') ? String(r.duration_s) : pyFloat(r.duration_s);
    s.log +=
      `## Iteration ${r.iteration}\n- Duration: ${duration}s\n- Promise: ${r.promise ?? 'None'}\n` +
      `- Files modified: ${files}\n- Summary: ${r.summary.slice(0, 300)}\n${errors}\n\n---\n\n`;
  }

  private record(s: Session, iteration: number, summary: string, promise: string | null, files: string[]): HistoryRecord {
    const at = this.now();
    return {
      iteration,
      summary,
      started_at: at,
      finished_at: at,
      duration_s: 0,
      opencode_session_id: s.chat_session_id ?? '',
      promise,
      files_modified: files,
      error_count: 0,
      errors: [],
    };
  }

  private newAgentSession(s: Session): void {
    s.opencode_sessions.push(`ses_${randomBytes(12).toString('hex')}`);
  }

  private planIteration(s: Session, choice: PlanningChoice): void {
    this.newAgentSession(s);
    const replanning = s.history.length > 0;
    const adopted = choice.adopt === false ? null : (this.opts.adoptPlanFrom ?? firstMarkdownBlock)(s.goal);
    // On a re-plan after resume the simulated agent leaves the tasks.md it finds (no <plan> tag),
    // so the engine re-reads it; plan() with an explicit `plan` models an agent that rewrites it.
    const text = choice.plan ?? (replanning ? null : (adopted ?? (this.opts.ownPlan ?? defaultOwnPlan)(s.goal)));
    // parse_plan trims what sits between the tags; an empty <plan></plan> counts as none.
    if (text !== null && text.trim()) s.tasksMd = text.trim();
    s.plan = s.tasksMd;
    const summary =
      choice.summary ??
      (choice.plan === undefined && !replanning && adopted !== null
        ? `Adopted the reviewed plan from the goal: ${this.tasks(s).length} tasks.`
        : PLANNING_SUMMARY);
    const r = this.record(s, 0, summary, null, []);
    s.history.push(r);
    this.appendLog(s, r);
    s.planningDue = false;
    // The execution loop's `iteration < max_iterations` check runs right after planning.
    if (s.iteration >= s.max_iterations) this.finish(s);
  }

  private tasks(s: Session): Array<{ index: number; mark: string; text: string }> {
    return s.tasksMd.split('\n').flatMap((line, index) => {
      const m = TASK_LINE.exec(line);
      return m ? [{ index, mark: (m[2] ?? ' ').toLowerCase(), text: (m[4] ?? '').trim() }] : [];
    });
  }

  private mark(s: Session, index: number, mark: string): void {
    const lines = s.tasksMd.split('\n');
    lines[index] = (lines[index] ?? '').replace(TASK_LINE, (_all, a: string, _b: string, c: string, d: string) => `${a}${mark}${c}${d}`);
    s.tasksMd = lines.join('\n');
  }

  private executeIteration(s: Session): void {
    s.iteration += 1;
    this.newAgentSession(s);
    const done: string[] = [];
    const inProgress = this.tasks(s).find((t) => t.mark === '/');
    if (inProgress) {
      this.mark(s, inProgress.index, 'x');
      done.push(inProgress.text);
    }
    const every = this.opts.followUpEvery ?? 3;
    if (every > 0 && s.iteration % every === 0 && done[0]) {
      const last = this.tasks(s).at(-1);
      if (last) {
        const lines = s.tasksMd.split('\n');
        const indent = /^\s*/.exec(lines[last.index] ?? '')?.[0] ?? '';
        lines.splice(last.index + 1, 0, `${indent}- [ ] Follow-up: double-check "${done[0]}" (added in iteration ${s.iteration})`);
        s.tasksMd = lines.join('\n');
      }
    }
    const next = this.tasks(s).find((t) => t.mark === ' ');
    if (next) this.mark(s, next.index, '/');
    s.plan = s.tasksMd;
    const allDone = this.tasks(s).every((t) => t.mark === 'x');
    const parts = [
      done[0] ? `Completed: ${done[0]}.` : '',
      next ? `Started: ${next.text}.` : '',
      s.steerRaw ? `Received user steering ("${s.steerRaw}") and adjusted tasks.md.` : '',
      allDone ? 'Every task in tasks.md is done.' : '',
    ];
    const summary = parts.filter(Boolean).join(' ') || 'No open task left in tasks.md.';
    const r = this.record(s, s.iteration, summary, allDone ? 'DONE' : null, [`results/iteration_${s.iteration}.md`]);
    s.short_iteration_count += 1; // every simulated iteration is under the engine's 30 s mark
    s.no_progress_streak = 0;
    s.history.push(r);
    this.appendLog(s, r);
    s.steer_context = '';
    s.steerRaw = '';
    if (allDone) {
      this.newAgentSession(s);
      s.reflection = `All ${this.tasks(s).length} tasks in tasks.md are done; the goal is met.`;
      const reflection = this.record(s, s.iteration, `[Reflection] ${s.reflection.slice(0, 200)}`, 'REFLECT_STOP', []);
      s.history.push(reflection);
      this.appendLog(s, reflection);
      this.finish(s);
    } else if (s.iteration >= s.max_iterations) this.finish(s);
  }

  private finish(s: Session): void {
    s.status = 'done';
    s.finished_at = this.now();
  }

  // ---------------------------------------------------------------- routes

  route(method: string, path: string, query: URLSearchParams, raw: string): Answer {
    const chat = lastQuery(query, 'chat_session_id');
    const ok = (body: Json): Answer => ({ status: 200, body });
    const bad = (issues: unknown): Answer => ({ status: 422, body: { detail: issues } });
    const body = (fields: Parameters<typeof validateModel>[1]) => validateModel(raw, fields);
    const action = /^\/wild\/v2\/(start|stop|pause|resume|steer)$/.exec(path)?.[1];
    if (action && method === 'POST') {
      if (action === 'start') {
        const v = body({
          goal: { kind: 'str' },
          chat_session_id: { kind: 'str?' },
          max_iterations: { kind: 'int', default: 25 },
          wait_seconds: { kind: 'float', default: 30 },
          evo_sweep_enabled: { kind: 'bool', default: false },
        });
        if ('issues' in v) return bad(v.issues);
        const { goal, chat_session_id: id, max_iterations: max, evo_sweep_enabled: evo } = v.value;
        return ok(this.start(goal as string, id as string | null, max as number, evo as boolean));
      }
      const v = body(
        action === 'steer' ? { context: { kind: 'str' }, chat_session_id: { kind: 'str?' } } : { chat_session_id: { kind: 'str?' } },
      );
      if ('issues' in v) return bad(v.issues);
      const id = v.value.chat_session_id as string | null;
      if (action === 'steer') return ok(this.steer(v.value.context as string, id));
      return ok(action === 'stop' ? this.stop(id) : action === 'pause' ? this.pause(id) : this.resume(id));
    }
    if (method === 'GET' && path === '/wild/v2/status') return ok(this.status(chat));
    const m = /^\/wild\/v2\/(plan|iteration-log|events|evo-sweep)\/([^/]+)(\/resolve|\/stop)?$/.exec(path);
    if (!m) return null;
    const [, kind, rawId, tail] = m;
    const sessionId = decodeURIComponent(rawId ?? '');
    if (method === 'GET' && !tail) {
      // The path's session id is ignored: the engine looks the session up by chat id or takes the latest.
      if (kind === 'plan') return ok({ plan: this.find(chat)?.tasksMd ?? '' });
      if (kind === 'iteration-log') return ok({ log: this.find(chat)?.log ?? '' });
      if (kind === 'events') return ok(this.events());
      if (kind === 'evo-sweep')
        return ok(
          this.evoSession(sessionId, chat) ? { active: false, sweep_id: null } : { active: false, message: 'No active session matches' },
        );
    }
    if (method === 'POST' && kind === 'events' && tail === '/resolve') {
      const v = body({ event_ids: { kind: 'list' } });
      if ('issues' in v) return bad(v.issues);
      const ids = new Set(v.value.event_ids as Json[]);
      let resolved = 0;
      for (const alert of this.alerts.values()) {
        if (ids.has(alert.id)) {
          alert.status = 'resolved'; // counted again if it was resolved already, as on the server
          resolved++;
        }
      }
      return ok({ resolved });
    }
    if (method === 'POST' && kind === 'evo-sweep' && tail === '/stop') {
      return ok(
        this.evoSession(sessionId, chat)
          ? { stopped: false, message: 'No evo sweep in progress' }
          : { stopped: false, message: 'No active session matches' },
      );
    }
    return null;
  }

  /** The evo-sweep routes' own lookup: the chat id's session, else the latest if its id matches the path. */
  private evoSession(sessionId: string, chat: string | null): Session | null {
    const byChat = chat ? this.byChat.get(chat) : undefined;
    if (byChat) return byChat;
    return this.latest?.session_id === sessionId ? this.latest : null;
  }

  /** Server-wide, whatever session the path names: pending alerts, then every finished or failed run. */
  private events(): Json[] {
    const alerts = [...this.alerts.values()]
      .filter((a) => a.status === 'pending')
      // AlertRecord has no `type` and no `created_at`: the server's fallbacks show.
      .map((a) => ({ id: a.id, type: 'alert', title: 'Alert: unknown', detail: a.message, run_id: a.run_id, created_at: this.now() }));
    const runs = this.opts.endedRuns().map((r) => ({
      id: `run-${r.id}-${r.status}`,
      type: 'run_complete',
      title: `Run ${r.status}: ${r.name}`,
      detail: `Status: ${r.status}`,
      run_id: r.id,
      created_at: this.now(),
    }));
    return [...alerts, ...runs];
  }
}
