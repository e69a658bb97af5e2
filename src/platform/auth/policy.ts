/**
 * Declarative authorisation. Each module declares its rules in one table
 * (`definePolicy({ 'organisation.invite': (actor, org) => … })`); every route and use case
 * goes through `authorize`, which throws the one ForbiddenError the HTTP layer renders.
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
