/**
 * "1 finding", "2 findings", "1 sweep": a count with its noun, spelled the way people write it
 * (never "finding(s)"). `many` for nouns whose plural is not noun + "s".
 */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}
