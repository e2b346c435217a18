import type { PreflightReport } from './preflight.js';

// How a preflight report reads in a PR comment, the job summary and the abort checklist.

function cell(text: string): string {
  // A pipe or a line break would end the table cell early.
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
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
