// The render step: which planning prompt runs (the server's own, the bundled one, or a team's
// file), what it asks of the run, and the prompt for one goal. The server token is never
// rendered into it.
import path from 'node:path';
import { BUNDLED_PROMPT_PATH } from '../assets.js';
import type { GoalResult } from '../goal.js';
import type { Log } from '../log.js';
import { readContract, type PromptContract } from '../prompt/contract.js';
import { formatMemories } from '../prompt/memories.js';
import { renderPrompt } from '../prompt/render.js';
import { loadTemplateFile, placeholderNames, TemplateError, type PromptTemplate } from '../prompt/template.js';
import type { PromptUsed } from '../prompt/used.js';
import { buildPromptValues, isOwnVariable, selectValues, type AuthMode } from '../prompt/variables.js';
import { knownVersion, templateSha256 } from '../prompt/versions.js';
import { buildApiCatalog } from '../server/api-catalog.js';
import type { OpenApiDocument, Skill } from '../server/schemas.js';
import { ResearchServer } from '../server/research.js';
import { fetchSkill } from '../server/skills.js';
import { serverClientOf, type PromptChoice, type Settings } from '../settings.js';

export const PLANNING_SKILL_ID = 'wild_v2_planning';

/** The prompt cannot be used as asked (a user's choice or file); nothing ran. */
export class PromptError extends Error {
  override name = 'PromptError';
}

export interface ResolvedPrompt {
  template: PromptTemplate;
  contract: PromptContract;
  used: PromptUsed;
}

type Reader = (settings: Settings) => Promise<Skill | null>;

/** The planning skill the server runs now, or null when it serves none (404). Throws when it cannot be read. */
const readLiveSkill: Reader = (settings) => fetchSkill(serverClientOf(settings), PLANNING_SKILL_ID);

/** Which prompt the settings ask for; `prompt-file` is the older spelling of `prompt: <path>`. */
export function promptChoice(settings: Pick<Settings, 'prompt' | 'promptFile' | 'workspace'>): PromptChoice {
  const { prompt, promptFile } = settings;
  if (promptFile === undefined) return prompt ?? { kind: 'auto' };
  if (prompt !== undefined && !(prompt.kind === 'file' && prompt.path === promptFile)) {
    throw new PromptError('`prompt` and `prompt-file` are both set: keep one (`prompt` takes auto, server, bundled or a path).');
  }
  return { kind: 'file', path: promptFile, given: path.relative(settings.workspace, promptFile) || promptFile };
}

/**
 * The prompt this run uses. `auto` takes the server's live skill when every variable it declares
 * can be supplied, and otherwise the bundled prompt with a notice saying why; `server` and a file
 * fail instead, naming what is missing and the input that would supply it.
 */
export async function resolvePrompt(settings: Settings, log: Log, readLive: Reader = readLiveSkill): Promise<ResolvedPrompt> {
  const choice = promptChoice(settings);
  if (choice.kind === 'bundled') return resolved(await loadBundled(), 'bundled', null);
  if (choice.kind === 'file') {
    const template = await loadTemplateFile(choice.path).catch((error: Error) => {
      const hint = /[/.]/.test(choice.given) ? '' : ' (`prompt` takes auto, server, bundled, or a path to a SKILL.md)';
      throw new PromptError(`${error instanceof TemplateError ? error.message : `cannot read ${choice.given}: ${error.message}`}${hint}`);
    });
    requireSupplied(template, settings, '`prompt`');
    const mine = resolved(template, 'file', null);
    return { ...mine, used: { ...mine.used, path: choice.given } };
  }
  const strict = choice.kind === 'server';
  const fallBack = async (why: string): Promise<ResolvedPrompt> => {
    if (strict) throw new PromptError(`\`prompt: server\`, but ${why}. Use \`prompt: auto\` to fall back to the bundled prompt.`);
    const notice = `Planned with wild-plan's bundled prompt: ${why}.`;
    log.warning(notice);
    return resolved(await loadBundled(), 'bundled', notice);
  };
  let skill: Skill | null;
  try {
    skill = await readLive(settings);
  } catch (error) {
    return fallBack(`the server's \`${PLANNING_SKILL_ID}\` skill could not be read (${(error as Error).message})`);
  }
  if (skill === null) return fallBack(`the server serves no \`${PLANNING_SKILL_ID}\` skill`);
  const template = liveTemplate(skill, settings.serverUrl);
  const missing = unsupplied(template, settings);
  if (missing.length > 0) {
    return fallBack(
      `the server's \`${PLANNING_SKILL_ID}\` declares ${names(missing)}, which nothing supplies (set it in \`prompt-variables\`)`,
    );
  }
  return resolved(template, 'server', null);
}

