// What a planning prompt asks of the run, read from the prompt's own text so that a newer or a
// team-edited version is honoured without a release of wild-plan: the server URLs its preflight
// block checks, the protocol skill it makes mandatory (summarised in the playbook), the
// playbook section it requires, and the numbers the plan checker holds a plan to.
import { DEFAULT_LIMITS, type PlanLimits } from '../plan/check.js';

export interface PromptContract {
  /** Paths the preflight block curls, in order (`/docs`, `/openapi.json`, …). */
  preflightPaths: string[];
  /** True when the prompt has no preflight block and the paths are wild-plan's defaults. */
  defaultPreflight: boolean;
  /** The skill the prompt tells the agent to fetch and follow; null when it names none. */
  protocolSkillId: string | null;
  /** The section the playbook must include; null when the prompt requires none. */
  playbookSection: string | null;
  /** Phase and task counts as the prompt words them; every known version's where it words none. */
  limits: PlanLimits;
}

/** The four checks of every known version; used for a prompt without a preflight block. */
export const DEFAULT_PREFLIGHT_PATHS = ['/docs', '/openapi.json', '/prompt-skills', '/wild/v2/system-health'] as const;

// A path wild-plan requests itself: letters, digits and URL path punctuation only, so a team's
// prompt cannot make it send anything but a plain GET to its own server.
const SAFE_PATH = /^\/[A-Za-z0-9_\-./~]*$/;
const PREFLIGHT_BLOCK = /preflight[^\n]*\n(?:(?!```)[^\n]*\n)*?```(?:bash|sh|shell)?[ \t]*\n([\s\S]*?)\n```/i;
const CURL_SERVER_PATH = /\bcurl\b[^\n]*?\{\{server_url\}\}(\/[^\s"'`>|;&)]*)/;
const MANDATORY_SKILL =
  /mandatory[^\n]*\bskill\b[^\n]*\n(?:[ \t]*-[^\n]*\n){0,3}?[ \t]*-[ \t]*`?GET[ \t]+\{\{server_url\}\}\/prompt-skills\/([A-Za-z0-9_-]+)`?/i;
const SECTION_NAMED = /\bsection named[ \t]+`([^`\n]{1,120})`/i;

export function readContract(body: string): PromptContract {
  const text = body.replace(/\r\n?/g, '\n');
  const block = PREFLIGHT_BLOCK.exec(text)?.[1] ?? '';
  const paths: string[] = [];
  for (const line of block.split('\n')) {
    const path = CURL_SERVER_PATH.exec(line)?.[1];
    if (path && SAFE_PATH.test(path) && !paths.includes(path)) paths.push(path);
  }
  return {
    preflightPaths: paths.length > 0 ? paths : [...DEFAULT_PREFLIGHT_PATHS],
    defaultPreflight: paths.length === 0,
    protocolSkillId: MANDATORY_SKILL.exec(text)?.[1] ?? null,
    playbookSection: SECTION_NAMED.exec(text)?.[1]?.trim() ?? null,
    limits: {
      phases: range(text, /\bplan as (\d+)\s*-\s*(\d+) phases\b/i) ?? DEFAULT_LIMITS.phases,
      tasksPerPhase: range(text, /\beach phase must have (\d+)\s*-\s*(\d+) tasks\b/i) ?? DEFAULT_LIMITS.tasksPerPhase,
      totalTasks: range(text, /\bprefer (\d+)\s*-\s*(\d+) total tasks\b/i) ?? DEFAULT_LIMITS.totalTasks,
      exampleRepeatsPhases: (text.match(/^## Phase 3 - /gm) ?? []).length > 1,
    },
  };
}

function range(text: string, pattern: RegExp): { min: number; max: number } | null {
  const match = pattern.exec(text);
  const min = Number(match?.[1]);
  const max = Number(match?.[2]);
  return match && min >= 1 && min <= max && max <= 100 ? { min, max } : null;
}
