import { fileURLToPath } from 'node:url';

// This file sits one level below the package root both as source (src/) and bundled
// (dist/), so one relative URL finds the shipped prompt in either case.
export const BUNDLED_PROMPT_PATH = fileURLToPath(new URL('../prompts/wild_v2_planning.md', import.meta.url));
