import type { auditLog } from "../../db/schema";
import { Instant, ErrorSummary, FilterForm, Pager, TableWrap, TextField, withQuery, type FormErrors } from "./components";
import { adminPage, type AdminViewer } from "./shell";

type AuditLogEntry = typeof auditLog.$inferSelect & { actorName: string | null; actorEmail: string | null };

/** Who acted, in words: the person's name and email, the token's name, the set-up token or the system. */
function Actor(props: { entry: AuditLogEntry }) {
  const { actor, actorName, actorEmail } = props.entry;
  if (actorName && actorEmail) return <>{actorName}<br /><span class="muted">{actorEmail}</span></>;
  if (actorName) return <>{actorName}<br /><span class="muted">API token</span></>;
  if (actor === "bootstrap") return <>Admin token<br /><span class="muted">set-up (ADMIN_TOKEN)</span></>;
  if (actor === "system") return <>System</>;
  return <>{actor}</>;
}

/** Administration → Audit log: every change, who made it and when; newest first. */

export interface AuditFilterValues {
  actor: string;
  entityType: string;
  entityId: string;
  action: string;
  from: string;
  to: string;
}

export function auditPage(props: { nonce: string; viewer: AdminViewer; filter: AuditFilterValues; errors: FormErrors; entries: AuditLogEntry[]; nextBefore: string | null; before: string | null }): string {
  const f = props.filter;
  const e = props.errors;
  return adminPage({
    title: "Audit log",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "administration",
    lead: "Every change made through the API or these pages: who (a person, a token, the system), what, when.",
    children: (
      <>
        <p>
          <a href="/admin/administration">Administration</a>
        </p>
        <ErrorSummary errors={e} title="The filter needs:" />
        <FilterForm action="/admin/audit">
          <TextField name="actor" label="Actor" value={f.actor} error={e.actor} hint="A person's email, a token id, bootstrap (the set-up token) or system." />
          <TextField name="entityType" label="Entity type" value={f.entityType} error={e.entityType} hint="e.g. account, survey, frequency_rule" />
          <TextField name="entityId" label="Entity id" value={f.entityId} error={e.entityId} />
          <TextField name="action" label="Action" value={f.action} error={e.action} hint="e.g. account.update" />
          <TextField name="from" type="date" label="From" value={f.from} error={e.from} />
          <TextField name="to" type="date" label="To (inclusive)" value={f.to} error={e.to} />
        </FilterForm>
        {props.entries.length === 0 ? (
          <p>No entries match these filters.</p>
        ) : (
          <TableWrap label="Audit entries">
            <table>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Entity</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {props.entries.map((entry) => (
                  <tr>
                    <td><Instant iso={entry.at} /></td>
                    <td>
                      <Actor entry={entry} />
                    </td>
                    <td>{entry.action}</td>
                    <td>
                      {entry.entityType}
                      {entry.entityId && (
                        <>
                          <br />
                          <span class="muted">{entry.entityId}</span>
                        </>
                      )}
                    </td>
                    <td>
                      {entry.detail ? (
                        <details>
                          <summary>Show</summary>
                          <pre>{JSON.stringify(entry.detail, null, 2)}</pre>
                        </details>
                      ) : (
                        "—"
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        <Pager first={props.before ? withQuery("/admin/audit", { ...f }) : null} next={props.nextBefore ? withQuery("/admin/audit", { ...f, before: props.nextBefore }) : null} />
      </>
    ),
  });
}
