// The bad-input corpus: each case a data file (YAML or JSON) under test/corpus/<area>/ with the
// input it gives the real pipeline and the outcome it must end with. format.ts reads the files
// (checked by a schema, so a typo fails loudly); this module builds the scenario a case
// describes, runs it, and checks the invariants every case must keep. README.md beside it
// describes the format; test/integration/corpus.test.ts runs every case.
import { basicCredential } from '../../src/git/auth.js';
import { hasMention } from '../../src/security/mentions.js';
import { parsePlan } from '../../src/plan/parse.js';
import {
  ActionScenario,
  dispatchEvent,
  labeledIssueEvent,
  PLAN_MARKER,
  pullRequestLabeledEvent,
  STATUS_MARKER,
  type ActionEvent,
  type DistRun,
  type LogLine,
} from '../support/action-harness.js';
import { notFound } from '../support/fake-github/replies.js';
import {
  pullRequestAlreadyExists,
  secondaryRateLimit,
  serverError,
  type FaultSpec,
  type InjectedFault,
} from '../support/fake-github/index.js';
import type { WildFault } from '../support/wild-server.js';
import { runnerCommands } from '../support/workflow-commands.js';
import { Status, textOf, type CorpusCase, type GitHubFault } from './format.js';

export { CORPUS_DIR, loadCorpus, textOf, type CorpusCase, type TextSpec } from './format.js';

// ── Running a case ──

export interface CaseOutcome {
  status: string;
  fail: boolean;
  message: string;
  /** Everything the run reported where people read it: logs or stdout, job summary, outputs. */
  reported: string;
  logs: LogLine[];
  dist?: DistRun;
}

export interface CaseRun {
  scenario: ActionScenario;
  outcome: CaseOutcome;
  faults: Array<{ spec: string; fault: InjectedFault }>;
  /** People's comments seeded before the run, as they were. */
  seeded: Array<{ id: number; body: string }>;
  /** Requests made before the case's own run (previousRun), to leave out of its write count. */
  requestsBefore: number;
}

function setPath(target: Record<string, any>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = node[key] ??= {};
  node[keys[keys.length - 1]!] = structuredClone(value);
}

function unsetPath(target: Record<string, any>, path: string): void {
  const keys = path.split('.');
  let node: any = target;
  for (const key of keys.slice(0, -1)) node = node?.[key];
  if (node && typeof node === 'object') delete node[keys[keys.length - 1]!];
}

function buildEvent(c: CorpusCase): ActionEvent | undefined {
  const e = c.given.event;
  let event: ActionEvent | undefined;
  if (e.kind === 'issue-labeled') event = labeledIssueEvent();
  else if (e.kind === 'dispatch') event = dispatchEvent(e.inputs ?? {});
  else if (e.kind === 'fork-pr') event = pullRequestLabeledEvent('wild-plan', { fork: 'forker' });
  else if (e.kind === 'pr-labeled') event = pullRequestLabeledEvent('wild-plan');
  else return undefined; // comment: built once the scenario exists (the comment must be on GitHub)
  editEvent(event, c);
  return event;
}

function editEvent(event: ActionEvent, c: CorpusCase): void {
  const e = c.given.event;
  if (e.name) event.name = e.name;
  for (const [path, value] of Object.entries(e.set ?? {})) setPath(event.payload, path, value);
  for (const path of e.unset ?? []) unsetPath(event.payload, path);
}

