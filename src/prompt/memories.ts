// The `memories` variable, formatted the way the research engine formats its memory bank
// (MemoryStore.format_for_prompt): a heading, a blank line, one numbered entry per active
// memory (at most 20) with its tags, the content indented under the title when it says more,
// and a count of the rest. Empty when there are none, so the template renders nothing there.

export interface Memory {
  title: string;
  content: string;
  tags: readonly string[];
}

const MAX_ENTRIES = 20;

export function formatMemories(memories: readonly Memory[]): string {
  if (memories.length === 0) return '';
  const lines = ['## Memory Bank (Lessons & Context from Past Sessions)\n'];
  for (const [index, memory] of memories.slice(0, MAX_ENTRIES).entries()) {
    const tags = memory.tags.length > 0 ? memory.tags.join(', ') : 'general';
    lines.push(`${index + 1}. **[${tags}]** ${memory.title}`);
    if (memory.content && memory.content !== memory.title) {
      for (const line of memory.content.split('\n')) lines.push(`   ${line}`);
    }
  }
  if (memories.length > MAX_ENTRIES) lines.push(`\n_(+ ${memories.length - MAX_ENTRIES} more memories)_`);
  return lines.join('\n');
}
