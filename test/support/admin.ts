// Admin UI tests: a signed-in session (cookie + CSRF token), form posts, and reading a page's round trips.
import { expect } from "vitest";
import { ADMIN_TOKEN, workerFetch } from "./api";

export interface AdminSession {
  cookie: string;
  csrf: string;
}

/** Signs in with the admin token like the login form does, and reads the CSRF token from a page. */
export async function adminSession(): Promise<AdminSession> {
  const res = await workerFetch("/admin/login", {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://quorum.test" },
    body: new URLSearchParams({ token: ADMIN_TOKEN }).toString(),
  });
  expect(res.status).toBe(303);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
  const home = await (await workerFetch("/admin", { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(home)?.[1];
  expect(csrf).toBeTruthy();
  return { cookie, csrf: csrf! };
}

/** GET an admin page with the session; answers the status, the HTML and the page's D1 round trips. */
export async function getPage(session: AdminSession, path: string): Promise<{ status: number; html: string; trips: number; location: string | null }> {
  const res = await workerFetch(path, { redirect: "manual", headers: { cookie: session.cookie } });
  return { status: res.status, html: await res.text(), trips: Number(res.headers.get("x-d1-round-trips")), location: res.headers.get("location") };
}

/** POST a form (urlencoded; repeated names from arrays) with the session's CSRF token unless `csrf: null`. */
export async function postForm(
  session: AdminSession,
  path: string,
  fields: Record<string, string | string[]>,
  options: { csrf?: string | null } = {},
): Promise<{ status: number; html: string; location: string | null; trips: number }> {
  const params = new URLSearchParams();
  const csrf = options.csrf === undefined ? session.csrf : options.csrf;
  if (csrf !== null) params.set("csrf", csrf);
  for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  const res = await workerFetch(path, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: session.cookie, "content-type": "application/x-www-form-urlencoded" },
    body: params.toString(),
  });
  return { status: res.status, html: await res.text(), location: res.headers.get("location"), trips: Number(res.headers.get("x-d1-round-trips")) };
}

/** The text of the error paragraph beside a field (components.tsx's FieldFrame), or null. */
export function fieldError(html: string, name: string): string | null {
  const id = `f-${name.replace(/[^A-Za-z0-9_-]+/g, "-")}-error`;
  const match = new RegExp(`<p class="error" id="${id}">([^<]*)</p>`).exec(html);
  return match ? match[1]! : null;
}

/** The value attribute of an input by name, as rendered. */
export function inputValue(html: string, name: string): string | null {
  const match = new RegExp(`<input[^>]*name="${name.replace(/[.]/g, "\\.")}"[^>]*value="([^"]*)"`).exec(html);
  return match ? match[1]! : null;
}
