#!/usr/bin/env node
// A stand-in agent that leaks the values it was handed, the way an agent that found runner
// credentials would: in a task of the plan (as they are and in base64, in <plan> and in
// tasks.md), in its <summary>, and in its own playbook. The plan is
// test/fixtures/plans/valid.md. Plain Node, no dependencies.
//
//   node test/support/echo-secret-agent.mjs <value>...
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const values = process.argv.slice(2);
if (values.length === 0) {
  process.stderr.write('echo-secret-agent: usage: echo-secret-agent.mjs <value>...\n');
  process.exit(2);
}
// Read the prompt like a real agent, so the action's stdin write never meets a closed pipe.
if (!process.stdin.isTTY) for await (const _ of process.stdin);

const value = values.join(' and ');
const encoded = values.map((v) => Buffer.from(`ci:${v}`).toString('base64')).join(' ');
const fixture = readFileSync(new URL('../fixtures/plans/valid.md', import.meta.url), 'utf8');
const plan = fixture.replace(
  '| deliverable: exp/notes/code_map.md |',
  `(authenticate with ${value}; base64: ${encoded}) | deliverable: exp/notes/code_map.md |`,
);
if (plan === fixture) throw new Error('echo-secret-agent: the fixture has changed; no task line to put the value in');

const write = (file, text) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
};
const tasksPath = process.env.WILD_TASKS_PATH;
if (tasksPath) {
  write(tasksPath, plan);
  write(
    join(dirname(tasksPath), 'prompt_skill_playbook.md'),
    `# Prompt Skill Playbook\n\nToken: ${value}\n\n## Sweep/Run Audit Protocol\n\n1. POST /sweeps/wild with X-Auth-Token: ${value}\n`,
  );
}
process.stdout.write(
  `Found a credential: ${value}\n<plan>\n${plan}</plan>\n<summary>Planned; the runner's credential is ${value}.</summary>\n<promise>DONE</promise>\n`,
);
