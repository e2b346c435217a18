import { neutralizeHtml } from '../text/html.js';
import { tableCell } from '../text/markdown.js';
import type { PreflightReport } from './preflight.js';

// How a preflight report reads in a PR comment, the job summary and the abort checklist.

/** A server's reason in a table cell: one line, no pipe ending the cell, no raw HTML. */
function cell(text: string): string {
  return tableCell(neutralizeHtml(text));
}

export function formatPreflightTable(report: PreflightReport): string {
  const rows = report.checks.map((check) =>
    [
      check.name,
      `\`${check.path}\``,
      check.ok ? '✅' : '❌',
      check.status === null ? '—' : String(check.status),
      String(check.ms),
      String(check.attempts),
      check.reason ? cell(check.reason) : '',
    ].join(' | '),
  );
  return [
    '| check | path | result | status | ms | attempts | reason |',
    '|---|---|---|---|---:|---:|---|',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

/** One line per failed check: `system-health (/wild/v2/system-health): 401: ...`. */
export function preflightFailureReasons(report: PreflightReport): string[] {
  return report.checks
    .filter((check) => !check.ok)
    .map((check) => `${check.name} (${check.path}): ${(check.reason ?? 'failed').replace(/\s*\r?\n\s*/g, ' ')}`);
}
