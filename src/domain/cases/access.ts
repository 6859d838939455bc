import { ApiError } from "../../lib/errors";

export type StaffRole = "admin" | "analyst" | "account_manager";

/** Who acts on a case: the audit/timeline name, the person's email (null for tokens) and their role. */
export interface CaseActor {
  id: string;
  email: string | null;
  role: StaffRole;
}

/**
 * SPEC §2 user roles: admins work every case; analysts read only; account managers work the cases of the accounts
 * they own and the cases assigned to them.
 */
export function assertMayWork(actor: CaseActor, target: { assigneeEmail: string | null; accountOwnerEmail: string | null; id: string; accountName?: string | null }) {
  if (actor.role === "admin") return;
  if (actor.role === "account_manager" && actor.email) {
    const me = actor.email.toLowerCase();
    if (target.assigneeEmail?.toLowerCase() === me || target.accountOwnerEmail?.toLowerCase() === me) return;
    throw new ApiError(403, "Forbidden", `${target.accountName ? `This case (${target.accountName})` : "This case"} belongs to another account team: account managers work the cases of their own accounts and those assigned to them.`);
  }
  throw new ApiError(403, "Forbidden", "Analysts read cases but cannot change them; ask an admin or the account's owner.");
}
