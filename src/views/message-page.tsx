import { Layout, page } from "./layout";
import { messagesFor } from "../i18n";

/** A short page with a heading, a paragraph and optionally one form button (error pages, unsubscribe). */
export function messagePage(props: {
  locale: string;
  nonce: string;
  title: string;
  body: string;
  /** A short line before the form (e.g. "Clicked by mistake?"). */
  note?: string;
  /** secondary: a quieter button (undo), not the page's main action. */
  form?: { button: string; hidden?: Record<string, string>; secondary?: boolean };
}): string {
  const { locale } = messagesFor(props.locale);
  return page(
    <Layout lang={locale} title={props.title} nonce={props.nonce}>
      <h1>{props.title}</h1>
      <p>{props.body}</p>
      {props.note && <p class="small">{props.note}</p>}
      {props.form && (
        <form method="post">
          {Object.entries(props.form.hidden ?? {}).map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <button type="submit" class={props.form.secondary ? "secondary" : undefined}>{props.form.button}</button>
        </form>
      )}
    </Layout>,
  );
}

/**
 * Why a link does not open its page, in words the person can act on. Nothing more is revealed. A broken unsubscribe
 * link says how to opt out anyway (reply to the email), not that a new link will come.
 */
export type LinkProblem = "invalid" | "invalidUnsubscribe" | "closed";

export function linkProblemPage(problem: LinkProblem, locale: string, nonce: string): string {
  const { t } = messagesFor(locale);
  if (problem === "closed") return messagePage({ locale, nonce, title: t.closedTitle, body: t.closedBody });
  return messagePage({ locale, nonce, title: t.invalidTitle, body: problem === "invalid" ? t.invalidBody : t.invalidUnsubscribeBody });
}
