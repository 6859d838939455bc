// One-time form keys (migration 0085, the same mechanism as the planner's send key in sending.tsx): a page renders a
// fresh key into its form; the POST claims it atomically (INSERT … ON CONFLICT DO NOTHING on (actor, key)) before
// writing. Back + submit again, or reloading the answer to a POST, re-sends a claimed key and is refused with a 409.
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { formRequests } from "../../db/schema";
import { ApiError } from "../../lib/errors";
import { randomSecret } from "../../lib/ids";
import { text, type FormBody } from "./forms";
import type { AdminEnv } from "./session";

export const FORM_KEY_FIELD = "formKey";
const FORM_KEY = /^[\w-]{16,64}$/;

/** 16 random bytes in base64url (22 characters); the planner's send key is made and checked the same way. */
export const newFormKey = () => randomSecret(16);
export const isFormKey = (key: string) => FORM_KEY.test(key);

/** Claims the form's key for this person; throws 409 when it was used already, 400 when the form has none. */
export async function claimFormKey(c: Context<AdminEnv>, body: FormBody, form: string): Promise<{ key: string; release: () => Promise<void> }> {
  const key = text(body, FORM_KEY_FIELD);
  if (!isFormKey(key)) throw new ApiError(400, "This form is out of date", "Reload the page and submit the form again.");
  const actor = c.var.actor.id;
  const claimed = await c.var.db
    .insert(formRequests)
    .values({ actor, key, form, createdAt: new Date().toISOString() })
    .onConflictDoNothing()
    .returning({ key: formRequests.key });
  if (claimed.length === 0) {
    throw new ApiError(409, "Sent twice", "This form was already submitted, so nothing was written again. Open the page afresh to add another.");
  }
  // A refused submit (a problem beside a field) gives the key back, so the corrected form can be sent.
  const release = async () => {
    await c.var.db.delete(formRequests).where(and(eq(formRequests.actor, actor), eq(formRequests.key, key)));
  };
  return { key, release };
}
