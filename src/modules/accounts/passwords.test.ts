import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, useCheapPasswordHashingInTests, verifyPassword } from './passwords.ts';

describe('passwords', () => {
  it('hashes with argon2id and verifies', async () => {
    const hash = await hashPassword('une phrase de passe solide');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'une phrase de passe solide')).toBe(true);
    expect(await verifyPassword(hash, 'une autre phrase de passe')).toBe(false);
    expect(await verifyPassword('pas un hachage', 'x')).toBe(false);
    expect(await hashPassword('une phrase de passe solide')).not.toBe(hash);
  });

  it('refuses the cheap test parameters in production', () => {
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      expect(() => useCheapPasswordHashingInTests()).toThrow('tests only');
    } finally {
      if (before === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = before;
    }
  });

  it('explains what is wrong with a password', () => {
    expect(passwordProblem('court')).toContain('au moins 12 caractères');
    expect(passwordProblem('rose.dupont-2026!', 'rose.dupont@exemple.fr')).toContain('adresse e-mail');
    expect(passwordProblem('aaaaaaaaaaaaaa')).toContain('trop simple');
    expect(passwordProblem('une phrase de passe solide')).toBeUndefined();
  });
});
