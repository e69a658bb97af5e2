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

  it('never logs a voucher code in clear, in a path or a query', () => {
    expect(redactUrlForLogs('/api/v1/pass/cheques/K7MC3PX4TF?lieu_id=pass-toulon')).toBe(
      '/api/v1/pass/cheques/…?lieu_id=pass-toulon',
    );
    expect(redactUrlForLogs('/API/V1/PASS/CHEQUES/k7mc-3px4-tf')).toBe('/API/V1/PASS/CHEQUES/…');
    expect(redactUrlForLogs('/pass/encaisser?code=K7MC3PX4TF&lieu=x')).toBe('/pass/encaisser?code=…&lieu=x');
  });
});
