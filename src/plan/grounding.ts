// Grounding: does the plan name things that exist? A plan that tells the agent to run
// `scripts/prepare.py` when the repository has none, to call `POST /experiments` on a
// server without that route, or to follow a prompt skill the server does not ship, will
// fail at execution time; a reviewer should see that on the PR instead.
//
// Two pure steps: namedInPlan reads what the plan names (split into what it expects to
// exist and what its own tasks will create), and groundingFindings compares that with a
// reality the caller builds (the base commit's tree, the server's OpenAPI paths and skill
// ids). Findings are warnings only: the tokenizer reads prose and may miss, and a miss
// must never fail a plan. It errs towards silence: placeholders, globs, URLs, paths under
// the experiment root and anything any task will create are never reported missing.
import { codeSpan } from '../text/markdown.js';
import { oneLine } from '../text/one-line.js';
import { finding } from './finding.js';
import { CODE_ROOTS, asPath, scanText, type Mention } from './grounding-scan.js';
import type { Finding, Plan } from './types.js';

export interface NamedPath {
  /** Repository-relative, without `./` or a trailing `/`. */
  path: string;
  /** The task that names it; null for the Planning Notes. */
  taskId: string | null;
  line: number;
  /** `run`: a command runs it; `mention`: the text refers to it; `deliverable`/`written`: a task makes it. */
  how: 'run' | 'mention' | 'deliverable' | 'written';
  directory: boolean;
}

export interface NamedEndpoint {
  method: string | null;
  /** As written: `/runs/{id}`, `/runs/abc123`. */
  path: string;
  taskId: string | null;
  line: number;
}

export interface NamedSkill {
  id: string;
  taskId: string | null;
  line: number;
}

export interface PlanNames {
  /** Files and folders the plan expects the repository to have already. */
  expected: NamedPath[];
  /** What the plan's tasks will make: every deliverable, and paths a task says it writes. */
  created: NamedPath[];
  /** Folders the plan keeps its experiments in (its layout note, plus `.wild/`, `exp/`, `experiments/`). */
  experimentRoots: string[];
  endpoints: NamedEndpoint[];
  skills: NamedSkill[];
}

/** What is true at the base commit and on the server; the caller does the I/O. */
export interface GroundingReality {
  /** A file or folder exists in the base commit's tree (path repository-relative, no `./`, no trailing `/`). */
  fileExists(path: string): boolean;
  /** The server's OpenAPI description; null or absent: endpoints are not checked. */
  openapi?: { paths: Record<string, Record<string, unknown>> } | null;
  /** The server's prompt-skill ids; null or absent: skills are not checked. */
  skillIds?: Iterable<string> | null;
}

const DEFAULT_ROOTS = ['.wild', 'exp', 'experiments'];
// The prompt's experiment layout folders (and other run outputs): a path starting with one
// is written relative to an experiment folder (`logs/`, `metadata/<run>.json`), not the repo.
const OUTPUT_DIRS = new Set([
  'logs',
  'outputs',
  'output',
  'results',
  'analysis',
  'metadata',
  'checkpoints',
  'artifacts',
  'figures',
  'plots',
  'wandb',
]);

interface Source {
  text: string;
  taskId: string | null;
  line: number;
  deliverable: boolean;
}

function sources(plan: Plan): Source[] {
  const out: Source[] = [];
  for (const task of [...plan.phases.flatMap((p) => p.tasks), ...plan.strayTasks]) {
    const at = { taskId: task.id, line: task.line };
    out.push({ ...at, text: task.description, deliverable: false });
    if (task.deliverable) out.push({ ...at, text: task.deliverable, deliverable: true });
    if (task.doneWhen) out.push({ ...at, text: task.doneWhen, deliverable: false });
    for (const d of task.details) out.push({ ...at, text: d, deliverable: false });
  }
  for (const item of plan.notes?.items ?? []) {
    // Codebase findings describe the repository as the agent found it; the other notes plan ahead.
    if (item.kind !== 'codebase-findings') continue;
    for (const text of [item.text, ...item.details]) out.push({ text, taskId: null, line: item.line, deliverable: false });
  }
  return out;
}