/**
 * The server renders every placeholder it is given a value for, declared or not, and deletes the
 * rest; so a live template's placeholders count as declared, and one nobody supplies would vanish
 * from the server's own render — here it must be supplied (or auto falls back).
 */
function liveTemplate(skill: Skill, serverUrl: string): PromptTemplate {
  const variables = [...new Set([...skill.variables, ...placeholderNames(skill.template)])];
  return {
    source: `${serverUrl}/prompt-skills/${skill.id}`,
    name: skill.name,
    description: skill.description,
    category: skill.category,
    variables,
    body: skill.template,
  };
}

function unsupplied(template: PromptTemplate, settings: Pick<Settings, 'promptVariables'>): string[] {
  return template.variables.filter((name) => !isOwnVariable(name) && !Object.hasOwn(settings.promptVariables, name));
}

function requireSupplied(template: PromptTemplate, settings: Settings, input: string): void {
  const missing = unsupplied(template, settings);
  if (missing.length === 0) return;
  throw new PromptError(
    `the prompt set by ${input} (${template.source}) declares ${names(missing)}, which wild-plan does not supply: ` +
      `give ${missing.length === 1 ? 'it a value' : 'them values'} in \`prompt-variables\` (a YAML map, e.g. "${missing[0]}: '…'").`,
  );
}

async function loadBundled(): Promise<PromptTemplate> {
  return loadTemplateFile(BUNDLED_PROMPT_PATH);
}

function resolved(template: PromptTemplate, source: PromptUsed['source'], notice: string | null): ResolvedPrompt {
  const sha256 = templateSha256(template.body);
  return {
    template,
    contract: readContract(template.body),
    used: { source, skillId: template.name, sha256, version: knownVersion(sha256), notice },
  };
}

function names(list: readonly string[]): string {
  return list.map((name) => `\`${name}\``).join(', ');
}

export interface PromptInput {
  goal: GoalResult;
  sessionId: string;
  /** The agent's working directory (its scratch copy); default the workspace. */
  workdir?: string;
  tasksFile: string;
  openapi?: OpenApiDocument;
  serverUrl: string;
  auth: AuthMode;
  /** The server's memory bank, formatted; '' for none. */
  memories?: string;
}

/** The rendered prompt: every declared variable from wild-plan's own values or `prompt-variables`. */
export function composePrompt(settings: Settings, prompt: ResolvedPrompt, input: PromptInput): string {
  const own = buildPromptValues({
    goal: input.goal.goal,
    workdir: input.workdir ?? settings.workspace,
    tasksPath: input.tasksFile,
    serverUrl: input.serverUrl,
    sessionId: input.sessionId,
    steer: input.goal.steer,
    apiCatalog: buildApiCatalog(input.openapi ?? { paths: {} }, input.serverUrl),
    auth: input.auth,
    memories: input.memories,
    evoSweep: settings.evoSweep,
  });
  const { values, missing } = selectValues(prompt.template.variables, own, settings.promptVariables);
  if (missing.length > 0)
    throw new PromptError(`${prompt.template.source}: no value for ${names(missing)}; set it in \`prompt-variables\`.`);
  return renderPrompt(prompt.template, values);
}

/**
 * The server's active memories, only for a prompt that declares `memories` (the engine fills it
 * for every planning run). Beside the preflight; a server without them gives ''.
 */
export async function memoriesFor(settings: Settings, prompt: ResolvedPrompt, log: Log): Promise<string> {
  if (!prompt.template.variables.includes('memories')) return '';
  try {
    const memories = await new ResearchServer(serverClientOf(settings)).activeMemories();
    log.info(`The prompt gets ${memories.length} active ${memories.length === 1 ? 'memory' : 'memories'} from the server's memory bank.`);
    return formatMemories(memories);
  } catch (error) {
    log.warning(`could not read the server's memories; planning without them: ${(error as Error).message}`);
    return '';
  }
}
