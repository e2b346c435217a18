import { httpRequest } from './http.js';
import { judge, normaliseServerUrl, type ServerClientOptions } from './preflight.js';
import { SkillSchema, type Skill } from './schemas.js';

// Fetches one prompt skill (e.g. `wild_v2_sweep_run_audit_protocol`, which the playbook
// summarises). A skill the server does not ship is a normal outcome, not an error.

export class SkillFetchError extends Error {
  override name = 'SkillFetchError';
}

// The server takes ids from folder names; anything else would change the URL's meaning.
const SKILL_ID = /^[A-Za-z0-9_-]+$/;

/** The skill, or `null` when the server answers 404. Throws `SkillFetchError` otherwise. */
export async function fetchSkill(opts: ServerClientOptions, id: string): Promise<Skill | null> {
  if (!SKILL_ID.test(id)) throw new SkillFetchError(`invalid skill id ${JSON.stringify(id)}: expected letters, digits, _ or -`);
  const path = `/prompt-skills/${id}`;
  const result = await httpRequest({
    url: `${normaliseServerUrl(opts.serverUrl)}${path}`,
    token: opts.token,
    timeoutMs: opts.timeoutMs,
    attempts: opts.attempts,
    fetch: opts.fetch,
    sleep: opts.sleep,
    random: opts.random,
  });
  if (result.kind === 'answer' && result.status === 404) return null;
  const verdict = judge(result, SkillSchema, opts.token);
  if (!verdict.ok) throw new SkillFetchError(`GET ${path}: ${verdict.reason}`);
  // judge() always carries a value when a schema is given and the answer is good.
  return verdict.value ?? null;
}
