/**
 * Setup file of the integration and browser tiers (vitest.config.ts): cheap argon2id parameters,
 * see useCheapPasswordHashingInTests. The unit tier keeps the production cost and checks it.
 */
import { useCheapPasswordHashingInTests } from '../../src/modules/accounts/passwords.ts';

useCheapPasswordHashingInTests();
