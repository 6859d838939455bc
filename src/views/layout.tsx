import type { Child } from "hono/jsx";

/**
 * The respondent pages' shell: one inline stylesheet (allowed by the CSP nonce), no external assets, readable at
 * 320 px, visible focus, WCAG AA contrast (text #1f2328 and accent #0a58ca on white). The 0–10 scale sits on one row
 * of 11 from 36em, else on two balanced rows of 6 + 5 (the second row stretches, so 10 sits at the right end, above
 * its end label) — never 5 / 5 / a lone 10.
 */
const CSS = `*{box-sizing:border-box}body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#fff}
main{max-width:40rem;margin:0 auto;padding:1rem}h1{font-size:1.4rem;line-height:1.3}
fieldset{border:1px solid #8c959f;border-radius:.5rem;margin:0 0 1.25rem;padding:.75rem}legend{font-weight:600;padding:0 .25rem}
.scale{display:flex;flex-wrap:wrap;gap:.25rem}
.scale label{flex:1 0 calc(100%/6 - .25rem);display:flex;flex-direction:column;align-items:center;border:1px solid #8c959f;border-radius:.375rem;padding:.25rem 0;cursor:pointer}
@media(min-width:36em){.scale label{flex-basis:calc(100%/11 - .25rem)}}
.list label{display:flex;gap:.5rem;align-items:flex-start;padding:.375rem 0;cursor:pointer}
input[type=radio],input[type=checkbox]{width:1.25rem;height:1.25rem;margin:.125rem 0;accent-color:#0a58ca;flex-shrink:0}
.ends{display:flex;justify-content:space-between;gap:1rem;font-size:.875rem;margin:.5rem 0 0}.ends span:last-child{text-align:right}
textarea,input[type=number]{width:100%;font:inherit;padding:.5rem;border:1px solid #57606a;border-radius:.375rem}
textarea{min-height:7rem}.field{margin:0 0 1.25rem}.field label{display:block;font-weight:600;margin-bottom:.25rem}
.hint{font-size:.875rem;color:#57606a;margin:.25rem 0 0}
button{font:inherit;font-weight:600;color:#fff;background:#0a58ca;border:0;border-radius:.375rem;padding:.75rem 1.25rem;cursor:pointer;min-height:2.75rem}
button.secondary{color:#0a58ca;background:#fff;border:1px solid #0a58ca}
:focus-visible{outline:3px solid #0a58ca;outline-offset:2px}button:focus-visible{outline-color:#1f2328}
.notice{border-left:4px solid #1a7f37;background:#eef8f0;padding:.5rem .75rem}.alert{border-left:4px solid #b3261e;background:#fdf0ef;padding:.5rem .75rem}
.error{color:#b3261e;font-weight:600;margin:.25rem 0 0}.invalid{border-color:#b3261e}.small{font-size:.875rem;color:#57606a}
a{color:#0a58ca}`;

export function Layout(props: { lang: string; title: string; nonce: string; children: Child }) {
  return (
    <html lang={props.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{props.title}</title>
        <style nonce={props.nonce} dangerouslySetInnerHTML={{ __html: CSS }} />
      </head>
      <body>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

/** A rendered page as a string with its doctype. */
export function page(element: unknown): string {
  return `<!doctype html>${String(element)}`;
}
