/**
 * Declarative authorisation. Each module declares, in its `policies.ts`, the answers to two
 * questions:
 * - « may this actor do X to this resource? » — rules in one table
 *   (`definePolicy({ editPlace: (actor, place) => … })`); every route and use case goes through
 *   `authorize`, which throws the one ForbiddenError the HTTP layer renders, and a use case
 *   asks again inside its transaction against the rows it is about to write;
 * - « which rows may this actor see? » — functions returning a `Scope` (scope.ts) that the
 *   module's repositories turn into a WHERE clause; lists are never filtered by hand in routes.
 * Rules build on actor.ts (roles held in an organisation, acting inside its territory),
 * territory.ts and grants.ts; role names appear in policy code only (architecture test).
 */
import { ForbiddenError, UnauthenticatedError } from '../http/errors.ts';
import type { Actor } from './actor.ts';

export type Rule<R> = (actor: Actor, resource: R) => boolean;

export function definePolicy<P extends Record<string, Rule<never>>>(rules: P): P {
  return rules;
}

export function can<R>(actor: Actor | undefined, rule: Rule<R>, resource: R): boolean {
  return actor !== undefined && rule(actor, resource);
}

export function authorize<R>(actor: Actor | undefined, rule: Rule<R>, resource: R): asserts actor is Actor {
  if (!actor) throw new UnauthenticatedError();
  if (!rule(actor, resource)) throw new ForbiddenError();
}
