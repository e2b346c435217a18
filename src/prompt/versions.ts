import { createHash } from 'node:crypto';

// Versions of the server's `wild_v2_planning` template wild-plan knows, by the sha256 of the
// template body (after the front matter, as the server holds it). A label tells a reader
// which upstream version ran; a body matching none is a team's edit (or a version newer than
// this release), which is fine — it is only named by its hash.
const KNOWN: Readonly<Record<string, string>> = {
  // The copy wild-plan ships: upstream 073ac9a with the 🚨 emoji encoded twice on one line.
  '984b47b7aaf767b7b9d22e6d6544c4fe58d59717e9cc70218ec04ac5588a4372': 'upstream 073ac9a, as bundled',
  // Upstream ce2938d (2026-02-20): memories, evo sweep, execution ops protocol, capacity step.
  e170dbb1a2ef60487005055eb71e13172fba1b4dd324e0cf0c3e60873eef7763: 'upstream ce2938d',
};

export function templateSha256(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

export function knownVersion(sha256: string): string | null {
  return KNOWN[sha256] ?? null;
}
