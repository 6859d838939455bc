import type { Settings } from "../../domain/settings/settings";
import { CsrfInput, ErrorSummary, SelectField, TextField, type FormErrors } from "./components";
import { formatInstant } from "./format";
import { adminPage, type AdminViewer } from "./shell";

/** Administration → Organization settings. */

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** The settings form as typed (strings), so a refused form shows exactly what was entered. */
export type SettingsFormValues = Record<
  "organizationName" | "timeZone" | "fiscalYearStartMonth" | "defaultLocale" | "caseNpsMax" | "caseOsatMax" | "caseCesMax" | "sendWindowStart" | "sendWindowEnd" | "caseSlaTopDays" | "caseSlaOtherDays",
  string
>;

export function settingsFormValues(settings: Settings): SettingsFormValues {
  return {
    organizationName: settings.organizationName,
    timeZone: settings.timeZone,
    fiscalYearStartMonth: String(settings.fiscalYearStartMonth),
    defaultLocale: settings.defaultLocale,
    caseNpsMax: String(settings.caseNpsMax),
    caseOsatMax: String(settings.caseOsatMax),
    caseCesMax: String(settings.caseCesMax),
    sendWindowStart: settings.sendWindowStart,
    sendWindowEnd: settings.sendWindowEnd,
    caseSlaTopDays: String(settings.caseSlaTopDays),
    caseSlaOtherDays: String(settings.caseSlaOtherDays),
  };
}

export function settingsPage(props: {
  nonce: string;
  viewer: AdminViewer;
  values: SettingsFormValues;
  errors: FormErrors;
  updatedAt: string;
  flash: string | null;
}): string {
  const v = props.values;
  const e = props.errors;
  const readOnly = props.viewer.role !== "admin";
  return adminPage({
    title: "Organization settings",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "administration",
    flash: props.flash,
    enhance: true,
    lead: `Periods, business days and send windows are counted in the organization's time zone. Last changed ${formatInstant(props.updatedAt)}.`,
    children: (
      <>
        <p>
          <a href="/admin/administration">Administration</a> · <a href="/admin/holidays">Holidays</a>
        </p>
        <ErrorSummary errors={e} />
        <form method="post" action="/admin/settings" class="card stack" novalidate>
          <CsrfInput token={props.viewer.csrfToken} />
          <TextField name="organizationName" label="Organization name" value={v.organizationName} error={e.organizationName} required />
          <TextField name="timeZone" label="Time zone" value={v.timeZone} error={e.timeZone} hint="An IANA time zone such as Europe/Berlin or America/New_York." required />
          <SelectField
            name="fiscalYearStartMonth"
            label="Fiscal year starts in"
            value={v.fiscalYearStartMonth}
            error={e.fiscalYearStartMonth}
            options={MONTHS.map((month, i) => ({ value: String(i + 1), label: month }))}
            hint="A fiscal year is named for the calendar year it ends in."
          />
          <TextField name="defaultLocale" label="Default language" value={v.defaultLocale} error={e.defaultLocale} hint="A language tag such as en, de or fr." required />
          <fieldset>
            <legend>Send window (working days, local time)</legend>
            <TextField name="sendWindowStart" type="time" label="From" value={v.sendWindowStart} error={e.sendWindowStart} />
            <TextField name="sendWindowEnd" type="time" label="Until" value={v.sendWindowEnd} error={e.sendWindowEnd} />
            <p class="hint">Program slices, due deferrals, delayed event sends and reminders go out only then; event-triggered and manual sends go out at once.</p>
          </fieldset>
          <fieldset>
            <legend>A case opens when an answer is at most</legend>
            <TextField name="caseNpsMax" type="number" label="NPS (0–10)" value={v.caseNpsMax} error={e.caseNpsMax} min={0} max={10} />
            <TextField name="caseOsatMax" type="number" label="Satisfaction (1–5)" value={v.caseOsatMax} error={e.caseOsatMax} min={1} max={5} />
            <TextField name="caseCesMax" type="number" label="Effort (1–7)" value={v.caseCesMax} error={e.caseCesMax} min={1} max={7} />
          </fieldset>
          <fieldset>
            <legend>A case is due, in business days (weekends and holidays skipped)</legend>
            <TextField name="caseSlaTopDays" type="number" label="Accounts holding the top 20 % of revenue" value={v.caseSlaTopDays} error={e.caseSlaTopDays} min={1} />
            <TextField name="caseSlaOtherDays" type="number" label="Every other account" value={v.caseSlaOtherDays} error={e.caseSlaOtherDays} min={1} />
          </fieldset>
          {!readOnly && <button type="submit">Save settings</button>}
        </form>
      </>
    ),
  });
}
