// People on our side for tests: invite through the API, read the emailed sign-in link from the outbox, sign in.
import { env } from "cloudflare:workers";
import type { UserRole } from "../../src/db/schema";
import { api, json, workerFetch } from "./api";

let counter = 0;
/** A unique address per call (storage is shared by the tests of a file). */
export const uniqueEmail = (label = "person") => `${label}-${Date.now().toString(36)}-${++counter}@vendor.test`;

export interface TestUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
}

/** Invites a user through the API (as the bootstrap admin); the invitation mail with a sign-in link lands in the outbox. */
export async function inviteUser(role: UserRole, overrides: { email?: string; name?: string } = {}): Promise<TestUser> {
  const email = overrides.email ?? uniqueEmail(role);
  const res = await api("POST", "/users", { email, name: overrides.name ?? `Test ${role}`, role });
  if (res.status !== 201) throw new Error(`could not invite ${email}: ${res.status} ${await res.text()}`);
  return json(res);
}

/** The newest sign-in link mailed to an address (from the outbox), or null. */
export async function latestSignInLink(email: string): Promise<string | null> {
  const row = await env.DB.prepare("SELECT text_body FROM outbox WHERE to_email = ? AND kind = 'sign_in' ORDER BY id DESC LIMIT 1").bind(email).first<{ text_body: string }>();
  return /https?:\/\/\S+\/admin\/sign-in\?link=\S+/.exec(row?.text_body ?? "")?.[0] ?? null;
}

/** Waits for a link requested on the sign-in page (mailed after the answer, so timing does not tell known addresses). */
export async function awaitSignInLink(email: string, previous: string | null = null): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const link = await latestSignInLink(email);
    if (link && link !== previous) return link;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no sign-in link mailed to ${email}`);
}

/** The secret of a sign-in URL. */
export const linkSecret = (url: string) => new URL(url).searchParams.get("link")!;

export const formPost = (fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  redirect: "manual",
  headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  body: new URLSearchParams(fields).toString(),
});

/** Uses a sign-in link as a browser would (the confirmation form); returns the response. */
export function useLink(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return workerFetch("/admin/sign-in", formPost({ link: linkSecret(url) }, { origin: "http://quorum.test", ...headers }));
}

/** Every Set-Cookie header of a response, one string each. */
export const setCookies = (res: Response): string[] => res.headers.getAll("set-cookie");

/** "quorum_session=…" from a response that opened a session. */
export function sessionCookie(res: Response): string {
  const cookie = setCookies(res).find((c) => c.startsWith("quorum_session=") && !c.startsWith("quorum_session=;"));
  if (!cookie) throw new Error(`no session cookie (status ${res.status})`);
  return cookie.split(";")[0]!;
}

/** Signs a user in by the email link of their invitation (or a fresh one) and returns the cookie and the page's CSRF token. */
export async function signInAs(user: TestUser): Promise<{ cookie: string; csrf: string }> {
  let url = await latestSignInLink(user.email);
  let res = url ? await useLink(url) : null;
  if (!res || res.status !== 303) {
    const fresh = await api("POST", `/users/${user.id}/sign-in-link`);
    url = (await json(fresh)).url as string;
    res = await useLink(url);
  }
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = sessionCookie(res);
  const me = await api("GET", "/users/me", undefined, { token: null, headers: { cookie } });
  const csrf = (await json(me)).csrfToken as string | null;
  if (!csrf) throw new Error(`no CSRF token for the session (${me.status})`);
  return { cookie, csrf };
}
