import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { endpointMatches, groundingFindings, namedInPlan, type GroundingReality } from '../../src/plan/grounding.js';
import { scanText } from '../../src/plan/grounding-scan.js';
import { parsePlan } from '../../src/plan/parse.js';

const here = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url));
const plan = (name: string) => parsePlan(readFileSync(here(`../fixtures/plans/${name}`), 'utf8'));
const openapi = JSON.parse(readFileSync(here('../fixtures/wild/openapi.json'), 'utf8')) as GroundingReality['openapi'];
const skillIds = readdirSync(here('../fixtures/wild/skills'));

/** A repository on disk as the caller would see the base commit's tree. */
function repoReality(root: string): GroundingReality {
  return {
    fileExists: (p) => !p.split('/').includes('..') && existsSync(path.join(root, p)),
    openapi,
    skillIds,
  };
}

/** A repository given as a list of files (folders are implied by their files). */
function listReality(files: string[]): GroundingReality {
  const all = new Set(files.flatMap((f) => f.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
  return { fileExists: (p) => all.has(p), openapi, skillIds };
}

const tinyResearch = repoReality(here('../../examples/tiny-research'));

describe('namedInPlan', () => {
  it('separates what a plan expects to exist from what its tasks create', () => {
    const names = namedInPlan(plan('valid.md'));
    const expected = [...new Set(names.expected.map((p) => p.path))].sort();
    // Outputs (`metadata/<run>.json`, every `exp/…` deliverable) are not expected to exist; `logs/`
    // is named but later excused as an experiment layout folder.
    expect(expected).toEqual(['configs', 'logs', 'src/data/corruptions.py', 'src/eval/metrics.py', 'tests/test_calibration.py']);
    expect(names.created.map((c) => c.path)).toEqual(
      expect.arrayContaining(['src/eval/metrics.py', 'tests/test_calibration.py', 'exp/design.md']),
    );
    expect(names.experimentRoots).toContain('exp');
    expect(names.endpoints.map((e) => `${e.method} ${e.path}`)).toEqual([
      'POST /sweeps/wild',
      'POST /runs',
      'GET /runs',
      'POST /runs',
      'GET /runs',
    ]);
  });

  it('reads the experiment root the layout note chooses', () => {
    expect(namedInPlan(parsePlan(readFileSync(here('../../demo-output/tasks.md'), 'utf8'))).experimentRoots).toContain('.wild/experiments');
  });

  it('names nothing in an abort checklist', () => {
    expect(namedInPlan(plan('abort.md'))).toEqual({ expected: [], created: [], experimentRoots: [], endpoints: [], skills: [] });
  });
});

describe('scanText', () => {
  const values = (text: string, kind: string) =>
    scanText(text)
      .filter((m) => m.kind === kind)
      .map((m) => m.value);

  it('finds the scripts commands run', () => {
    expect(values('run `python scripts/x.py --seed 1` then `bash run.sh`', 'run')).toEqual(['scripts/x.py', 'run.sh']);
    expect(values('`uv run python -u src/train.py`, `./tools/go.sh` and `pytest tests/a.py tests/b.py`', 'run')).toEqual([
      'src/train.py',
      'tools/go.sh',
      'tests/a.py',
      'tests/b.py',
    ]);
    expect(values('`python -m pkg.train --config configs/a.yaml`', 'run')).toEqual([]);
  });

  it('takes no placeholders, globs, URLs, word pairs or outside paths for files', () => {
    const text =
      'see `exp/<name>/`, `configs/*.yaml`, https://example.com/a/b.py, stdout/stderr, train/val, {{server_url}}/runs, ../other/x.py, `$HOME/x.sh`, /etc/passwd';
    expect(values(text, 'path')).toEqual([]);
    expect(values(text, 'run')).toEqual([]);
  });

  it('marks paths a task says it writes as created, and "add … to X" as expected', () => {
    const scanned = scanText('Add a flag to `src/train.py`; writes `exp/out.csv` and `logs/`; run `python a.py --out data/`');
    expect(scanned.map((m) => [m.value, m.created])).toEqual([
      ['src/train.py', false],
      ['exp/out.csv', true],
      ['logs', true],
      ['a.py', false],
      ['data', true],
    ]);
  });

  it('finds endpoints in every written form, and skill ids', () => {
    const scanned = scanText(
      'curl -X POST {{ server_url }}/sweeps/wild, then `GET /runs/{id}?x=1`, `$SERVER_URL/wild/v2/status` and `{{server_url}}/prompt-skills/wild_v2_idea/render`',
    );
    expect(scanned.filter((m) => m.kind === 'endpoint').map((m) => `${m.method} ${m.value}`)).toEqual([
      'POST /sweeps/wild',
      'GET /runs/{id}',
      'null /wild/v2/status',
      'null /prompt-skills/wild_v2_idea/render',
    ]);
    expect(values('use wild_v2_reflection and /prompt-skills/ra_mode_plan, not /prompt-skills/search or wild_v2_<x>', 'skill')).toEqual([
      'wild_v2_reflection',
      'ra_mode_plan',
    ]);
  });
});

describe('endpointMatches', () => {
  it('matches concrete ids and placeholders against templated paths', () => {
    expect(endpointMatches('/runs/abc123', '/runs/{run_id}')).toBe(true);
    expect(endpointMatches('/runs/{id}', '/runs/{run_id}')).toBe(true);
    expect(endpointMatches('/runs/<id>/logs', '/runs/{run_id}/logs')).toBe(true);
    expect(endpointMatches('/runs', '/runs/{run_id}')).toBe(false);
    expect(endpointMatches('/runs/abc/logz', '/runs/{run_id}/logs')).toBe(false);
  });
});

describe('groundingFindings', () => {
  it('finds nothing in the demo plan against the demo repository it was written for', () => {
    const demo = parsePlan(readFileSync(here('../../demo-output/tasks.md'), 'utf8'));
    expect(groundingFindings(namedInPlan(demo), tinyResearch)).toEqual([]);
  });

  it.each([
    ['valid.md', ['train.py', 'configs/base.yaml', 'src/data/corruptions.py', 'src/eval/metrics.py']],
    ['fenced.md', ['train.py', 'configs/base.yaml', 'src/data/corruptions.py', 'src/eval/metrics.py']],
    ['messy.md', ['train.py', 'conf/base.yaml']],
    ['small.md', ['run.py']],
    ['run-names.md', ['configs/base.yaml', 'scripts/run.sh', 'src/train.py', 'tests/test_model.py']],
  ])('finds nothing in %s when the repository has what its notes describe', (name, files) => {
    expect(groundingFindings(namedInPlan(plan(name)), listReality(files))).toEqual([]);
  });

  it('reports the missing script, the made-up endpoint, the wrong method and the made-up skill, and nothing else', () => {
    const findings = groundingFindings(namedInPlan(plan('ungrounded.md')), tinyResearch);
    expect(findings.map((f) => [f.rule, f.severity, f.message.split(' ')[0]])).toEqual([
      ['grounding-file', 'warning', 'P1-T1'],
      ['grounding-file', 'warning', 'A'],
      ['grounding-endpoint', 'warning', 'P2-T2'],
      ['grounding-endpoint', 'warning', 'P2-T2'],
      ['grounding-skill', 'warning', 'P2-T2'],
    ]);
    expect(findings[0]!.message).toContain('runs `scripts/prepare_data.py`, which is not in the repository');
    expect(findings[1]!.message).toContain('A codebase finding in the Planning Notes expects `src/data/prepare.py` to exist');
    expect(findings[2]!.message).toContain('calls `POST /experiments/launch`, which the research server');
    expect(findings[3]!.message).toContain('calls `DELETE /sweeps/wild`, but the server answers that path only with GET, POST, PUT');
    expect(findings[4]!.message).toContain('`wild_v2_magic_tuner`');
    expect(findings[0]!.line).toBe(plan('ungrounded.md').phases[0]!.tasks[0]!.line);
  });

  it('reports a test a task runs that no task writes (garbled.md)', () => {
    const findings = groundingFindings(namedInPlan(plan('garbled.md')), listReality(['train.py', 'src/eval/metrics.py']));
    expect(findings.map((f) => f.message)).toEqual([expect.stringMatching(/^P1-T2 runs `tests\/test_calibration\.py`, which is not/)]);
  });

  it('skips endpoint and skill checks when the server was not read', () => {
    const findings = groundingFindings(namedInPlan(plan('ungrounded.md')), { fileExists: tinyResearch.fileExists });
    expect(findings.map((f) => f.rule)).toEqual(['grounding-file', 'grounding-file']);
  });

  it('does not expect a file that any task delivers, or a folder a deliverable lies in', () => {
    const p = parsePlan(
      [
        '## Phase 1 - A',
        '- [ ] [P1-T1] Run `python tools/make_split.py` and `bash tools/x.sh` | deliverable: exp/split.csv | done-when: ok',
        '- [ ] [P1-T2] Read `exp/split.csv` and `src/new/` | deliverable: tools/make_split.py | done-when: ok',
        '- [ ] [P1-T3] Write the helper | deliverable: src/new/helper.py | done-when: `python tools/x.sh` works',
      ].join('\n'),
    );
    const findings = groundingFindings(namedInPlan(p), listReality([]));
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/^P1-T1 runs `tools\/x\.sh`/),
      expect.stringMatching(/^P1-T3 runs `tools\/x\.sh`/),
    ]);
  });
});
