import { createRoute } from "@hono/zod-openapi";
import { adminOnly } from "../middleware/auth";
import { HISTORY_COLUMNS, HistoryQuery, importBody, MAX_HISTORY_ROWS, reportResponses, runImport } from "./imports";
import { createRouter } from "./router";

/** POST /responses/import — mounted before the responses router, so /responses/{id} never shadows it. */
export const responseImportsRouter = createRouter();

responseImportsRouter.openapi(
  createRoute({
    middleware: adminOnly,
    method: "post",
    path: "/import",
    tags: ["Responses"],
    summary: "Import past answers from another feedback tool (Delighted, Qualtrics, SurveyMonkey-style CSV)",
    description:
      "Each row (email, date, score, optional comment, survey and question) becomes a complete response in its original period: first submittedAt = the given date (a date without a time at 12:00 UTC), snapshot from the contact and its account at import, marked importedAt. No invitation is sent, nothing is queued (no email, no case, no webhook); the invitation it hangs on was never admitted, so it is not counted as invited in response rates. Imported answers count in scoring like any complete response. Re-importing the same rows changes nothing. The contact must exist (import contacts first).",
    request: { query: HistoryQuery, body: importBody(HISTORY_COLUMNS, MAX_HISTORY_ROWS) },
    responses: reportResponses,
  }),
  async (c) => c.json(await runImport(c, "responses", c.req.valid("query")), 200),
);
