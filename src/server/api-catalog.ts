import { OpenApiOperationSchema, type OpenApiDocument } from './schemas.js';
import { normaliseServerUrl } from './preflight.js';

// The `{{api_catalog}}` the planning prompt shows the agent: every operation of the
// server's OpenAPI document as `METHOD url — summary`, grouped by tag. The output must be
// byte-stable for the same document (it lands in a committed prompt and in snapshots), so
// nothing here depends on key order, locale or time.

const METHOD_ORDER = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'] as const;
const UNTAGGED = 'Other';

interface CatalogEntry {
  tag: string | undefined;
  path: string;
  methodRank: number;
  line: string;
}

// Summaries and tags come from the server; keep each on one line so one can't reshape
// the prompt around it.
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function summaryOf(op: { summary?: string; description?: string; operationId?: string }): string {
  const firstDescriptionLine = op.description?.split('\n').find((l) => l.trim() !== '');
  return oneLine(op.summary ?? firstDescriptionLine ?? op.operationId ?? '');
}

function entries(doc: OpenApiDocument, baseUrl: string): CatalogEntry[] {
  const out: CatalogEntry[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    METHOD_ORDER.forEach((method, methodRank) => {
      const parsed = OpenApiOperationSchema.safeParse(item[method]);
      if (!parsed.success) return;
      const tag = parsed.data.tags?.map(oneLine).find((t) => t !== '');
      const summary = summaryOf(parsed.data);
      const line = `- \`${method.toUpperCase()} ${baseUrl}${path}\`${summary ? ` — ${summary}` : ''}`;
      out.push({ tag, path, methodRank, line });
    });
  }
  return out;
}

/**
 * One line per operation, `- \`METHOD url\` — summary`, under a `### tag` heading per
 * first tag (tags sorted; untagged operations last under `### Other`), sorted by path and
 * then by method in the order GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, TRACE.
 */
export function buildApiCatalog(doc: OpenApiDocument, serverUrl: string): string {
  const baseUrl = normaliseServerUrl(serverUrl);
  const groups = new Map<string | undefined, CatalogEntry[]>();
  for (const entry of entries(doc, baseUrl)) {
    const group = groups.get(entry.tag) ?? [];
    group.push(entry);
    groups.set(entry.tag, group);
  }
  if (groups.size === 0) return "_The server's OpenAPI document lists no operations._";

  const tags = [...groups.keys()].filter((t): t is string => t !== undefined).sort(byCodePoint);
  const ordered: Array<[string, CatalogEntry[]]> = tags.map((t) => [t, groups.get(t) ?? []]);
  const untagged = groups.get(undefined);
  if (untagged) ordered.push([UNTAGGED, untagged]);

  return ordered
    .map(([heading, group]) => {
      const lines = [...group].sort((a, b) => byCodePoint(a.path, b.path) || a.methodRank - b.methodRank).map((e) => e.line);
      return [`### ${heading}`, ...lines].join('\n');
    })
    .join('\n\n');
}
