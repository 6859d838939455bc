import type { ResponseListItem } from "../../domain/responses/list";
import { Badge, CheckboxField, Pager, SelectField, withQuery, type Option } from "./components";
import { formatInstant } from "./format";
import { adminPage, type AdminViewer } from "./shell";

function npsBand(value: number) {
  return value >= 9 ? <Badge tone="good">Promoter</Badge> : value >= 7 ? <Badge tone="neutral">Passive</Badge> : <Badge tone="bad">Detractor</Badge>;
}

/** One complete response as a card: who, when, the scores, the verbatim; links to its account. */
export function ResponseCard(props: { response: ResponseListItem; roleLabel?: string; stageLabel?: string; showAccount?: boolean }) {
  const r = props.response;
  return (
    <li>
      <p class="feed-meta">
        {formatInstant(r.submittedAt)} · {r.contactName ?? "A contact"} ({props.roleLabel ?? r.role})
        {props.showAccount !== false && (
          <>
            {" "}
            at <a href={`/admin/accounts/${encodeURIComponent(r.accountId)}`}>{r.accountName ?? r.accountId}</a>
          </>
        )}{" "}
        · {r.surveyName ?? r.surveyId} · {props.stageLabel ?? r.journeyStage}
      </p>
      <p class="scoreline">
        {r.nps !== null && (
          <span>
            NPS answer <strong>{r.nps}</strong> {npsBand(r.nps)}
          </span>
        )}
        {r.osat !== null && (
          <span>
            OSAT <strong>{r.osat}</strong> of 5
          </span>
        )}
        {r.ces !== null && (
          <span>
            CES <strong>{r.ces}</strong> of 7
          </span>
        )}
      </p>
      {r.verbatim ? <blockquote class="verbatim">{r.verbatim}</blockquote> : <p class="muted">No comment.</p>}
    </li>
  );
}

export interface ResponseFeedFilters {
  period?: string;
  survey?: string;
  account?: string;
  role?: string;
  stage?: string;
  band?: string;
  text?: boolean;
}

export function responsesPage(props: {
  nonce: string;
  viewer: AdminViewer;
  filters: ResponseFeedFilters;
  options: { periods: string[]; surveys: Option[]; roles: Option[]; stages: Option[] };
  accountName: string | null;
  items: ResponseListItem[];
  roleLabels: Record<string, string>;
  next: string | null;
  first: string | null;
}): string {
  const f = props.filters;
  return adminPage({
    title: "Responses",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "responses",
    lead: "What customers said: complete responses, newest first, with their comments.",
    children: (
      <>
        {f.account && (
          // People never see or type an account's internal id: the account by name, and a way back to all of them.
          <p>
            Responses of <strong>{props.accountName ?? "an account that no longer exists"}</strong> ·{" "}
            <a href={withQuery("/admin/responses", { ...f, account: undefined, text: f.text ? "1" : undefined })}>All accounts</a>
          </p>
        )}
        <form method="get" action="/admin/responses" class="filters" aria-label="Filter responses">
          <SelectField name="period" label="Quarter" options={props.options.periods.map((p) => ({ value: p, label: p }))} value={f.period} blank="Any time" />
          <SelectField name="survey" label="Survey" options={props.options.surveys} value={f.survey} blank="All surveys" />
          <SelectField name="role" label="Role" options={props.options.roles} value={f.role} blank="All roles" />
          <SelectField name="stage" label="Journey stage" options={props.options.stages} value={f.stage} blank="All stages" />
          <SelectField
            name="band"
            label="NPS answer"
            options={[
              { value: "promoter", label: "Promoters (9–10)" },
              { value: "passive", label: "Passives (7–8)" },
              { value: "detractor", label: "Detractors (0–6)" },
            ]}
            value={f.band}
            blank="Any score"
          />
          {/* one account's responses (from its account page): named above the form, kept by this hidden field */}
          {f.account && <input type="hidden" name="account" value={f.account} />}
          <CheckboxField name="text" label="With a comment only" checked={!!f.text} value="1" />
          <button type="submit">Filter</button>
        </form>
        {props.items.length === 0 ? (
          <p>No responses match these filters.</p>
        ) : (
          <ul class="feed" aria-label="Responses">
            {props.items.map((r) => (
              <ResponseCard response={r} roleLabel={props.roleLabels[r.role]} stageLabel={props.options.stages.find((s) => s.value === r.journeyStage)?.label} />
            ))}
          </ul>
        )}
        <Pager next={props.next} first={props.first} />
      </>
    ),
  });
}
