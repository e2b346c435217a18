// GitHub's page-number pagination: `per_page` (default 30, at most 100), `page` (from 1), and a
// `Link` header whose rel="next" is what Octokit's paginate() follows.
export interface Page<T> {
  items: T[];
  link?: string;
}

export function paginate<T>(all: T[], query: Record<string, string>, selfUrl: string): Page<T> {
  const perPage = clamp(Number.parseInt(query.per_page ?? '', 10) || 30, 1, 100);
  const page = Math.max(Number.parseInt(query.page ?? '', 10) || 1, 1);
  const last = Math.max(Math.ceil(all.length / perPage), 1);
  const items = all.slice((page - 1) * perPage, page * perPage);

  const href = (n: number): string => {
    const url = new URL(selfUrl);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(n));
    return `<${url.toString()}>`;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`${href(Math.min(page - 1, last))}; rel="prev"`);
  if (page < last) rels.push(`${href(page + 1)}; rel="next"`, `${href(last)}; rel="last"`);
  if (page > 1) rels.push(`${href(1)}; rel="first"`);
  return rels.length > 0 ? { items, link: rels.join(', ') } : { items };
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(Math.max(n, min), max);
}
