// The research server after planning: its plan-review record (/plans) and the Wild Loop
// (/wild/v2/*), as WILD_SERVER.md describes them (read from the server's source). One client:
// each call is a JSON request judged like the preflight's, with the reason a person can act on.
// Writes are sent once (a retried POST could start a loop twice); reads retry transient faults.
import { z } from 'zod';
import { httpRequest, redact } from './http.js';
import type { Memory } from '../prompt/memories.js';
import { explainStatus, judge, normaliseServerUrl, type ServerClientOptions } from './preflight.js';
import { MemoryListSchema } from './schemas.js';

export const PlanRecordSchema = z
  .object({
    id: z.string(),
    title: z.string().nullish(),
    goal: z.string().nullish(),
    session_id: z.string().nullish(),
    status: z.string(),
    raw_markdown: z.string().nullish(),
    sections: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();
export type PlanRecord = z.infer<typeof PlanRecordSchema>;

/** The loop's session as /wild/v2/start, /status, /pause, /resume and /stop return it. */
export const SessionSchema = z
  .object({
    session_id: z.string(),
    status: z.string(),
    iteration: z.number().nullish(),
    max_iterations: z.number().nullish(),
    goal: z.string().nullish(),
    chat_session_id: z.string().nullish(),
    history: z.array(z.unknown()).nullish(),
  })
  .loose();
export type LoopSession = z.infer<typeof SessionSchema>;

/** The server answered, but not with what was asked (a state rule, an unknown id): its words, and the status. */
export class ResearchServerError extends Error {
  override name = 'ResearchServerError';
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

type Method = 'GET' | 'POST' | 'PATCH';

export class ResearchServer {
  private readonly base: string;
  constructor(private readonly opts: ServerClientOptions) {
    this.base = normaliseServerUrl(opts.serverUrl);
  }

  /** The plans filed under a session id (wild-plan files each issue's plan under its chat session id). */
  async plansFor(sessionId: string): Promise<PlanRecord[] | 'unsupported'> {
    return this.call('GET', `/plans?session_id=${encodeURIComponent(sessionId)}`, z.array(PlanRecordSchema), { unsupported: true });
  }

  createPlan(body: { title: string; goal: string; session_id: string; raw_markdown: string; sections?: Record<string, string> }) {
    return this.call('POST', '/plans', PlanRecordSchema, { body });
  }

  updatePlan(id: string, body: { title?: string; status?: string; raw_markdown?: string; sections?: Record<string, unknown> }) {
    return this.call('PATCH', `/plans/${encodeURIComponent(id)}`, PlanRecordSchema, { body });
  }

  approvePlan(id: string) {
    return this.call('POST', `/plans/${encodeURIComponent(id)}/approve`, PlanRecordSchema);
  }

  executePlan(id: string) {
    return this.call('POST', `/plans/${encodeURIComponent(id)}/execute`, PlanRecordSchema);
  }

  /** The loop of a chat session, or null when the server has none for it (`{"active": false}`). */
  async status(chatSessionId: string): Promise<LoopSession | null> {
    const reply = await this.call(
      'GET',
      `/wild/v2/status?chat_session_id=${encodeURIComponent(chatSessionId)}`,
      z.record(z.string(), z.unknown()),
    );
    const session = SessionSchema.safeParse(reply);
    return session.success ? session.data : null;
  }

  start(body: { goal: string; chat_session_id: string; max_iterations: number; evo_sweep_enabled: boolean }) {
    return this.call('POST', '/wild/v2/start', SessionSchema, { body });
  }

  /** pause, resume or stop: the session as it is afterwards, or null when the server has none for the chat session. */
  async control(verb: 'pause' | 'resume' | 'stop', chatSessionId: string): Promise<LoopSession | null> {
    const reply = await this.call('POST', `/wild/v2/${verb}`, z.record(z.string(), z.unknown()), {
      body: { chat_session_id: chatSessionId },
    });
    const session = SessionSchema.safeParse(reply);
    return session.success ? session.data : null;
  }

  /** True when the engine took the text for its next iteration; false when it has no session (its `{"ok": false}`). */
  async steer(chatSessionId: string, context: string): Promise<boolean> {
    const reply = await this.call('POST', '/wild/v2/steer', z.object({ ok: z.boolean() }).loose(), {
      body: { context, chat_session_id: chatSessionId },
    });
    return reply.ok;
  }

  /** Sweeps and runs the loop filed under its chat session (the newest 100 runs and 50 sweeps the server lists). */
  async experiments(chatSessionId: string): Promise<{ sweeps: number; runs: number }> {
    const Listed = z.array(z.object({ chat_session_id: z.string().nullish() }).loose());
    const [sweeps, runs] = await Promise.all([this.call('GET', '/sweeps', Listed), this.call('GET', '/runs', Listed)]);
    const mine = (items: z.infer<typeof Listed>) => items.filter((item) => item.chat_session_id === chatSessionId).length;
    return { sweeps: mine(sweeps), runs: mine(runs) };
  }

  /** The active memories of the server's memory bank; none from a server without one (404: older deployments). */
  async activeMemories(): Promise<Memory[]> {
    const listed = await this.call('GET', '/memories?active_only=true', MemoryListSchema, { unsupported: true });
    // The server filters already; an entry marked inactive all the same is left out, as the engine would.
    return listed === 'unsupported' ? [] : listed.filter((m) => m.is_active !== false);
  }

  async plan(session: LoopSession): Promise<string> {
    const reply = await this.call(
      'GET',
      `/wild/v2/plan/${encodeURIComponent(session.session_id)}?chat_session_id=${encodeURIComponent(session.chat_session_id ?? '')}`,
      z.object({ plan: z.string() }).loose(),
    );
    return reply.plan;
  }

  async iterationLog(session: LoopSession): Promise<string> {
    const reply = await this.call(
      'GET',
      `/wild/v2/iteration-log/${encodeURIComponent(session.session_id)}?chat_session_id=${encodeURIComponent(session.chat_session_id ?? '')}`,
      z.object({ log: z.string() }).loose(),
    );
    return reply.log;
  }

  private async call<T>(
    method: Method,
    path: string,
    schema: z.ZodType<T>,
    options: { body?: unknown; unsupported: true },
  ): Promise<T | 'unsupported'>;
  private async call<T>(method: Method, path: string, schema: z.ZodType<T>, options?: { body?: unknown }): Promise<T>;
  private async call<T>(
    method: Method,
    path: string,
    schema: z.ZodType<T>,
    options: { body?: unknown; unsupported?: boolean } = {},
  ): Promise<T | 'unsupported'> {
    const result = await httpRequest({
      url: `${this.base}${path}`,
      method,
      body: options.body,
      token: this.opts.token,
      timeoutMs: this.opts.timeoutMs,
      attempts: method === 'GET' ? this.opts.attempts : 1,
      fetch: this.opts.fetch,
      sleep: this.opts.sleep,
      random: this.opts.random,
    });
    const where = `${method} ${path.split('?')[0] ?? path}`;
    if (result.kind === 'answer' && result.status === 404 && options.unsupported) return 'unsupported';
    // A state rule the server enforces (approve only a draft…) is its 400 with a sentence of its own.
    if (result.kind === 'answer' && (result.status === 400 || result.status === 404 || result.status === 409)) {
      const said = detailOf(result.body);
      throw new ResearchServerError(
        `${where}: ${said === null ? explainStatus(result, Boolean(this.opts.token)) : redact(said, this.opts.token)}`,
        result.status,
      );
    }
    const verdict = judge(result, schema, this.opts.token);
    if (!verdict.ok) throw new ResearchServerError(`${where}: ${verdict.reason}`, result.kind === 'answer' ? result.status : null);
    return verdict.value as T;
  }
}

function detailOf(body: string): string | null {
  try {
    const detail: unknown = (JSON.parse(body) as { detail?: unknown }).detail;
    return typeof detail === 'string' && detail !== '' ? detail : null;
  } catch {
    return null;
  }
}
