// The `evo_sweep_section` variable: empty when evolutionary sweeps are off (as the engine
// renders it), else a section that tells the planner what the `<evo_sweep>` signal is, which
// fields the engine reads from it, and when a plan should use it.

export function evoSweepSection(enabled: boolean): string {
  if (!enabled) return '';
  return `## Evolutionary sweeps are available

This session may run an evolutionary sweep: the engine generates a population of
configurations, runs each through the server's sweep and run endpoints, keeps the fittest and
mutates them for a number of generations. An execution iteration starts one by printing a
single \`<evo_sweep>\` block holding a JSON object:

\`\`\`
<evo_sweep>
{"target_script": "scripts/train.py", "fitness_metric": "val_accuracy", "fitness_direction": "max",
 "search_space": {"lr": [0.0003, 0.001, 0.003], "warmup": {"low": 0, "high": 2000}},
 "population_size": 4, "generations": 3, "top_k": 2, "sweep_name": "lr-warmup-evo"}
</evo_sweep>
\`\`\`

- Required: \`target_script\` (the script each candidate runs) and \`fitness_metric\` (the metric
  it reports to the server). Optional: \`fitness_direction\` (\`max\` or \`min\`, default \`max\`),
  \`search_space\` (each parameter as a list of values or a \`{"low", "high"}\` range),
  \`population_size\` (default 4), \`generations\` (default 3), \`top_k\` survivors (default 2),
  \`sweep_name\`.
- The script must take each search-space key as a \`--name=value\` argument and report the
  fitness metric through the server's metrics API.
- When the goal involves searching a configuration space, plan a task for the sweep that names
  the target script, the fitness metric and direction, and the search space; later tasks can
  use the best configuration the sweep records.
`;
}
