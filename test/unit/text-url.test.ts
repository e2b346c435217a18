import { describe, expect, it } from 'vitest';
import { hasCredentials, isHttpUrl, isHttpUrlWithoutCredentials, parseHttpUrl } from '../../src/text/url.js';

describe('http(s) URLs', () => {
  it.each([
    ['https://wild.example.org', true],
    ['http://127.0.0.1:8787/base/', true],
    ['HTTPS://Example.org/x', true],
    ['https://user:token@example.org', true],
    ['wild.example.org', false],
    ['//wild.example.org/path', false],
    ['/relative/path', false],
    ['', false],
    ['https://', false],
    ['javascript:alert(1)', false],
    ['JavaScript://example.org/%0Aalert(1)', false],
    ['data:text/html,<b>x</b>', false],
    ['file:///etc/passwd', false],
    ['ftp://example.org', false],
    ['mailto:a@example.org', false],
  ])('%j → %s', (text, expected) => {
    expect(isHttpUrl(text)).toBe(expected);
    expect(parseHttpUrl(text) !== null).toBe(expected);
  });

  it('accepts a parsed URL too', () => {
    expect(isHttpUrl(new URL('https://example.org'))).toBe(true);
    expect(isHttpUrl(new URL('javascript:void(0)'))).toBe(false);
  });

  it('tells URLs with credentials apart', () => {
    expect(hasCredentials(new URL('https://user@example.org'))).toBe(true);
    expect(hasCredentials(new URL('https://:pw@example.org'))).toBe(true);
    expect(hasCredentials(new URL('https://example.org/@user'))).toBe(false);
    expect(isHttpUrlWithoutCredentials('https://example.org/v1')).toBe(true);
    expect(isHttpUrlWithoutCredentials('https://ghp_x@github.com')).toBe(false);
    expect(isHttpUrlWithoutCredentials('https://u:p@example.org')).toBe(false);
    expect(isHttpUrlWithoutCredentials('javascript:alert(1)')).toBe(false);
    expect(isHttpUrlWithoutCredentials('not a url')).toBe(false);
  });
});
