import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './forms.ts';

/** Where a browser would go from a page of this site when told `Location: value`. */
function whereBrowserGoes(value: string): string {
  // WHATWG URL parsing is what browsers do with a Location header (tabs and newlines removed,
  // backslashes read as slashes in http(s) URLs).
  return new URL(value, 'https://passerelle.example/connexion').origin;
}

describe('safeReturnPath', () => {
  it('keeps local paths with their query and fragment', () => {
    expect(safeReturnPath('/espace')).toBe('/espace');
    expect(safeReturnPath('/invitation?jeton=abc')).toBe('/invitation?jeton=abc');
    expect(safeReturnPath('/lieux?q=caf%C3%A9&page=2#r')).toBe('/lieux?q=caf%C3%A9&page=2#r');
    expect(safeReturnPath('/lieux/é')).toBe('/lieux/%C3%A9');
    expect(safeReturnPath('/lieux?q=centre%20social&v=a%2Fb')).toBe('/lieux?q=centre%20social&v=a%2Fb');
  });

  it.each([
    ['//evil.example'],
    ['/\t/evil.example'],
    ['/%09/evil.example'],
    ['/\\evil.example'],
    ['\\/evil.example'],
    ['/%5Cevil.example'],
    ['/%5cevil.example'],
    ['/%2F/evil.example'],
    ['/%2f%2fevil.example'],
    ['/%252F/evil.example'],
    ['/\n/evil.example'],
    ['/\r\n/evil.example'],
    ['/\u0000/evil.example'],
    ['/\u007f/evil.example'],
    ['/ /evil.example'],
    ['https://evil.example'],
    ['javascript:alert(1)'],
    ['evil.example'],
    ['/%E0%A4%A'],
    [''],
  ])('refuses %j', (value) => {
    expect(safeReturnPath(value)).toBe('/espace');
  });

  it('refuses what is not a string and what is too long', () => {
    expect(safeReturnPath(undefined)).toBe('/espace');
    expect(safeReturnPath(['/a', '/b'])).toBe('/espace');
    expect(safeReturnPath(`/${'a'.repeat(3000)}`)).toBe('/espace');
    expect(safeReturnPath(42, '/ailleurs')).toBe('/ailleurs');
  });

  it('never sends a browser to another site, whatever the input', () => {
    const piece = fc.constantFrom('/', '\\', '\t', '\n', '%2F', '%5C', '%09', '%252F', ':', '@', '.', 'evil', '?', '#');
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string()), { maxLength: 8 }), (parts) => {
        const out = safeReturnPath(parts.join(''));
        expect(whereBrowserGoes(out)).toBe('https://passerelle.example');
        expect(out.startsWith('/')).toBe(true);
        // Nothing a header would refuse (a 500) nor a browser would strip.
        expect(out).toMatch(/^[\x21-\x7e]+$/);
      }),
      { numRuns: 2000 },
    );
  });
});
