import type { AccountList, AccountListFilter } from "../../domain/scoring/dashboard";
import { Badge, Pager, SelectField, TableWrap, TextField, withQuery, type Tone } from "./components";
import { formatInteger, formatMean, formatMoney } from "./format";
import { adminPage, type AdminViewer } from "./shell";

const CATEGORY: Record<string, { label: string; tone: Tone }> = {
  promoter: { label: "Safe (promoter)", tone: "good" },
  passive: { label: "Passive", tone: "neutral" },
  detractor: { label: "At risk (detractor)", tone: "bad" },
  silent: { label: "Silent", tone: "warn" },
  unsurveyed: { label: "Unsurveyed", tone: "neutral" },
};

export const categoryLabel = (category: string | null | undefined) => (category ? (CATEGORY[category]?.label ?? category) : "—");

/** An account's category in words (the colour only repeats it). */
export function CategoryBadge(props: { category: string | null }) {
  if (!props.category) return <span class="muted">—</span>;
  const c = CATEGORY[props.category] ?? { label: props.category, tone: "neutral" as Tone };
  return <Badge tone={c.tone}>{c.label}</Badge>;
}

export const CATEGORY_OPTIONS = Object.entries(CATEGORY).map(([value, c]) => ({ value, label: c.label }));

export type AccountQuery = Partial<Record<"period" | "category" | "owner" | "segment" | "country" | "silent" | "single" | "sort", string>>;

export function accountsPage(props: { nonce: string; viewer: AdminViewer; data: AccountList; query: AccountQuery; filter: AccountListFilter; page: number }): string {
  const d = props.data;
  const q = props.query;
  const link = (page: number) => withQuery("/admin/accounts", { ...q, page: page > 1 ? page : null });
  return adminPage({
    title: "Accounts",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "accounts",
    lead: `Accounts in ${d.period} with their revenue, category, committee coverage and silence.`,
    children: (
      <>
        <form method="get" action="/admin/accounts" class="filters" aria-label="Filter and sort accounts">
          <SelectField name="period" label="Quarter" options={d.quarters.map((p) => ({ value: p, label: p }))} value={d.period} />
          <SelectField name="category" label="Category" options={CATEGORY_OPTIONS} value={q.category} blank="All categories" />
          <SelectField name="owner" label="Owner" options={d.options.owners.map((o) => ({ value: o.email, label: o.name ? `${o.name} (${o.email})` : o.email }))} value={q.owner} blank="All owners" />
          <SelectField name="segment" label="Segment" options={d.options.segments.map((s) => ({ value: s, label: s }))} value={q.segment} blank="All segments" />
          <SelectField name="country" label="Country" options={d.options.countries.map((s) => ({ value: s, label: s }))} value={q.country} blank="All countries" />
          <TextField name="silent" label="Silent quarters, at least" type="number" min={0} max={40} value={q.silent} />
          <SelectField
            name="single"
            label="Single-threaded"
            options={[
              { value: "yes", label: "Single-threaded only" },
              { value: "no", label: "Not single-threaded" },
            ]}
            value={q.single}
            blank="Either"
          />
          <SelectField
            name="sort"
            label="Sort by"
            options={[
              { value: "revenue", label: "Revenue, largest first" },
              { value: "name", label: "Name" },
              { value: "score", label: "Score, lowest first" },
              { value: "silent", label: "Silent quarters, most first" },
            ]}
            value={props.filter.sort}
          />
          <button type="submit">Apply</button>
        </form>
        {d.items.length === 0 ? (
          <p>No accounts match these filters.</p>
        ) : (
          <TableWrap label="Accounts">
            <table>
              <thead>
                <tr>
                  <th scope="col">Account</th>
                  <th scope="col" class="num">Revenue</th>
                  <th scope="col">Category</th>
                  <th scope="col" class="num">Score (0–10)</th>
                  <th scope="col" class="num">Answers</th>
                  <th scope="col">Committee heard (12 months)</th>
                  <th scope="col" class="num">Silent quarters</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Segment</th>
                  <th scope="col">Country</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((a) => (
                  <tr>
                    <th scope="row">
                      <a href={`/admin/accounts/${encodeURIComponent(a.accountId)}`}>{a.name ?? a.accountId}</a>
                      {!a.inScope && (
                        <>
                          {" "}
                          <Badge>Not in scope</Badge>
                        </>
                      )}
                    </th>
                    <td class="num">{formatMoney(a.revenue)}</td>
                    <td>
                      <CategoryBadge category={a.category} />
                      {a.mixedSignals && (
                        <>
                          {" "}
                          <Badge tone="warn">Mixed signals</Badge>
                        </>
                      )}
                    </td>
                    <td class="num">{formatMean(a.score)}</td>
                    <td class="num">{formatInteger(a.npsN)}</td>
                    <td>
                      {formatInteger(a.committeeRolesHeard)} of {formatInteger(d.committeeRoles)}
                      {a.singleThreaded && (
                        <>
                          {" "}
                          <Badge tone="warn">Single-threaded</Badge>
                        </>
                      )}
                    </td>
                    <td class="num">{formatInteger(a.silentQuarters)}</td>
                    <td>{a.ownerName ?? a.ownerEmail ?? "—"}</td>
                    <td>{a.segment ?? "—"}</td>
                    <td>{a.country ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        <Pager next={d.hasMore ? link(props.page + 1) : null} previous={props.page > 2 ? link(props.page - 1) : null} first={props.page > 1 ? link(1) : null} />
      </>
    ),
  });
}
