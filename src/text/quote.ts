/**
 * Multi-line text as a markdown blockquote: `> ` before every line, trailing whitespace
 * dropped (an empty line is a bare `>`), so the quote stays one block however many
 * paragraphs the text has. Make the text inert first (neutralizeHtml) when it is foreign.
 */
export function blockquote(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`.trimEnd())
    .join('\n');
}
