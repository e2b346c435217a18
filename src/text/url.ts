// One reading of "an http(s) URL" for inputs, requests, links and probes: what the WHATWG
// URL parser (the one fetch uses) accepts with the `http:` or `https:` scheme. Anything
// else, `javascript:`, `file:`, `ftp:`, a bare host or a relative path, is not one.

/** The parsed URL when `text` is an absolute http: or https: URL, else null. */
export function parseHttpUrl(text: string): URL | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  return isHttpUrl(url) ? url : null;
}

/** Whether `value` is an absolute URL with the http: or https: scheme. */
export function isHttpUrl(value: string | URL): boolean {
  if (typeof value === 'string') return parseHttpUrl(value) !== null;
  return value.protocol === 'http:' || value.protocol === 'https:';
}

/** Whether the URL carries a user name or a password (`https://user:token@host`). */
export function hasCredentials(url: URL): boolean {
  return url.username !== '' || url.password !== '';
}

/**
 * An http(s) URL without credentials in it: the shape of every address wild-plan is given
 * (server-url, a model endpoint) or requests, since a token in a URL ends up in logs.
 */
export function isHttpUrlWithoutCredentials(text: string): boolean {
  const url = parseHttpUrl(text);
  return url !== null && !hasCredentials(url);
}
