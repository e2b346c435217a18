// The bad-input corpus's case format: the schema each case file (YAML or JSON) under
// test/corpus/<area>/ is checked against, so a typo fails loudly, the small language for texts
// too big or too odd to write out, and the loader. corpus.ts runs and checks the cases;
// README.md beside them describes the format.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const CORPUS_DIR = fileURLToPath(new URL('./', import.meta.url));

// ── Text: literal strings, or a small language for inputs too big or too odd to write out ──

export type TextSpec =
  | string
  | { concat: TextSpec[] }
  | { repeat: TextSpec; times?: number; length?: number }
  | { units: number[] }
  | { codepoints: number[] }
  | { table: { rows: number; columns?: number } };

const TextSchema: z.ZodType<TextSpec> = z.lazy(() =>
  z.union([
    z.string(),
    z.object({ concat: z.array(TextSchema) }).strict(),
    z
      .object({ repeat: TextSchema, times: z.number().int().positive().optional(), length: z.number().int().positive().optional() })
      .strict(),
    z.object({ units: z.array(z.number().int().min(0).max(0xffff)) }).strict(),
    z.object({ codepoints: z.array(z.number().int().min(0).max(0x10ffff)) }).strict(),
    z.object({ table: z.object({ rows: z.number().int().positive(), columns: z.number().int().positive().optional() }).strict() }).strict(),
  ]),
);

/**
 * The string a spec stands for. `repeat` with `length` repeats until there are that many
 * UTF-16 units, then cuts there exactly; `units` are raw UTF-16 code units (lone surrogates
 * included); `table` is a markdown table of `rows` data rows.
 */
export function textOf(spec: TextSpec): string {
  if (typeof spec === 'string') return spec;
  if ('concat' in spec) return spec.concat.map(textOf).join('');
  if ('units' in spec) return String.fromCharCode(...spec.units);
  if ('codepoints' in spec) return String.fromCodePoint(...spec.codepoints);
  if ('table' in spec) {
    const columns = spec.table.columns ?? 3;
    const cells = (row: number) =>
      Array.from({ length: columns }, (_, c) => (c === 0 ? `run ${row}` : `${((row * 7 + c * 13) % 1000) / 10}`));
    const lines = [
      `| ${['run', ...Array.from({ length: columns - 1 }, (_, c) => `metric ${c + 1}`)].join(' | ')} |`,
      `|${'---|'.repeat(columns)}`,
    ];
    for (let row = 1; row <= spec.table.rows; row++) lines.push(`| ${cells(row).join(' | ')} |`);
    return lines.join('\n');
  }
  const unit = textOf(spec.repeat);
  if (spec.length === undefined) return unit.repeat(spec.times ?? 1);
  if (unit === '') throw new Error('corpus: repeat of an empty text with a length');
  return unit.repeat(Math.ceil(spec.length / unit.length)).slice(0, spec.length);
}

// ── The case format ──

export const Status = z.enum(['planned', 'aborted', 'invalid', 'skipped', 'failed']);

