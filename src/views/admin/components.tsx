import type { Child } from "hono/jsx";
import type { FieldError } from "../../lib/errors";
import { formatInstant, formatInteger, formatNps } from "./format";

/**
 * The admin UI's building blocks: one way to show a figure with its interval and n, one way to show a problem
 * beside a field, one way to label a state (text, never colour alone).
 */

// ─── figures ────────────────────────────────────────────────────────────────

export interface FigureProps {
  label: string;
  /** Already formatted (see ./format), "—" when there is nothing to show. */
  value: string;
  /** 95 % interval, already formatted. */
  interval?: [string, string] | null;
  /** Sample size; `nLabel` names it when it is not respondents (e.g. "effective n"). */
  n?: number | null;
  nLabel?: string;
  lowSample?: boolean;
  /** Lines under the figure, e.g. changes against earlier quarters. */
  children?: Child;
}

/** A figure with its 95 % interval and n; a low-sample figure says so in words. */
export function Figure(props: FigureProps) {
  return (
    <div class="figure">
      <p class="figure-label">{props.label}</p>
      <p class="figure-value">{props.value}</p>
      <p class="figure-meta">
        {props.interval && (
          <>
            95 % interval {props.interval[0]} to {props.interval[1]}
            {props.n != null && " · "}
          </>
        )}
        {props.n != null && (
          <>
            {props.nLabel ?? "n"} = {formatInteger(props.n)}
          </>
        )}
        {props.lowSample && (
          <>
            {" "}
            <Badge tone="warn">Low sample</Badge>
          </>
        )}
      </p>
      {props.children}
    </div>
  );
}

// ─── states ─────────────────────────────────────────────────────────────────

export type Tone = "neutral" | "good" | "warn" | "bad" | "info";

/** A state as words in a pill; the colour only repeats what the words say. */
export function Badge(props: { tone?: Tone; children: Child }) {
  return <span class={`badge badge-${props.tone ?? "neutral"}`}>{props.children}</span>;
}

// ─── forms ──────────────────────────────────────────────────────────────────

/** Problems from a refused form, keyed by field name (zod paths joined with "."). */
export type FormErrors = Record<string, string>;

export function formErrorsFrom(errors: FieldError[] | undefined): FormErrors {
  const out: FormErrors = {};
  for (const error of errors ?? []) out[error.path] ??= error.message;
  return out;
}

/** The hidden CSRF field every form of a session carries. */
export function CsrfInput(props: { token: string | null }) {
  return props.token ? <input type="hidden" name="csrf" value={props.token} /> : null;
}

/** A one-button form posting to `action` with the CSRF token: the row and page actions (delete, revoke, replay…). */
export function PostButton(props: { action: string; csrf: string | null; class?: string; label?: string; confirm?: string; children: Child }) {
  return (
    <form method="post" action={props.action} class="inline">
      <CsrfInput token={props.csrf} />
      <button type="submit" class={props.class} aria-label={props.label} data-confirm={props.confirm}>
        {props.children}
      </button>
    </form>
  );
}

/**
 * A field's name in words from its path, for the error summary ("journeyStage" → "Journey stage",
 * "texts.de.title" → "Title (de)", "questions.1.text.en" → "Question 2 text (en)"); "" for the whole form.
 */
