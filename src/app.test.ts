import { describe, expect, it } from 'vitest';
import { redactUrlForLogs } from './app.ts';

describe('log redaction', () => {
  it('hides secrets carried by URLs', () => {
    expect(redactUrlForLogs('/mot-de-passe/nouveau?jeton=abcdef123')).toBe('/mot-de-passe/nouveau?jeton=…');
    expect(redactUrlForLogs('/connexion/proconnect/retour?code=x&state=y&iss=z')).toBe(
      '/connexion/proconnect/retour?code=…&state=…&iss=z',
    );
    expect(redactUrlForLogs('/lieux?commune=Toulon')).toBe('/lieux?commune=Toulon');
  });
});
