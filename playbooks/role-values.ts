// The roles a database allows in public.user_roles.role, read from its own definition: the
// labels of the column's enum (through any domains) and the value lists of CHECK constraints on
// the column. Nothing is hard-coded, so a role the runbook adds (org_admin) works once the
// database has it.
import { listedValues } from './listed-values.js';

/** What sql/playbooks/user-roles/allowed.sql returns. */
export interface RoleColumnFacts {
  has_column: boolean;
  type_name: string | null;
  enum_labels: string[] | null;
  checks: string[];
}

/** The allowed values, or null when the database accepts any value (no enum, no listing CHECK). */
export interface AllowedRoles {
  values: string[] | null;
  /** Where the list comes from, for messages: "enum app_role", "CHECK on user_roles.role". */
  source: string;
  /** CHECK constraints that are not a plain value list: the database decides when the row is written. */
  unparsed: string[];
}

/** Combines the enum and every listing CHECK: a value must pass all of them. */
export function allowedRoles(facts: RoleColumnFacts, column = 'role'): AllowedRoles {
  let values: string[] | null = facts.enum_labels ? [...facts.enum_labels] : null;
  const sources: string[] = facts.enum_labels ? [`enum ${facts.type_name ?? '?'}`] : [];
  const unparsed: string[] = [];
  for (const def of facts.checks) {
    const list = listedValues(def, column);
    if (list === null) {
      unparsed.push(def);
      continue;
    }
    values = values === null ? list : values.filter((v) => list.includes(v));
    if (!sources.includes('CHECK')) sources.push('CHECK');
  }
  return { values, source: sources.length ? sources.join(' and ') : `type ${facts.type_name ?? '?'}`, unparsed };
}

/** The database's spelling of `wanted`: exact, else the only case-insensitive match. */
export function matchRole(values: readonly string[], wanted: string): string | undefined {
  if (values.includes(wanted)) return wanted;
  const folded = values.filter((v) => v.toLowerCase() === wanted.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}
