/** Who may do what with the Pass numérique (see policies.test.ts for the role-by-role table). */
import { type Actor, hasRole, hasRoleAnywhere, isMember } from '../../platform/auth/actor.ts';
import { definePolicy } from '../../platform/auth/policy.ts';

type ProgrammeRef = { coordinator_organisation_id: string; funder_organisation_id: string };
type OrgRef = { id: string };

export const passPolicy = definePolicy({
  createProgramme: (actor: Actor, _: null) => actor.isPlatformAdmin || hasRoleAnywhere(actor, 'coordinateur'),
  /** Issue booklets, assign them to distributors, see alerts. */
  manageProgramme: (actor: Actor, p: ProgrammeRef) =>
    actor.isPlatformAdmin || hasRole(actor, p.coordinator_organisation_id, 'coordinateur'),
  viewProgramme: (actor: Actor, p: ProgrammeRef) =>
    actor.isPlatformAdmin ||
    hasRole(actor, p.coordinator_organisation_id, 'coordinateur') ||
    hasRole(actor, p.funder_organisation_id, 'financeur', 'coordinateur'),
  /** Mark statements paid. */
  payStatements: (actor: Actor, funder: OrgRef) =>
    actor.isPlatformAdmin || hasRole(actor, funder.id, 'financeur') || hasRoleAnywhere(actor, 'coordinateur'),
  /** Hand booklets held by the organisation to beneficiaries. */
  distribute: (actor: Actor, org: OrgRef) =>
    actor.isPlatformAdmin || hasRole(actor, org.id, 'prescripteur', 'responsable'),
  requestQualification: (actor: Actor, org: OrgRef) => actor.isPlatformAdmin || hasRole(actor, org.id, 'responsable'),
  decideQualification: (actor: Actor, _: null) => actor.isPlatformAdmin || hasRoleAnywhere(actor, 'coordinateur'),
  /** Redeem and undo at the organisation's places. */
  redeem: (actor: Actor, org: OrgRef) => hasRole(actor, org.id, 'aidant', 'responsable'),
  viewPlaceStatements: (actor: Actor, org: OrgRef) =>
    actor.isPlatformAdmin || hasRole(actor, org.id, 'responsable') || hasRoleAnywhere(actor, 'coordinateur'),
  manageApiTokens: (actor: Actor, org: OrgRef) => hasRole(actor, org.id, 'responsable'),
  memberOf: (actor: Actor, org: OrgRef) => isMember(actor, org.id),
});
