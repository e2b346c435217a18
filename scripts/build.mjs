// Builds the two committed bundles: dist/index.js (the action) and dist/cli.js (the CLI).
import { build } from 'esbuild';
import { chmod } from 'node:fs/promises';

// A bundled dependency calls require('net'); ESM output needs a require of its own.
const banner = {
  js: "import { createRequire as __wpCreateRequire } from 'node:module'; const require = __wpCreateRequire(import.meta.url);",
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
};

await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js', banner });
await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  banner: { js: `#!/usr/bin/env node\n${banner.js}` },
});
await chmod('dist/cli.js', 0o755);
