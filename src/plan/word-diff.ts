// A word-level diff of two short texts (a task's description, deliverable or done-when), for
// the "Changes since revision N" list: a reviewer sees which words changed without reading
// both versions side by side.

export interface DiffRun {
  kind: 'same' | 'removed' | 'added';
  /** The run's words joined by single spaces. */
  text: string;
}

// The LCS table is n×m; beyond this many cells (two texts of ~700 words each) the texts are
// shown as one removal and one addition instead, which is what such a rewrite amounts to anyway.
const MAX_CELLS = 500_000;

function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

/** The runs that turn `before` into `after`, removals before additions where both happen. */
export function wordDiff(before: string, after: string): DiffRun[] {
  const a = words(before);
  const b = words(after);
  if (a.length * b.length > MAX_CELLS) return merge([...a.map((w) => op('removed', w)), ...b.map((w) => op('added', w))]);
  // lcs[i][j] = length of the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: DiffRun[] = [];
  let [i, j] = [0, 0];
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push(op('same', a[i++]!));
      j++;
    } else if (j >= b.length || (i < a.length && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      ops.push(op('removed', a[i++]!));
    } else {
      ops.push(op('added', b[j++]!));
    }
  }
  return merge(ops);
}

function op(kind: DiffRun['kind'], text: string): DiffRun {
  return { kind, text };
}

/** Adjacent words of one kind become one run; within a change, removals come first. */
function merge(ops: DiffRun[]): DiffRun[] {
  const out: DiffRun[] = [];
  let pending: { removed: string[]; added: string[] } = { removed: [], added: [] };
  const flush = (): void => {
    if (pending.removed.length > 0) out.push(op('removed', pending.removed.join(' ')));
    if (pending.added.length > 0) out.push(op('added', pending.added.join(' ')));
    pending = { removed: [], added: [] };
  };
  for (const o of ops) {
    if (o.kind !== 'same') {
      pending[o.kind].push(o.text);
      continue;
    }
    flush();
    const last = out.at(-1);
    if (last?.kind === 'same') last.text += ` ${o.text}`;
    else out.push({ ...o });
  }
  flush();
  return out;
}
