// Builds the committed bundles: dist/index.js (the action) and dist/cli.js (the CLI). Code
// splitting keeps the action's entry small: an event that is skipped never loads the
// pipeline's chunk (cold start).
import { build } from 'esbuild';
import { chmod, rm } from 'node:fs/promises';

// A bundled dependency calls require('net'); ESM output needs a require of its own.
const requireShim = "import { createRequire as __wpCreateRequire } from 'node:module'; const require = __wpCreateRequire(import.meta.url);";

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  // Chunks stay beside the entries: src/assets.ts finds the prompt one level up from both.
  chunkNames: '[name]-[hash]',
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: requireShim },
});
await chmod('dist/cli.js', 0o755);