/** A deliverable field lists what the task makes: `a.py, tests/b.py`, `exp/out/`, `run.py (updated)`. */
function deliverablePaths(text: string): Mention[] {
  const whole = text.replace(/`/g, '').split(/\s*(?:,|;|\band\b|\+)\s*/);
  const listed = whole.flatMap((piece) => {
    const p = asPath(piece.trim().split(/\s+/)[0] ?? '');
    return p ? [{ kind: 'path' as const, value: p.path, created: true, directory: p.directory, bare: p.bare, method: null }] : [];
  });
  return [...listed, ...scanText(text).map((m) => (m.kind === 'path' ? { ...m, created: true } : m))];
}

/**
 * The folders a layout note chooses: its first path, and the fixed part of any templated
 * path (`.wild/experiments/<name>/{logs,…}` → `.wild/experiments`).
 */
function layoutRoots(plan: Plan): string[] {
  const roots: string[] = [];
  for (const item of plan.notes?.items ?? []) {
    if (item.kind !== 'experiment-layout') continue;
    let first = true;
    for (const token of [item.text, ...item.details].join(' ').replace(/`/g, ' ').split(/\s+/)) {
      const cut = token.search(/[<{*$]/);
      const fixed = (cut < 0 ? token : token.slice(0, cut)).replace(/^[("'*_]+/, '');
      const p = asPath(fixed.includes('/') ? fixed.slice(0, fixed.lastIndexOf('/') + 1) : '');
      if (!p || CODE_ROOTS.has(p.path.split('/')[0]!)) continue;
      if (first || cut >= 0) roots.push(p.path);
      first = false;
    }
  }
  return roots;
}

export function namedInPlan(plan: Plan): PlanNames {
  const names: PlanNames = { expected: [], created: [], experimentRoots: [], endpoints: [], skills: [] };
  if (plan.abort) return names;
  names.experimentRoots = [...new Set([...DEFAULT_ROOTS, ...layoutRoots(plan)])];
  for (const source of sources(plan)) {
    const { taskId, line } = source;
    for (const m of source.deliverable ? deliverablePaths(source.text) : scanText(source.text)) {
      if (m.kind === 'endpoint') names.endpoints.push({ method: m.method, path: m.value, taskId, line });
      else if (m.kind === 'skill') names.skills.push({ id: m.value, taskId, line });
      else if (m.created) {
        if (names.created.some((c) => c.path === m.value && c.taskId === taskId)) continue;
        const how = source.deliverable ? 'deliverable' : 'written';
        names.created.push({ path: m.value, taskId, line, how, directory: m.directory });
      } else if (m.kind === 'run' || !m.bare) {
        // A bare `metrics.py` in prose may live in any folder; only a command pins it to the root.
        names.expected.push({ path: m.value, taskId, line, how: m.kind === 'run' ? 'run' : 'mention', directory: m.directory });
      }
    }
  }
  return names;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The plan makes it, makes something inside it, or it lies in a folder the plan makes or owns. */
function planned(path: string, names: PlanNames): boolean {
  if (OUTPUT_DIRS.has(path.split('/')[0]!)) return true;
  if (names.experimentRoots.some((root) => path === root || path.startsWith(`${root}/`))) return true;
  return names.created.some(
    (c) =>
      c.path === path ||
      c.path.startsWith(`${path}/`) ||
      path.startsWith(`${c.path}/`) ||
      (!path.includes('/') && basename(c.path) === path),
  );
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);
const PLACEHOLDER_SEGMENT = /^(?:\{[^}]*\}|<[^>]*>|:[A-Za-z_]\w*)$/;

/** `/runs/abc123` and `/runs/{id}` both match the template `/runs/{run_id}`. */
export function endpointMatches(path: string, template: string): boolean {
  const a = path.split('/');
  const b = template.replace(/(.)\/+$/, '$1').split('/');
  if (a.length !== b.length) return false;
  return a.every((seg, i) => seg === b[i] || (/^\{[^}]+\}$/.test(b[i]!) && seg !== '') || PLACEHOLDER_SEGMENT.test(seg));
}

function who(taskId: string | null): string {
  return taskId ?? 'A codebase finding in the Planning Notes';
}

function name(text: string): string {
  return codeSpan(oneLine(text, 200));
}

export function groundingFindings(names: PlanNames, reality: GroundingReality): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  const add = (rule: string, taskId: string | null, key: string, line: number, message: string): void => {
    const id = `${rule}\u0000${taskId}\u0000${key}`;
    if (seen.has(id)) return;
    seen.add(id);
    out.push(finding(rule, 'warning', line, message));
  };

  for (const p of names.expected) {
    if (planned(p.path, names) || reality.fileExists(p.path)) continue;
    const shown = name(p.directory ? `${p.path}/` : p.path);
    const message =
      p.how === 'run'
        ? `${who(p.taskId)} runs ${shown}, which is not in the repository at the base commit; fix the path, or have an earlier task create it as its deliverable.`
        : `${who(p.taskId)} expects ${shown} to exist, but the repository at the base commit has no such file or folder; fix the path, or name it as a task's deliverable.`;
    add('grounding-file', p.taskId, p.path, p.line, message);
  }

  const paths = reality.openapi?.paths;
  if (paths) {
    const templates = Object.keys(paths);
    for (const e of names.endpoints) {
      const matching = templates.filter((t) => endpointMatches(e.path, t));
      const shown = name(`${e.method ? `${e.method} ` : ''}${e.path}`);
      if (matching.length === 0) {
        add(
          'grounding-endpoint',
          e.taskId,
          `${e.method} ${e.path}`,
          e.line,
          `${who(e.taskId)} calls ${shown}, which the research server's OpenAPI description does not list; use an endpoint from the API catalog.`,
        );
        continue;
      }
      const methods = [
        ...new Set(
          matching.flatMap((t) =>
            Object.keys(paths[t] ?? {})
              .filter((m) => HTTP_METHODS.has(m.toLowerCase()))
              .map((m) => m.toUpperCase()),
          ),
        ),
      ];
      if (e.method && !methods.includes(e.method)) {
        add(
          'grounding-endpoint',
          e.taskId,
          `${e.method} ${e.path}`,
          e.line,
          `${who(e.taskId)} calls ${shown}, but the server answers that path only with ${methods.sort().join(', ')}.`,
        );
      }
    }
  }

  if (reality.skillIds) {
    const known = new Set(reality.skillIds);
    for (const s of names.skills) {
      if (known.has(s.id)) continue;
      add(
        'grounding-skill',
        s.taskId,
        s.id,
        s.line,
        `${who(s.taskId)} names the prompt skill ${name(s.id)}, which the research server does not list in /prompt-skills.`,
      );
    }
  }
  return out;
}