export function fieldNameInWords(path: string): string {
  const words: string[] = [];
  const locales: string[] = [];
  const segments = path.split(".");
  segments.forEach((segment, i) => {
    const previous = segments[i - 1];
    if (segment === "(body)" || segment === "texts") return;
    if (/^\d+$/.test(segment) && words.length) words[words.length - 1] = `${words.at(-1)!.replace(/s$/, "")} ${Number(segment) + 1}`;
    else if (/^[a-z]{2,3}(-[A-Za-z0-9]+)?$/.test(segment) && (previous === "texts" || previous === "text" || previous === "label")) locales.push(segment);
    else words.push(segment.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase());
  });
  const name = [words.join(" "), ...locales.map((l) => `(${l})`)].join(" ").trim();
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** A summary at the top of a refused form, each problem named by its field and linking to it. */
export function ErrorSummary(props: { errors: FormErrors; title?: string }) {
  const entries = Object.entries(props.errors);
  if (entries.length === 0) return null;
  return (
    <div class="alert" role="alert" tabindex={-1} id="error-summary">
      <strong>{props.title ?? (entries.length === 1 ? "One thing to fix before saving:" : `${entries.length} things to fix before saving:`)}</strong>
      <ul>
        {entries.map(([field, message]) => (
          <li>
            <a href={`#${fieldId(field)}`}>{fieldNameInWords(field) ? `${fieldNameInWords(field)}: ${message}` : message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A form field's element id from its name ("questions.2.type" → "f-questions-2-type"). */
export const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]+/g, "-")}`;

interface FieldProps {
  name: string;
  label: string;
  error?: string | null;
  hint?: string;
}

function describedBy(props: FieldProps): string | undefined {
  const id = fieldId(props.name);
  const ids = [props.hint ? `${id}-hint` : null, props.error ? `${id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

/** What every single control (input, textarea, select, file) carries: its id and name, and its hint and problem. */
function controlAttributes(props: FieldProps) {
  return { id: fieldId(props.name), name: props.name, "aria-invalid": props.error ? "true" : undefined, "aria-describedby": describedBy(props) };
}

/** A field's hint and its problem, under the control; the control points at them with aria-describedby. */
function FieldNotes(props: { id: string; hint?: string; error?: string | null }) {
  return (
    <>
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="error" id={`${props.id}-error`}>
          {props.error}
        </p>
      )}
    </>
  );
}

/** The one way a problem is shown beside a field: under the label and hint, linked with aria-describedby. */
function FieldFrame(props: FieldProps & { children: Child }) {
  const id = fieldId(props.name);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children}
      <FieldNotes id={id} hint={props.hint} error={props.error} />
    </div>
  );
}

export function TextField(
  props: FieldProps & { value?: string | number | null; type?: "text" | "email" | "number" | "date" | "url" | "search" | "password" | "time"; required?: boolean; min?: number; max?: number; step?: string; placeholder?: string; autocomplete?: string },
) {
  return (
    <FieldFrame {...props}>
      <input
        type={props.type ?? "text"}
        {...controlAttributes(props)}
        value={props.value == null ? "" : String(props.value)}
        required={props.required}
        min={props.min}
        max={props.max}
        step={props.step}
        placeholder={props.placeholder}
        autocomplete={props.autocomplete}
      />
    </FieldFrame>
  );
}

export function TextAreaField(props: FieldProps & { value?: string | null; rows?: number; required?: boolean }) {
  return (
    <FieldFrame {...props}>
      <textarea {...controlAttributes(props)} rows={props.rows ?? 4} required={props.required}>
        {props.value ?? ""}
      </textarea>
    </FieldFrame>
  );
}

export interface Option {
  value: string;
  label: string;
}

/** A choice of one (`value`), or with `multiple` of any number (`values`). */
export function SelectField(props: FieldProps & { options: Option[]; value?: string | null; values?: string[]; multiple?: boolean; size?: number; blank?: string; required?: boolean }) {
  const selected = (option: Option) => (props.multiple ? (props.values ?? []).includes(option.value) : option.value === props.value);
  return (
    <FieldFrame {...props}>
      <select {...controlAttributes(props)} multiple={props.multiple} size={props.size} required={props.required}>
        {props.blank !== undefined && <option value="">{props.blank}</option>}
        {props.options.map((option) => (
          <option value={option.value} selected={selected(option)}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export function FileField(props: FieldProps & { accept?: string }) {
  return (
    <FieldFrame {...props}>
      <input type="file" {...controlAttributes(props)} accept={props.accept} />
    </FieldFrame>
  );
}

/** A group of checkboxes (e.g. target roles) with one legend and one problem line. */
export function CheckboxGroup(props: FieldProps & { options: Option[]; values: string[] }) {
  const id = fieldId(props.name);
  return (
    <fieldset id={id} aria-describedby={describedBy(props)}>
      <legend>{props.label}</legend>
      {props.options.map((option, i) => (
        <label class="check" for={`${id}-${i}`}>
          <input type="checkbox" id={`${id}-${i}`} name={props.name} value={option.value} checked={props.values.includes(option.value)} />
          {option.label}
        </label>
      ))}
      <FieldNotes id={id} hint={props.hint} error={props.error} />
    </fieldset>
  );
}

/** A group of fields under one legend (a question, a locale's texts) with the problem that concerns the group as a whole. */
export function FieldGroup(props: { name: string; legend: Child; error?: string | null; hint?: string; class?: string; children: Child }) {
  const id = fieldId(props.name);
  const described = [props.hint ? `${id}-hint` : null, props.error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <fieldset id={id} class={props.class} aria-describedby={described}>
      <legend>{props.legend}</legend>
      <FieldNotes id={id} hint={props.hint} error={props.error} />
      {props.children}
    </fieldset>
  );
}

export function CheckboxField(props: FieldProps & { checked: boolean; value?: string }) {
  const id = fieldId(props.name);
  return (
    <div class="field">
      <label class="check" for={id}>
        <input type="checkbox" id={id} name={props.name} value={props.value ?? "on"} checked={props.checked} aria-describedby={describedBy(props)} />
        {props.label}
      </label>
      <FieldNotes id={id} hint={props.hint} error={props.error} />
    </div>
  );
}

// ─── lists ──────────────────────────────────────────────────────────────────

export interface Section {
  href: string;
  label: string;
  /** One line on what a person does there. */
  what: string;
}

/** A landing page's sub-pages as cards: a linked heading and one line on what each is for. */
export function SectionCards(props: { sections: Section[] }) {
  return (
    <ul class="grid" role="list">
      {props.sections.map((section) => (
        <li class="card">
          <h2>
            <a href={section.href}>{section.label}</a>
          </h2>
          <p>{section.what}</p>
        </li>
      ))}
    </ul>
  );
}

/** A card of a page with its heading, named for assistive technology by that heading. */
export function CardSection(props: { id: string; title: Child; children: Child }) {
  return (
    <section aria-labelledby={props.id} class="card">
      <h2 id={props.id}>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** A list page's filters: a GET form to the page's own address with its fields and one Show button. */
export function FilterForm(props: { action: string; children: Child }) {
  return (
    <form method="get" action={props.action} class="card filters">
      {props.children}
      <div class="actions">
        <button type="submit">Show</button>
      </div>
    </form>
  );
}

/** A table that scrolls sideways on a phone instead of squeezing; focusable so keyboard users can scroll it. */
export function TableWrap(props: { label: string; children: Child }) {
  return (
    <div class="table-wrap" role="region" aria-label={props.label} tabindex={0}>
      {props.children}
    </div>
  );
}

/** Pagination links: `next` is the URL of the following page, if any; `previous` where pages are numbered. */
export function Pager(props: { next?: string | null; first?: string | null; previous?: string | null }) {
  if (!props.next && !props.first && !props.previous) return null;
  return (
    <nav class="pager" aria-label="Pages">
      {props.first ? <a href={props.first}>First page</a> : <span />}
      {props.previous && <a href={props.previous}>Previous page</a>}
      {props.next && <a href={props.next}>Next page</a>}
    </nav>
  );
}

/** Builds a link to the same page with some query parameters changed (filters, cursors); empty values are dropped. */
export function withQuery(path: string, query: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== null && value !== undefined && value !== "") params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * An instant in a narrow table cell, "2026-11-27 14:05 UTC", that wraps only between the date and the time: a bare
 * string broke inside the date ("2026-11-" / "27 14:05 UTC").
 */
export function Instant(props: { iso: string | null | undefined }) {
  const text = formatInstant(props.iso);
  if (!props.iso || text.length <= 10) return <span class="nowrap">{text}</span>;
  return (
    <time datetime={props.iso}>
      <span class="nowrap">{text.slice(0, 10)}</span> {text.slice(11)}
    </time>
  );
}

/** An NPS's 95 % interval as table text, "−51 to +85" (a Figure takes its two ends). */
export const npsIntervalText = (i: { low: number; high: number } | null | undefined) => (i ? `${formatNps(i.low)} to ${formatNps(i.high)}` : null);
/** An NPS's 95 % interval in a table cell, with the low-sample warning beside it (the tables' form of Figure). */
export function NpsIntervalCell(props: { interval: { low: number; high: number } | null; lowSample: boolean; n: number }) {
  return (
    <td>
      {npsIntervalText(props.interval) ?? "—"}
      {props.lowSample && props.n > 0 && (
        <>
          {" "}
          <Badge tone="warn">Low sample</Badge>
        </>
      )}
    </td>
  );
}
