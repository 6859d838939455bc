import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import { PostButton } from "./components";

/** Who is looking at an admin page: the signed-in person (or the admin token used to sign in). */
export interface AdminViewer {
  id: string;
  name: string;
  email: string | null;
  role: "admin" | "analyst" | "account_manager";
  /** The session's CSRF token; null when the page was requested with a bearer token (no cookie, nothing to forge). */
  csrfToken: string | null;
}

/** The one navigation of the admin UI. `active` marks the section a page belongs to. */
export const NAV = [
  { key: "overview", href: "/admin", label: "Overview" },
  { key: "accounts", href: "/admin/accounts", label: "Accounts" },
  { key: "responses", href: "/admin/responses", label: "Responses" },
  { key: "cases", href: "/admin/cases", label: "Cases" },
  { key: "markets", href: "/admin/markets", label: "Markets" },
  { key: "surveys", href: "/admin/surveys", label: "Surveys" },
  { key: "sending", href: "/admin/sending", label: "Sending" },
  { key: "directory", href: "/admin/directory", label: "Directory" },
  { key: "administration", href: "/admin/administration", label: "Administration" },
] as const;
export type NavKey = (typeof NAV)[number]["key"];

const ROLE_LABEL: Record<AdminViewer["role"], string> = { admin: "Admin", analyst: "Analyst", account_manager: "Account manager" };

export interface AdminPageProps {
  title: string;
  nonce: string;
  viewer: AdminViewer | null;
  active?: NavKey;
  /** One line under the title saying what the page is for. */
  lead?: string;
  /** A confirmation after a form was handled (shown once, announced to screen readers). */
  flash?: string | null;
  /** Loads htmx and the admin enhancement script (pages work without them). */
  enhance?: boolean;
  children: Child;
}

/** Every admin page: skip link, top bar with the navigation and who is signed in, the page title, its content. */
export function AdminShell(props: AdminPageProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${props.title} · Quorum`}</title>
        <link rel="stylesheet" href="/assets/admin.css" />
        {props.enhance && (
          <>
            {/* htmx must not inject inline styles or eval: the CSP allows neither. */}
            <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}' />
            <script src="/assets/vendor/htmx.min.js" defer></script>
            <script src="/assets/admin.js" defer></script>
          </>
        )}
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="topbar">
          <div class="topbar-inner">
            <a class="brand" href="/admin">
              Quorum
            </a>
            {props.viewer && (
              <nav aria-label="Main">
                <ul class="nav">
                  {NAV.map((item) => (
                    <li>
                      <a href={item.href} aria-current={item.key === props.active ? "page" : undefined}>
                        {item.label}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            )}
            {props.viewer && (
              <div class="who">
                <span>
                  {props.viewer.name} <span class="visually-hidden">signed in as</span>({ROLE_LABEL[props.viewer.role]})
                </span>
                {props.viewer.csrfToken && (
                  <PostButton action="/admin/logout" csrf={props.viewer.csrfToken}>
                    Sign out
                  </PostButton>
                )}
              </div>
            )}
          </div>
        </header>
        <main id="main">
          <h1>{props.title}</h1>
          {props.lead && <p class="lead">{props.lead}</p>}
          {props.flash && (
            <p class="notice" role="status">
              {props.flash}
            </p>
          )}
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** A whole admin page as an HTML string. */
export function adminPage(props: AdminPageProps): string {
  return `<!doctype html>${withFieldLabels(String(<AdminShell {...props} />))}`;
}

/**
 * The error summary (rendered before its form) names each field by its path in words; once the page is whole, the
 * field's own visible label replaces that guess ("Label: fill this in" → "Name: fill this in" on Holidays).
 */
export function withFieldLabels(html: string): string {
  const start = html.indexOf('id="error-summary"');
  if (start < 0) return html;
  const end = html.indexOf("</div>", start);
  // Plain string search, not a RegExp built from the id: a field path is typed by whoever posts the form, and a huge
  // one made the RegExp invalid (a 503 page instead of the form with its problems).
  const labelOf = (id: string) => {
    const label = contentAfter(html, `<label for="${id}"`, "</label>");
    const fieldset = contentAfter(html, `<fieldset id="${id}"`, "</legend>")?.trimStart();
    const legend = fieldset?.startsWith("<legend>") ? fieldset.slice("<legend>".length) : null;
    return (label ?? legend ?? "").replace(/<[^>]*>/g, "").trim();
  };
  const summary = html.slice(start, end).replace(/<a href="#([^"]+)">([^<:]+): /g, (link, id: string, guess: string) => `<a href="#${id}">${labelOf(id) || guess}: `);
  return html.slice(0, start) + summary + html.slice(end);
}

/** What an element that starts with `opening` holds, from the end of its tag to `closing`; null when absent. */
function contentAfter(html: string, opening: string, closing: string): string | null {
  const at = html.indexOf(opening);
  const tagEnd = at < 0 ? -1 : html.indexOf(">", at + opening.length);
  const end = tagEnd < 0 ? -1 : html.indexOf(closing, tagEnd);
  return end < 0 ? null : html.slice(tagEnd + 1, end);
}

/** A page that only says what happened and what the person can do (refusals, unknown ids, errors). */
export function adminMessagePage(props: { nonce: string; viewer: AdminViewer | null; title: string; body: string; back?: { href: string; label: string } }): string {
  return adminPage({
    title: props.title,
    nonce: props.nonce,
    viewer: props.viewer,
    children: (
      <>
        <p>{props.body}</p>
        {props.back ? (
          <p>
            <a href={props.back.href}>{props.back.label}</a>
          </p>
        ) : (
          props.viewer && (
            <p>
              <a href="/admin">Back to the overview</a>
            </p>
          )
        )}
      </>
    ),
  });
}

/** JSON for a `<script type="application/json">` block, safe against `</script>` in the data. */
export function jsonForScript(value: unknown) {
  return raw(JSON.stringify(value).replace(/</g, "\\u003c"));
}
