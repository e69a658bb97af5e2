import { randomBytes } from 'node:crypto';
import { argon2id, argon2Verify } from 'hash-wasm';

export const PASSWORD_MIN_LENGTH = 12;

/** Length is what makes a password strong; no composition rules that push people to tricks. */
export function passwordProblem(password: string, email?: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH)
    return `Le mot de passe doit contenir au moins ${PASSWORD_MIN_LENGTH} caractères.`;
  if (password.length > 200) return 'Le mot de passe doit contenir au plus 200 caractères.';
  if (email && password.toLowerCase().includes(email.split('@')[0]?.toLowerCase() ?? '\u0000'))
    return 'Le mot de passe ne doit pas contenir votre adresse e-mail.';
  if (new Set(password).size < 5) return 'Le mot de passe est trop simple : variez les caractères.';
  return undefined;
}

/** OWASP's recommended argon2id parameters: 19 MiB, 2 passes (1 lane). */
const OWASP_COST = { iterations: 2, memorySize: 19456 };
let cost = OWASP_COST;

/**
 * For the integration and browser test tiers only (their vitest setup file,
 * test/support/cheap-password-hashing.ts): the OWASP cost makes every hash ~0.13 s of CPU and every
 * sign-in as much again, hundreds of times per run, for no coverage — verification reads the
 * parameters from the hash itself, so the code path is the same. The unit test of this file and
 * the production start (test/e2e/production-start.test.ts) keep the real cost. Refused in production.
 */
export function useCheapPasswordHashingInTests(): void {
  if (process.env.NODE_ENV === 'production') throw new Error('Cheap password hashing is for tests only');
  cost = { iterations: 1, memorySize: 64 };
}

/**
 * argon2id with OWASP's recommended parameters (19 MiB, 2 passes, 1 lane), through hash-wasm:
 * WebAssembly, so no native addon to build or to break between machines. The result is the
 * standard encoded form ($argon2id$v=19$m=…,t=…,p=…$salt$hash).
 */
export function hashPassword(password: string): Promise<string> {
  return argon2id({
    password,
    salt: randomBytes(16),
    parallelism: 1,
    iterations: cost.iterations,
    memorySize: cost.memorySize,
    hashLength: 32,
    outputType: 'encoded',
  });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2Verify({ password, hash });
  } catch {
    return false;
  }
}

// Verifying against this hash when the account does not exist takes the same time as a real
// check, so response times do not reveal which addresses have an account.
let dummyHash: Promise<string> | undefined;
export function dummyVerify(password: string): Promise<boolean> {
  dummyHash ??= hashPassword('passerelle-compte-inexistant');
  return dummyHash.then((h) => verifyPassword(h, password));
}
