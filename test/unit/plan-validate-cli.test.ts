import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runValidate, VALIDATE_USAGE } from '../../src/cli/validate.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/plans/${name}`, import.meta.url));

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runValidate(args, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    readFile: (path) => readFile(path, 'utf8'),
  });
  return { code, stdout, stderr };
}

describe('wild-plan validate', () => {
  it('exits 0 for a valid plan and says so', async () => {
    const { code, stdout, stderr } = await run(fixture('valid.md'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/valid\.md: 5 phases, 14 tasks: valid\n$/);
    expect(stderr).toBe('');
  });

  it('exits 0 when there are only warnings, and lists them', async () => {
    const { code, stdout } = await run(fixture('small.md'));
    expect(code).toBe(0);
    expect(stdout).toContain('small.md: warning [task-count] The plan has 8 tasks');
    expect(stdout).toMatch(/valid \(1 warning\)\n$/);
  });

  it('exits 1 with file:line findings for contract errors', async () => {
    const { code, stdout } = await run(fixture('garbled.md'));
    expect(code).toBe(1);
    expect(stdout).toMatch(/garbled\.md:20: error \[phase-duplicate\] Phase 3 appears 2 times/);
    expect(stdout).toMatch(/garbled\.md:25: error \[task-id-duplicate\] P4-T1 is already used on line 5/);
    expect(stdout).toMatch(/: 5 phases, 12 tasks: 4 contract errors\n$/);
  });

  it('exits 2 for an abort checklist and lists the failed checks', async () => {
    const { code, stdout } = await run(fixture('abort.md'));
    expect(code).toBe(2);
    expect(stdout).toContain('abort checklist (ABORT_EARLY_DOCS_CHECK_FAILED)');
    expect(stdout).toContain('  - `curl -sf http://127.0.0.1:8787/docs` failed: connection refused');
  });

  it('prints {valid, abort, findings, plan} with --json', async () => {
    const { code, stdout } = await run('--json', fixture('messy.md'));
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    expect(Object.keys(json)).toEqual(['valid', 'abort', 'findings', 'plan']);
    expect(json.valid).toBe(false);
    expect(json.abort).toBe(false);
    expect(json.findings.map((f: { rule: string }) => f.rule)).toEqual(['task-count', 'task-format', 'analytics-contract-item']);
    expect(json.plan.counts.tasks).toBe(9);

    const aborted = JSON.parse((await run(fixture('abort.md'), '--json')).stdout);
    expect([aborted.valid, aborted.abort]).toEqual([false, true]);
  });

  it('prints usage for --help and exits 0', async () => {
    const { code, stdout } = await run('--help');
    expect(code).toBe(0);
    expect(stdout).toBe(VALIDATE_USAGE);
    expect(stdout).toContain('Usage: wild-plan validate FILE [--json]');
  });

  it('says clearly when the file does not exist', async () => {
    const { code, stdout, stderr } = await run('/nonexistent/tasks.md');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('wild-plan validate: cannot read /nonexistent/tasks.md: no such file\n');
  });

  it('rejects a missing FILE, extra arguments and unknown options with the usage', async () => {
    for (const args of [[], ['a.md', 'b.md'], ['--yaml', 'a.md']]) {
      const { code, stderr } = await run(...args);
      expect(code).toBe(1);
      expect(stderr).toContain('Usage: wild-plan validate');
    }
  });
});
