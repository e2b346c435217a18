// `wild-plan --version`: the version in the package's own package.json. The code runs from
// src/cli/ (tsx), from a chunk in dist/, or from an installed copy under node_modules, so it
// looks upward from where it is for the package.json that names wild-plan.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageVersion(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    const pkg = readPackage(path.join(dir, 'package.json'));
    if (pkg?.name === 'wild-plan' && typeof pkg.version === 'string') return pkg.version;
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

function readPackage(file: string): { name?: unknown; version?: unknown } | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return null; // none here, or not ours to read: look further up
  }
}
