// The render step: the planning prompt for one goal. The server token is never rendered into it.
import type { GoalResult } from '../goal.js';
import { renderPrompt } from '../prompt/render.js';
import { loadTemplateFile } from '../prompt/template.js';
import { buildPromptValues, type AuthMode } from '../prompt/variables.js';
import { buildApiCatalog } from '../server/api-catalog.js';
import type { OpenApiDocument } from '../server/schemas.js';
import type { Settings } from '../settings.js';

export interface PromptInput {
  goal: GoalResult;
  sessionId: string;
  /** The agent's working directory (its scratch copy); default the workspace. */
  workdir?: string;
  tasksFile: string;
  openapi?: OpenApiDocument;
  serverUrl: string;
  auth: AuthMode;
}

export async function composePrompt(settings: Settings, input: PromptInput): Promise<string> {
  const template = await loadTemplateFile(settings.promptFile);
  return renderPrompt(
    template,
    buildPromptValues({
      goal: input.goal.goal,
      workdir: input.workdir ?? settings.workspace,
      tasksPath: input.tasksFile,
      serverUrl: input.serverUrl,
      sessionId: input.sessionId,
      steer: input.goal.steer,
      apiCatalog: buildApiCatalog(input.openapi ?? { paths: {} }, input.serverUrl),
      auth: input.auth,
    }),
  );
}
