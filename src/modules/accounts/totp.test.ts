import { describe, expect, it } from 'vitest';
import { currentTotp, hashRecoveryCode, matchTotp, newRecoveryCodes, newTotpSecret } from './totp.ts';

describe('TOTP', () => {
  const secret = newTotpSecret();
  const now = new Date('2026-11-22T10:00:10Z');

  it('accepts the current code and the neighbouring steps only', () => {
    const step = Math.floor(now.getTime() / 30000);
    expect(matchTotp(secret, currentTotp(secret, now), now)).toBe(step);
    expect(matchTotp(secret, currentTotp(secret, new Date(now.getTime() - 30000)), now)).toBe(step - 1);
    expect(matchTotp(secret, currentTotp(secret, new Date(now.getTime() - 120000)), now)).toBeUndefined();
    expect(matchTotp(secret, 'abcdef', now)).toBeUndefined();
  });

  it('makes distinct recovery codes that match whatever the case or dash', () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    const code = codes[0] as string;
    expect(hashRecoveryCode(code.toLowerCase().replace('-', ''))).toBe(hashRecoveryCode(code));
  });
});