const GitHubFaultSchema = z
  .object({
    method: z.enum(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']),
    /** A path template as GitHub's description spells it. */
    route: z.string(),
    /** A canned answer, or `status` (+ `body`, `headers`) as given. */
    reply: z.enum(['server-error', 'secondary-rate-limit', 'pull-already-exists', 'not-found', 'custom']),
    status: z.number().int().optional(),
    body: z.unknown().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    retryAfter: z.number().int().positive().optional(),
    times: z.union([z.number().int().positive(), z.literal('always')]).default(1),
    /** Only requests whose path parameters have these values. */
    params: z.record(z.string(), z.string()).optional(),
    /** What happens on GitHub as the fault fires. */
    sideEffect: z.enum(['open-racing-pull', 'delete-comment', 'racing-status-comment']).optional(),
  })
  .strict();

const EventSchema = z
  .object({
    /** The event the run gets; default an `issues.labeled` with the trigger label. */
    kind: z.enum(['issue-labeled', 'comment', 'dispatch', 'fork-pr', 'pr-labeled']).default('issue-labeled'),
    /** GITHUB_EVENT_NAME, when it should differ from the kind's. */
    name: z.string().optional(),
    /** `comment`: the comment's text. */
    comment: TextSchema.optional(),
    /** `dispatch`: the workflow inputs. */
    inputs: z.record(z.string(), z.string()).optional(),
    /** Payload edits, by dotted path: set (any JSON value) and unset. */
    set: z.record(z.string(), z.unknown()).optional(),
    unset: z.array(z.string()).optional(),
  })
  .strict();

const SeededComment = z
  .object({
    thread: z.number().int().positive(),
    user: z.string(),
    type: z.enum(['User', 'Bot']).default('User'),
    body: TextSchema,
  })
  .strict();

const GivenSchema = z
  .object({
    event: EventSchema.prefault({}),
    /** The issue's text, in the payload and on GitHub alike. */
    issue: z.object({ title: TextSchema.optional(), body: TextSchema.nullable().optional() }).strict().optional(),
    /** The labels the issue has on GitHub when the run starts (the payload's otherwise). */
    liveLabels: z.array(z.string()).optional(),
    /** Comments already on GitHub before the run (people's, or forged markers). */
    comments: z.array(SeededComment).default([]),
    /** A clean planned run first (from a fresh checkout after it), then the faults, then the case's run. */
    previousRun: z.boolean().default(false),
    /** Scripted agent mode. */
    agent: z.string().default('ok'),
    /** Whether the research server checks X-Auth-Token (default on, with the `server-token` input). */
    serverAuth: z.boolean().default(true),
    inputs: z.record(z.string(), z.string()).default({}),
    /** Wild server faults: a path (or `*`) and the fault, as wild-server.ts defines them. */
    server: z.array(z.object({ path: z.string(), fault: z.record(z.string(), z.unknown()) }).strict()).default([]),
    github: z.array(GitHubFaultSchema).default([]),
    /** RACER pushes to the plan branch right before the next `pushRace` pushes of it. */
    git: z.object({ pushRace: z.number().int().positive() }).strict().optional(),
  })
  .strict();

const TextChecks = z.object({ contains: z.array(TextSchema).default([]), lacks: z.array(TextSchema).default([]) }).strict();

const ExpectSchema = z
  .object({
    status: Status,
    /** Whether the step fails (setFailed, exit 1). */
    fail: z.boolean(),
    /** A regular expression the outcome's message must match. */
    message: z.string(),
    /** A regular expression for the final status comment; null: no status comment at all. */
    statusComment: z.string().nullable().optional(),
    /** Whether wild-plan's plan comment exists (on any thread). */
    planComment: z.boolean().optional(),
    /** Pull requests from wild-plan branches. */
    pulls: z.number().int().min(0).optional(),
    /** Whether the plan files are at the head of the plan branch on origin. */
    planOnOrigin: z.boolean().optional(),
    /** Paths that must be on the plan branch besides the plan files (e.g. a racing human's). */
    branchFiles: z.array(z.string()).default([]),
    /** Exact number of write requests to GitHub. */
    githubWrites: z.number().int().min(0).optional(),
    /** Texts in tasks.md as committed. */
    committed: TextChecks.optional(),
    /** Texts in what was posted to GitHub (comment bodies, PR titles and bodies). */
    posted: TextChecks.optional(),
    /** A regular expression some log line must match. */
    log: z.string().optional(),
  })
  .strict();

const CaseSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    about: z.string(),
    /** `dist`: node dist/index.js as a process (slower); default runAction in process. */
    runner: z.enum(['in-process', 'dist']).default('in-process'),
    given: GivenSchema.prefault({}),
    expect: ExpectSchema,
  })
  .strict();

export type CorpusCase = z.infer<typeof CaseSchema> & { file: string };
export type GitHubFault = z.infer<typeof GitHubFaultSchema>;

/** Every case file under the corpus folder, parsed and checked; ids are unique. */
export function loadCorpus(dir = CORPUS_DIR): CorpusCase[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (['.yaml', '.yml', '.json'].includes(extname(entry.name))) files.push(path);
    }
  };
  walk(dir);
  const seen = new Set<string>();
  return files.sort().map((file) => {
    const raw = readFileSync(file, 'utf8');
    const data: unknown = extname(file) === '.json' ? JSON.parse(raw) : parseYaml(raw);
    const parsed = CaseSchema.safeParse(data);
    const where = relative(dir, file);
    if (!parsed.success)
      throw new Error(`corpus: ${where}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    if (parsed.data.id !== basename(file, extname(file))) throw new Error(`corpus: ${where}: id ${parsed.data.id} must be the file name`);
    if (seen.has(parsed.data.id)) throw new Error(`corpus: duplicate id ${parsed.data.id}`);
    seen.add(parsed.data.id);
    return { ...parsed.data, file: where };
  });
}
