import { randomBytes } from 'node:crypto';
import { clockSeconds, lastQuery, validateModel, type Answer, type Json } from './wild-server-validate.js';

// The server's plan-review records (/plans*), as server/integrations/plan_routes.py and the
// PlanCreate/PlanUpdate models of server/core/models.py define them at research-agent ce2938d.
// Nothing here starts research: "execute" only records a state, as on the server.

export const PLAN_STATUSES = ['draft', 'approved', 'executing', 'completed', 'archived'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export interface FakePlan {
  id: string;
  title: string;
  goal: string;
  session_id: string | null;
  /** Any string a PATCH sets is kept as long as it is one of PLAN_STATUSES. */
  status: string;
  sections: Record<string, Json>;
  raw_markdown: string;
  created_at: number;
  updated_at: number;
}

const NOT_FOUND = { status: 404, body: { detail: 'Plan not found' } } as const;
const SORTED_STATUSES = [...PLAN_STATUSES].sort().join(', ');

export class PlanStore {
  readonly plans = new Map<string, FakePlan>();
  private readonly now = clockSeconds();

  /** `enabled: false` is a deployment from before the plan routes: FastAPI's plain 404 for all of them. */
  constructor(private readonly enabled: boolean) {}

  route(method: string, path: string, query: URLSearchParams, raw: string): Answer {
    const m = /^\/plans(?:\/([^/]+)(?:\/(approve|execute))?)?$/.exec(path);
    if (!m) return null;
    if (!this.enabled) return { status: 404, body: { detail: 'Not Found' } };
    const id = m[1] === undefined ? undefined : decodeURIComponent(m[1]);
    const action = m[2];
    if (id === undefined) {
      if (method === 'GET') return this.list(query);
      if (method === 'POST') return this.create(raw);
      return null;
    }
    if (action) return method === 'POST' ? this.transition(id, action) : null;
    if (method === 'GET') return this.plans.has(id) ? { status: 200, body: this.plans.get(id) } : NOT_FOUND;
    if (method === 'PATCH') return this.update(id, raw);
    if (method === 'DELETE') {
      if (!this.plans.delete(id)) return NOT_FOUND;
      return { status: 200, body: { deleted: true, id } };
    }
    return null;
  }

  private list(query: URLSearchParams): Answer {
    // Empty filters are falsy in Python: `?status=` lists everything.
    const status = lastQuery(query, 'status');
    const sessionId = lastQuery(query, 'session_id');
    const result = [...this.plans.values()]
      .filter((p) => !status || p.status === status)
      .filter((p) => !sessionId || p.session_id === sessionId)
      .sort((a, b) => b.created_at - a.created_at);
    return { status: 200, body: result };
  }

  private create(raw: string): Answer {
    const v = validateModel(raw, {
      title: { kind: 'str' },
      goal: { kind: 'str' },
      session_id: { kind: 'str?' },
      sections: { kind: 'dict?' },
      raw_markdown: { kind: 'str', default: '' },
    });
    if ('issues' in v) return { status: 422, body: { detail: v.issues } };
    const now = this.now();
    // str(uuid4())[:8]: the first group of a UUID, 8 lowercase hex digits.
    const id = randomBytes(4).toString('hex');
    const plan: FakePlan = {
      id,
      title: v.value.title as string,
      goal: v.value.goal as string,
      session_id: v.value.session_id as string | null,
      status: 'draft',
      sections: (v.value.sections as Record<string, Json> | null) ?? {},
      raw_markdown: v.value.raw_markdown as string,
      created_at: now,
      updated_at: now,
    };
    this.plans.set(id, plan);
    return { status: 200, body: plan };
  }

  private update(id: string, raw: string): Answer {
    // FastAPI validates the body before the handler looks the id up: a bad body on an unknown id is 422.
    const v = validateModel(raw, {
      title: { kind: 'str?' },
      status: { kind: 'str?' },
      sections: { kind: 'dict?' },
      raw_markdown: { kind: 'str?' },
    });
    if ('issues' in v) return { status: 422, body: { detail: v.issues } };
    const plan = this.plans.get(id);
    if (!plan) return NOT_FOUND;
    const { title, status, sections, raw_markdown: rawMarkdown } = v.value;
    // The server assigns the title before it checks the status, so a 400 still leaves the new
    // title in memory (unsaved, updated_at unchanged): a client must not assume a 400 changed nothing.
    if (typeof title === 'string') plan.title = title;
    if (typeof status === 'string') {
      if (!(PLAN_STATUSES as readonly string[]).includes(status)) {
        return { status: 400, body: { detail: `Invalid status '${status}'. Must be one of: ${SORTED_STATUSES}` } };
      }
      plan.status = status;
    }
    if (sections !== null) plan.sections = sections as Record<string, Json>;
    if (typeof rawMarkdown === 'string') plan.raw_markdown = rawMarkdown;
    plan.updated_at = this.now();
    return { status: 200, body: plan };
  }

  private transition(id: string, action: string): Answer {
    const plan = this.plans.get(id);
    if (!plan) return NOT_FOUND;
    const [from, to, verb, noun] =
      action === 'approve' ? ['draft', 'approved', 'approve', 'draft'] : ['approved', 'executing', 'execute', 'approved'];
    if (plan.status !== from) {
      const detail = `Cannot ${verb} a plan with status '${plan.status}'. Only ${noun} plans can be ${verb === 'approve' ? 'approved' : 'executed'}.`;
      return { status: 400, body: { detail } };
    }
    plan.status = to;
    plan.updated_at = this.now();
    return { status: 200, body: plan };
  }
}
