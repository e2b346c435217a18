// What the loopback proxy saw, in terms a run summary can use: one log line per request,
// request counts by route, and how many sweeps and runs the agent created. Pure functions
// over the proxy's log entries, so they are tested without sockets.

export interface ProxyLogEntry {
  method: string;
  /** Path only: a query string could carry values the log should not keep. */
  path: string;
  /** The status the client received, or null when it received none (refused, cut, reset). */
  status: number | null;
  ms: number;
  error?: string;
}

export interface ProxyActivity {
  total: number;
  sweepsCreated: number;
  runsCreated: number;
  /** Status >= 400, or no complete answer (`error` set). */
  failed: number;
  /** `GET /prompt-skills/{id}` → count. */
  byRoute: Record<string, number>;
}

// Collections whose next path segment is an id, except for the listed literal routes
// (read from the server's OpenAPI document). Collapsing ids keeps `byRoute` small and
// comparable across runs.
const ID_COLLECTIONS: Record<string, readonly string[]> = {
  '/sessions': [],
  '/runs': [],
  '/alerts': [],
  '/memories': [],
  '/plans': [],
  '/sweeps': ['wild'],
  '/prompt-skills': ['search', 'reload', 'install'],
  '/journey/recommendations': ['generate'],
  '/wild/v2/events': [],
  '/wild/v2/plan': [],
  '/wild/v2/iteration-log': [],
  '/wild/v2/evo-sweep': [],
};
const MAX_ROUTE_CHARS = 120;

/** `/prompt-skills/wild_v2_planning/render` → `/prompt-skills/{id}/render`. */
export function routeOf(path: string): string {
  const segments = path.split('/').slice(1);
  let route = '';
  for (let i = 0; i < segments.length; i++) {
    const literals = ID_COLLECTIONS[route];
    const segment = segments[i] ?? '';
    // A skill's files are addressed by a path of any depth: one placeholder for all of it.
    if (route === '/prompt-skills/{id}/files') return `${route}/{path}`;
    route += literals && segment !== '' && !literals.includes(segment) ? '/{id}' : `/${segment}`;
  }
  return (route || '/').slice(0, MAX_ROUTE_CHARS);
}

const succeeded = (e: ProxyLogEntry) => e.error === undefined && e.status !== null && e.status >= 200 && e.status < 300;
const isFailure = (e: ProxyLogEntry) => e.error !== undefined || e.status === null || e.status >= 400;

export function summarizeActivity(entries: readonly ProxyLogEntry[]): ProxyActivity {
  const activity: ProxyActivity = { total: entries.length, sweepsCreated: 0, runsCreated: 0, failed: 0, byRoute: {} };
  for (const entry of entries) {
    const route = routeOf(entry.path);
    const key = `${entry.method} ${route}`;
    activity.byRoute[key] = (activity.byRoute[key] ?? 0) + 1;
    if (isFailure(entry)) activity.failed++;
    else if (succeeded(entry) && entry.method === 'POST' && route === '/sweeps/wild') activity.sweepsCreated++;
    else if (succeeded(entry) && entry.method === 'POST' && route === '/runs') activity.runsCreated++;
  }
  return activity;
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** "created 1 sweep, 6 runs; 14 requests (2 failed)". */
export function describeActivity(a: ProxyActivity): string {
  if (a.total === 0) return 'no requests to the Wild server';
  const failed = a.failed > 0 ? ` (${a.failed} failed)` : '';
  return `created ${count(a.sweepsCreated, 'sweep')}, ${count(a.runsCreated, 'run')}; ${count(a.total, 'request')}${failed}`;
}

/** `wild-plan proxy: POST /runs → 200 in 12 ms`, plus the problem when there was one. */
export function formatLogLine(e: ProxyLogEntry): string {
  const problem = e.error === undefined ? '' : ` (${e.error})`;
  return `wild-plan proxy: ${e.method} ${e.path} → ${e.status ?? 'no answer'} in ${e.ms} ms${problem}`;
}