function faultSpec(s: ActionScenario, f: GitHubFault): FaultSpec {
  let answer: Pick<FaultSpec, 'status' | 'headers' | 'body'>;
  switch (f.reply) {
    case 'server-error':
      answer = serverError((f.status ?? 502) as 500 | 502 | 503 | 504);
      break;
    case 'secondary-rate-limit':
      answer = secondaryRateLimit(f.retryAfter ?? 1);
      break;
    case 'pull-already-exists':
      answer = pullRequestAlreadyExists(`${s.owner}:${s.planBranch}`);
      break;
    case 'not-found':
      answer = notFound('https://docs.github.com/rest');
      break;
    case 'custom':
      if (f.status === undefined) throw new Error('corpus: a custom reply needs a status');
      answer = { status: f.status, body: f.body, ...(f.headers ? { headers: f.headers } : {}) };
  }
  let commentId: number | undefined;
  const sideEffects = {
    'open-racing-pull': async () => {
      await s.fake.addPullRequest(s.repo, {
        title: 'Plan: from a racing run',
        head: s.planBranch,
        base: s.defaultBranch,
        user: 'github-actions[bot]',
      });
    },
    // A concurrent run of wild-plan (same token) posts its status comment first.
    'racing-status-comment': () => {
      s.fake.addComment(s.repo, s.issueNumber, { body: `${STATUS_MARKER}\n### 🔄 wild-plan is planning (another run)` });
    },
    // A person deletes the comment a moment before wild-plan's edit of it reaches GitHub.
    'delete-comment': () => {
      if (commentId !== undefined && s.fake.comment(commentId)) s.fake.deleteComment(commentId);
    },
  };
  return {
    method: f.method,
    route: f.route,
    times: f.times === 'always' ? Infinity : f.times,
    ...answer,
    when: (req) => {
      if (f.params && !Object.entries(f.params).every(([k, v]) => req.params[k] === v)) return false;
      if (req.params.comment_id !== undefined) commentId = Number(req.params.comment_id);
      return true;
    },
    ...(f.sideEffect ? { sideEffect: sideEffects[f.sideEffect] } : {}),
  };
}

/** Builds the case's world, runs wild-plan once (twice with previousRun), and returns what happened. */
export async function runCase(c: CorpusCase): Promise<CaseRun> {
  const given = c.given;
  const issueText = given.issue
    ? {
        ...(given.issue.title !== undefined ? { title: textOf(given.issue.title) } : {}),
        ...(given.issue.body !== undefined ? { body: given.issue.body === null ? null : textOf(given.issue.body) } : {}),
      }
    : undefined;
  const s = await ActionScenario.create({
    event: buildEvent(c),
    agentMode: given.agent,
    serverAuth: given.serverAuth,
    inputs: given.inputs,
    issueText,
    liveLabels: given.liveLabels,
    ...(given.event.kind === 'dispatch'
      ? {
          issue: {
            number: 1,
            title: 'Does label smoothing improve calibration?',
            body: issueText?.body ?? 'Does label smoothing help calibration?',
          },
        }
      : {}),
  });
  try {
    if (given.previousRun) {
      const first = await s.runInProcess();
      if (first.result.status !== 'planned')
        throw new Error(`corpus: the previous run ended ${first.result.status}: ${first.result.message}`);
      await s.freshCheckout();
    }
    const requestsBefore = s.fake.requests.length;
    if (given.event.kind === 'comment') {
      const event = s.commentEvent(textOf(given.event.comment ?? '/wild-plan'));
      editEvent(event, c);
      s.setEvent(event);
    }
    const seeded = given.comments.map((spec) => {
      const comment = s.fake.addComment(s.repo, spec.thread, { body: textOf(spec.body), user: { login: spec.user, type: spec.type } });
      return { id: comment.id, body: comment.body };
    });
    for (const { path, fault } of given.server) await s.wild.setFault(path, fault as WildFault);
    const faults = given.github.map((f) => ({ spec: `${f.method} ${f.route} ${f.reply}`, fault: s.fake.inject(faultSpec(s, f)) }));
    if (given.git) await s.git.armPushRace({ branch: s.planBranch, times: given.git.pushRace });

    const outcome = c.runner === 'dist' ? await distOutcome(s) : await inProcessOutcome(s);
    return { scenario: s, outcome, faults, seeded, requestsBefore };
  } catch (error) {
    await s.dispose();
    throw error;
  }
}

