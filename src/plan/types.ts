// The typed research plan an agent writes to tasks.md (see prompts/wild_v2_planning.md).
// Every value is plain JSON data (no undefined, no classes) so a Plan can be compared,
// serialised and posted as an action output without conversion.

/** `[ ]` todo, `[x]` done, `[/]` in progress (GFM itself only knows the first two). */
export type TaskState = 'todo' | 'done' | 'in-progress';

export interface Task {
  /** `P2-T3`, normalised to upper case without leading zeros; null when the item has none. */
  id: string | null;
  /** Phase number from the id; the enclosing phase's number when the id is missing. */
  phase: number | null;
  /** Task number from the id (`T3` → 3); null when the id is missing. */
  number: number | null;
  state: TaskState;
  /** False when the item had no `[ ]`/`[x]`/`[/]` box (a format breach, still a task). */
  checkbox: boolean;
  /** Inline markdown before the first `| field:` segment, `\|` unescaped. */
  description: string;
  /** null: no `deliverable:` field; '' : the field is there but empty. */
  deliverable: string | null;
  doneWhen: string | null;
  /** Ids this task depends on, from `deps:` fields and `depends on P1-T2`-style mentions; sorted, unique. */
  dependencies: string[];
  /** Texts of nested bullets / extra paragraphs under the task item. */
  details: string[];
  /** 1-based line of the task item in the source document. */
  line: number;
}

export interface Phase {
  number: number;
  title: string;
  line: number;
  tasks: Task[];
  /** Prose and non-task bullets under the phase heading. */
  notes: string[];
}

export type PlanningNoteKind = 'codebase-findings' | 'risks-and-assumptions' | 'experiment-layout';

export interface NoteItem {
  /** Inline markdown of the item's first line (label included). */
  text: string;
  details: string[];
  kind: PlanningNoteKind | null;
  line: number;
}

export interface PlanningNotes {
  line: number;
  items: NoteItem[];
  present: Record<PlanningNoteKind, boolean>;
}

export type ContractKey = 'primaryMetrics' | 'secondaryDiagnostics' | 'statisticalChecks' | 'requiredArtifacts';

export interface ContractItem {
  text: string;
  details: string[];
  key: ContractKey | null;
  line: number;
}

export interface AnalyticsContract {
  line: number;
  items: ContractItem[];
  /** The text after each item's label (details joined by `; `); null when the item is absent. */
  primaryMetrics: string | null;
  secondaryDiagnostics: string | null;
  statisticalChecks: string | null;
  requiredArtifacts: string | null;
}

export interface Plan {
  /** The document is the prompt's abort checklist (sentinel present, every box checked). */
  abort: boolean;
  /** The failed preflight checks an abort checklist lists. */
  abortReasons: string[];
  /** Line of the sentinel, null when absent. */
  abortLine: number | null;
  /** The plan was read from inside a ``` fence (agents sometimes wrap it). */
  fenced: boolean;
  notes: PlanningNotes | null;
  /** In document order; a phase heading that appears twice gives two entries. */
  phases: Phase[];
  /** Task items found outside any phase section. */
  strayTasks: Task[];
  contract: AnalyticsContract | null;
}

export interface Finding {
  rule: string;
  severity: 'error' | 'warning';
  line: number | null;
  message: string;
}

export const ABORT_SENTINEL = 'ABORT_EARLY_DOCS_CHECK_FAILED';
