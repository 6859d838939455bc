import type { Holiday } from "../../domain/settings/settings";
import { CsrfInput, PostButton, ErrorSummary, TableWrap, TextField, type FormErrors } from "./components";
import { adminPage, type AdminViewer } from "./shell";

/** Administration → Holidays: no scheduled sends on them, and they do not count as business days (SLA, waves). */

export function holidaysPage(props: { nonce: string; viewer: AdminViewer; holidays: Holiday[]; values: { date: string; label: string }; errors: FormErrors; flash: string | null }): string {
  const admin = props.viewer.role === "admin";
  return adminPage({
    title: "Holidays",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "administration",
    flash: props.flash,
    enhance: true,
    lead: "Dates in the organization's time zone. Weekends are never working days; add the public holidays you observe.",
    children: (
      <>
        <p>
          <a href="/admin/administration">Administration</a> · <a href="/admin/settings">Settings</a>
        </p>
        {admin && (
          <form method="post" action="/admin/holidays" class="card stack" novalidate>
            <h2>Add a holiday</h2>
            <ErrorSummary errors={props.errors} />
            <CsrfInput token={props.viewer.csrfToken} />
            <TextField name="date" type="date" label="Date" value={props.values.date} error={props.errors.date} required />
            <TextField name="label" label="Name" value={props.values.label} error={props.errors.label} hint="e.g. Christmas Day" required />
            <button type="submit">Add holiday</button>
          </form>
        )}
        {props.holidays.length === 0 ? (
          <p>No holidays yet.</p>
        ) : (
          <TableWrap label="Holidays">
            <table>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Name</th>
                  {admin && <th scope="col">Remove</th>}
                </tr>
              </thead>
              <tbody>
                {props.holidays.map((holiday) => (
                  <tr>
                    <td>{holiday.date}</td>
                    <td>{holiday.label}</td>
                    {admin && (
                      <td>
                        <PostButton action={`/admin/holidays/${holiday.date}/delete`} csrf={props.viewer.csrfToken} class="secondary" label={`Remove ${holiday.label} on ${holiday.date}`}>
                          Remove
                        </PostButton>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </>
    ),
  });
}
