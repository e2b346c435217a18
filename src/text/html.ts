// Foreign text (an issue, the agent's output, a server's message) shown in a GitHub comment
// must not bring HTML of its own: a `</details>` would close our element, `<!--` would hide
// everything after it (including the markers the sticky-comment lookup searches for).

/**
 * Markdown prose with raw HTML made inert: every `<` becomes `&lt;`, so no tag or comment
 * can open, while markdown (emphasis, links, code spans) still renders. `>` alone opens
 * nothing and `&` entities stay as the author wrote them.
 */
export function neutralizeHtml(text: string): string {
  return text.replace(/</g, '&lt;');
}

/** Text placed inside an HTML element (`<summary>…</summary>`), where markdown does not render. */
export function escapeHtmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
