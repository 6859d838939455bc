import { Hono, type Context } from "hono";
import { sendSignInLink } from "../../domain/access/sign-in-links";
import { mailProviderFor } from "../../domain/delivery/providers";
import { deactivateUser, inviteUser, listUsers, reactivateUser, updateUser } from "../../domain/users/users";
import { USER_ROLES, type UserRole } from "../../db/schema";
import { ApiError } from "../../lib/errors";
import type { FormErrors } from "../../views/admin/components";
import { peoplePage, type InviteValues } from "../../views/admin/people";
import { UserInvite } from "../api/users";
import { flashFrom, formBody, text, validate } from "./forms";
import type { AdminEnv } from "./session";
import { splitPage } from "../../lib/pages";

/** Administration → People (SPEC §12): list, invite, change role, deactivate. Admins change; everyone else reads. */
export const people = new Hono<AdminEnv>();

/** A page stays far under 150 KB (each row carries two small forms). */
const PEOPLE_PAGE = 50;

const FLASH = {
  invited: "Invited: a sign-in link is on its way to them.",
  role: "Role changed: it applies from their next click.",
  deactivated: "Deactivated: their sessions ended at once.",
  reactivated: "Reactivated: they can ask for a sign-in link again.",
};

async function render(c: Context<AdminEnv>, form: { values?: InviteValues; errors?: FormErrors; problem?: string } = {}, status: 200 | 409 | 422 = 200) {
  const after = c.req.query("after") || null;
  const rows = await listUsers(c.var.db, { after: after ?? undefined, limit: PEOPLE_PAGE });
  const { items: users, next: nextAfter } = splitPage(rows, PEOPLE_PAGE, (last) => last.id);
  return c.html(
    peoplePage({
      nonce: c.var.nonce,
      viewer: c.var.viewer,
      users,
      after,
      nextAfter,
      values: form.values ?? { email: "", name: "", role: "" },
      errors: form.errors ?? {},
      flash: flashFrom(c, FLASH),
      problem: form.problem ?? null,
    }),
    status,
  );
}

people.get("/", (c) => render(c));

people.post("/", async (c) => {
  const body = await formBody(c);
  const values = { email: text(body, "email"), name: text(body, "name"), role: text(body, "role") };
  const parsed = validate(UserInvite, values);
  if (!parsed.ok) return render(c, { values, errors: parsed.errors }, 422);
  try {
    const user = await inviteUser(c.var.db, c.var.actor.id, parsed.value);
    await sendSignInLink(c.var.db, mailProviderFor(c.env, c.var.db), user, { publicUrl: c.env.PUBLIC_URL, invited: true });
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) return render(c, { values, errors: { email: "Already a user: change their role or reactivate them below." } }, 409);
    throw error;
  }
  return c.redirect("/admin/people?done=invited", 303);
});

/**
 * A refused change of one person (the last active admin) re-renders People with the reason above the list, rather
 * than a bare "Conflict" page that pointed to the overview.
 */
async function changeOrSayWhy(c: Context<AdminEnv>, change: () => Promise<unknown>, done: keyof typeof FLASH) {
  try {
    await change();
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) return render(c, { problem: error.detail ?? error.title }, 409);
    throw error;
  }
  return c.redirect(`/admin/people?done=${done}`, 303);
}

people.post("/:id/role", async (c) => {
  const role = text(await formBody(c), "role");
  if (!(USER_ROLES as readonly string[]).includes(role)) throw new ApiError(422, "Choose a role", "Pick admin, analyst or account manager.");
  return changeOrSayWhy(c, () => updateUser(c.var.db, c.var.actor.id, c.req.param("id"), { role: role as UserRole }), "role");
});

people.post("/:id/deactivate", (c) => changeOrSayWhy(c, () => deactivateUser(c.var.db, c.var.actor.id, c.req.param("id")), "deactivated"));

people.post("/:id/reactivate", async (c) => {
  await reactivateUser(c.var.db, c.var.actor.id, c.req.param("id"));
  return c.redirect("/admin/people?done=reactivated", 303);
});
