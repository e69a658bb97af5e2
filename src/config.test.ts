import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const base = { DATA_DIR: 'var/test', SECRET_KEY: 'x'.repeat(40) };

describe('configuration', () => {
  it('defaults to the embedded database under DATA_DIR', () => {
    const config = loadConfig(base);
    expect(config.database.engine).toBe('pglite');
    expect(config.port).toBe(3000);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    const config = loadConfig({ ...base, DATABASE_URL: 'postgres://u:p@localhost:5432/db' });
    expect(config.database).toMatchObject({ engine: 'postgresql', url: 'postgres://u:p@localhost:5432/db' });
  });

  it('says how to fix an invalid value', () => {
    expect(() => loadConfig({ ...base, PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, DATABASE_URL: 'mysql://x' })).toThrow(/postgres:\/\/utilisateur/);
    expect(() => loadConfig({ ...base, STATE_BRAND: 'peut-être' })).toThrow(/oui ou non/);
    expect(() => loadConfig({ ...base, OIDC_PRO_ISSUER: 'https://idp.example' })).toThrow(/OIDC_PRO_CLIENT_ID/);
  });

  it('refuses production without the secrets it needs', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: 'var/test' })).toThrow(/SECRET_KEY est obligatoire/);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(/SMTP_URL est obligatoire/);
  });
});