async function inProcessOutcome(s: ActionScenario): Promise<CaseOutcome> {
  try {
    const { result, logs } = await s.runInProcess();
    const reported = [...logs.map((l) => l.message), result.message, result.summary, result.planJson ?? ''].join('\n');
    return { status: result.status, fail: result.fail, message: result.message, reported, logs };
  } catch (error) {
    // What the entry does with an error runAction throws: status `failed`, the step fails with its message.
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'failed', fail: true, message, reported: message, logs: [] };
  }
}

async function distOutcome(s: ActionScenario): Promise<CaseOutcome> {
  const run = await s.runDist();
  const errors = runnerCommands(run.stdout)
    .commands.filter((c) => c.name === 'error')
    .map((c) => decodeCommandData(c.data));
  const message = [...errors, run.summary].join('\n');
  return {
    status: run.outputs.status ?? '(no status output)',
    fail: run.code !== 0,
    message,
    // The runner masks what the action registers; registering is the one place a secret may appear.
    reported: `${withoutMaskLines(run.stdout)}\n${run.stderr}\n${run.summary}\n${JSON.stringify(run.outputs)}`,
    logs: [],
    dist: run,
  };
}

function withoutMaskLines(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

/** @actions/core's escaping of command data, undone. */
function decodeCommandData(data: string): string {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

// ── What every case must keep, and what its own expectations say ──

export interface Check {
  name: string;
  ok: boolean;
  detail?: string;
}

const PLAN_FILE = /(^|\/)tasks\.md$/;
const PLAYBOOK_FILE = /(^|\/)prompt_skill_playbook\.md$/;
const charLength = (text: string) => [...text].length;

/** Every string wild-plan sent GitHub in a write: comment bodies, PR titles and bodies. */
export function postedTexts(s: ActionScenario, from = 0): Array<{ where: string; field: string; text: string }> {
  const out: Array<{ where: string; field: string; text: string }> = [];
  for (const r of s.fake.requests.slice(from)) {
    if (r.method === 'GET' || !r.body || typeof r.body !== 'object') continue;
    for (const field of ['body', 'title'] as const) {
      const value = (r.body as Record<string, unknown>)[field];
      if (typeof value === 'string') out.push({ where: `${r.method} ${r.path}`, field, text: value });
    }
  }
  return out;
}

async function originChecks(s: ActionScenario): Promise<Check[]> {
  const checks: Check[] = [];
  const branches = (await s.git.git(s.git.origin, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/wild-plan/']))
    .split('\n')
    .filter(Boolean);
  for (const branch of branches) {
    const commits = await s.git.remoteLog(branch, s.defaultBranch);
    for (const sha of commits) {
      const tree = await s.git.remoteTree(sha);
      const tasks = tree.filter((p) => PLAN_FILE.test(p)).map((p) => p.replace(PLAN_FILE, '$1'));
      const playbooks = tree.filter((p) => PLAYBOOK_FILE.test(p)).map((p) => p.replace(PLAYBOOK_FILE, '$1'));
      const half = [...tasks.filter((d) => !playbooks.includes(d)), ...playbooks.filter((d) => !tasks.includes(d))];
      checks.push({
        name: `origin ${branch}@${sha.slice(0, 7)}: both plan files or neither`,
        ok: half.length === 0,
        detail: half.join(', '),
      });
    }
    const head = await s.git.remoteTree(branch);
    for (const path of head.filter((p) => PLAN_FILE.test(p))) {
      const plan = parsePlan(await s.git.remoteFile(branch, path));
      checks.push({ name: `origin ${branch}:${path} parses as a plan`, ok: plan.abort || plan.phases.length > 0 });
    }
  }
  return checks;
}

/** The invariants of every case, then the case's own expectations; all as named checks. */
export async function checkCase(c: CorpusCase, run: CaseRun): Promise<Check[]> {
  const { scenario: s, outcome } = run;
  const checks: Check[] = [];
  const add = (name: string, ok: boolean, detail?: unknown) =>
    checks.push({
      name,
      ok,
      ...(ok || detail === undefined ? {} : { detail: typeof detail === 'string' ? detail : JSON.stringify(detail) }),
    });
  const bot = s.fake.actor.login;

  // A defined status and a clear message.
  add('status is one of the defined ones', Status.safeParse(outcome.status).success, outcome.status);
  add('the message is a sentence, not empty', outcome.message.trim().length >= 10, outcome.message);

  // Zero violations of GitHub's API description.
  add('zero fake-GitHub violations', s.fake.violations.length === 0, s.fake.violations);

  // No duplicate comment, nothing left "working".
  const threads = [...s.fake.state.mustRepo(s.repo).issues.keys()];
  const ours = (thread: number, marker: string) =>
    s.fake.comments(s.repo, thread).filter((x) => x.user.login === bot && x.body.startsWith(marker));
  for (const thread of threads) {
    const status = ours(thread, STATUS_MARKER);
    const plan = ours(thread, PLAN_MARKER);
    add(
      `#${thread}: at most one status comment`,
      status.length <= 1,
      status.map((x) => x.id),
    );
    add(
      `#${thread}: at most one plan comment`,
      plan.length <= 1,
      plan.map((x) => x.id),
    );
    for (const x of status) add(`#${thread}: the status comment is not left working (🔄)`, !x.body.includes('🔄'), x.body.slice(0, 300));
  }
  // People's comments (forged markers included) are never edited or deleted.
  for (const seeded of run.seeded) add(`comment ${seeded.id} by a person is untouched`, s.fake.comment(seeded.id)?.body === seeded.body);

  // Nothing posted over GitHub's limit, no pings, no tokens.
  const secrets = [s.githubToken, s.serverToken, Buffer.from(`x-access-token:${s.githubToken}`).toString('base64')];
  for (const p of postedTexts(s)) {
    const limit = p.field === 'title' ? 256 : 65_536;
    add(`${p.where} ${p.field}: at most ${limit} characters`, charLength(p.text) <= limit, charLength(p.text));
    add(`${p.where} ${p.field}: pings nobody`, !hasMention(p.text), p.text.slice(0, 300));
  }
  const githubBodies = JSON.stringify(s.fake.requests.map((r) => r.body ?? null));
  const origin = await s.git.git(s.git.origin, ['log', '--all', '--format=%H%n%an <%ae>%n%B', '-p', '--binary']);
  for (const [i, secret] of secrets.entries()) {
    add(`secret ${i}: not in anything posted to GitHub`, !githubBodies.includes(secret));
    add(`secret ${i}: not committed`, !origin.includes(secret));
    add(`secret ${i}: not logged or reported`, !outcome.reported.includes(secret));
  }
  const toServer = JSON.stringify(s.wild.requests.map((r) => [r.path, r.query, r.headers, r.body]));
  add('the GitHub token never goes to the research server', !toServer.includes(s.githubToken));

  // Untrusted text printed to the log never speaks to the runner.
  if (outcome.dist) {
    const commands = runnerCommands(outcome.dist.stdout);
    const allowed = new Set(['add-mask', 'group', 'endgroup', 'warning', 'error', 'notice', 'debug']);
    add(
      'stdout: only the commands wild-plan itself gives',
      commands.commands.every((x) => allowed.has(x.name)) && !commands.stopped,
      commands.commands.map((x) => x.name),
    );
    const masks = commands.commands.filter((x) => x.name === 'add-mask').map((x) => x.data);
    // The two tokens, and the form git sends the GitHub token in (what actions/checkout masks too).
    const maskable = [s.githubToken, s.serverToken, basicCredential(s.githubToken)];
    add(
      'stdout: masks only the two tokens (and the git credential)',
      masks.every((m) => maskable.includes(m)),
      masks,
    );
    // Injected text may be shown inside wild-plan's own annotations, never be a command itself.
    const shown = new Set(['error', 'warning', 'notice', 'debug', 'group']);
    add(
      'stdout: no command carries injected text',
      commands.commands.every((x) => shown.has(x.name) || !/INJECTED|pwned/.test(x.data)),
      commands.commands,
    );
  } else {
    const commands = runnerCommands(outcome.logs.map((l) => l.message).join('\n'));
    add('log: no line reads as a workflow command', commands.commands.length === 0, commands.commands);
  }

  // Nothing half-done on origin: both plan files together, and what is there parses.
  checks.push(...(await originChecks(s)));

  // ── The case's own expectations ──
  const e = c.expect;
  add(`status ${e.status}`, outcome.status === e.status, outcome.status);
  add(`fail ${e.fail}`, outcome.fail === e.fail, outcome.fail);
  add(`message matches /${e.message}/`, new RegExp(e.message, 'm').test(outcome.message), outcome.message.slice(0, 2000));
  const statusComments = threads.flatMap((t) => ours(t, STATUS_MARKER));
  if (e.statusComment === null)
    add(
      'no status comment',
      statusComments.length === 0,
      statusComments.map((x) => x.body.slice(0, 200)),
    );
  else if (e.statusComment !== undefined) {
    const re = new RegExp(e.statusComment, 'm');
    add(
      `a status comment matching /${e.statusComment}/`,
      statusComments.length === 1 && re.test(statusComments[0]!.body),
      statusComments.map((x) => x.body.slice(0, 500)),
    );
  }
  if (e.planComment !== undefined) {
    const plans = threads.flatMap((t) => ours(t, PLAN_MARKER));
    add(`plan comment ${e.planComment ? 'posted' : 'not posted'}`, (plans.length === 1) === e.planComment, plans.length);
  }
  if (e.pulls !== undefined) add(`${e.pulls} plan pull request(s)`, s.planPulls().length === e.pulls, s.planPulls().length);
  const head = await s.git.remoteHead(s.planBranch);
  const headTree = head ? await s.git.remoteTree(head) : [];
  const tasksPath = headTree.find((p) => PLAN_FILE.test(p));
  if (e.planOnOrigin !== undefined)
    add(`plan files ${e.planOnOrigin ? 'on' : 'not on'} origin`, (tasksPath !== undefined) === e.planOnOrigin, headTree);
  for (const path of e.branchFiles) add(`${path} on the plan branch`, headTree.includes(path), headTree);
  if (e.githubWrites !== undefined) {
    const writes = s.fake.writes().filter((w) => s.fake.requests.indexOf(w) >= run.requestsBefore);
    add(
      `${e.githubWrites} write(s) to GitHub`,
      writes.length === e.githubWrites,
      writes.map((w) => `${w.method} ${w.path}`),
    );
  }
  if (e.committed) {
    const committed = tasksPath && head ? await s.git.remoteFile(head, tasksPath) : '';
    add('tasks.md committed', committed !== '');
    for (const t of e.committed.contains)
      add(`committed tasks.md contains ${JSON.stringify(textOf(t)).slice(0, 60)}`, committed.includes(textOf(t)));
    for (const t of e.committed.lacks)
      add(`committed tasks.md lacks ${JSON.stringify(textOf(t)).slice(0, 60)}`, !committed.includes(textOf(t)));
  }
  if (e.posted) {
    const posted = postedTexts(s, run.requestsBefore)
      .map((p) => p.text)
      .join('\n');
    for (const t of e.posted.contains) add(`posted text contains ${JSON.stringify(textOf(t)).slice(0, 60)}`, posted.includes(textOf(t)));
    for (const t of e.posted.lacks) add(`posted text lacks ${JSON.stringify(textOf(t)).slice(0, 60)}`, !posted.includes(textOf(t)));
  }
  if (e.log !== undefined) {
    const re = new RegExp(e.log, 'm');
    add(`a log line matches /${e.log}/`, re.test(outcome.reported));
  }
  for (const { spec, fault } of run.faults) add(`the fault ${spec} fired`, fault.hits > 0, fault.hits);
  return checks;
}
