// Which planning prompt a run used, as the outcome, the job summary and the plan comment say it.

/** Where the template came from: the server's live skill, the copy wild-plan ships, or a file of the team's. */
export type PromptSource = 'server' | 'bundled' | 'file';

export interface PromptUsed {
  source: PromptSource;
  /** The skill's id (the front matter's `name` for a file). */
  skillId: string;
  /** sha256 of the template body (after the front matter), hex. */
  sha256: string;
  /** A short label when the body is a version wild-plan knows (e.g. "upstream ce2938d"); null for an edited one. */
  version: string | null;
  /** For `file`: the path as the user gave it (workspace-relative when inside it). */
  path?: string;
  /** Why `auto` did not use the server's own prompt; null when it did, or when not in `auto`. */
  notice: string | null;
}

/** One Markdown line: "server skill `wild_v2_planning` (upstream ce2938d) · sha256 `0123456789ab`". */
export function describePromptUsed(used: PromptUsed): string {
  const where =
    used.source === 'server'
      ? `the server's skill \`${used.skillId}\``
      : used.source === 'bundled'
        ? `the bundled \`${used.skillId}\``
        : `\`${used.path ?? used.skillId}\``;
  const version = used.version ? ` (${used.version})` : used.source === 'file' ? '' : ' (edited: no known version)';
  return `${where}${version} · sha256 \`${used.sha256.slice(0, 12)}\``;
}
