import { createRoute, z } from "@hono/zod-openapi";
import { committeeCoverage } from "../../domain/targeting/revenue";
import { activeRelationalSurveys, programContextFrom, programContextReads } from "../../domain/targeting/waves";
import { periodFromKey, quarterAt, quarterKey, quarterPeriod } from "../../domain/scoring/periods";
import { guard } from "../middleware/auth";
import { badRequest } from "../../lib/errors";
import { createRouter, jsonResponse, problemResponses } from "./router";

const Coverage = z
  .object({
    quarter: z.string(),
    accounts: z.array(
      z.object({
        accountId: z.string(),
        name: z.string(),
        annualRevenue: z.number(),
        covered: z.boolean(),
        shortfall: z
          .object({
            reason: z.enum(["no-committee-contact", "blocked", "not-yet-tried"]).openapi({
              description: "no-committee-contact: none at all (any status); blocked: none admissible now; not-yet-tried: one is admissible, the top-up has not run yet.",
            }),
            blockingRules: z.array(z.string()).openapi({ description: "The distinct reasons of the candidates." }),
            candidates: z.array(
              z.object({
                contactId: z.string(),
                contactName: z.string().nullable(),
                role: z.string(),
                reason: z.string().nullable().openapi({
                  description: "null: admissible now; else opted-out, bounced, erased, not-targeted, a rule id, defer-limit, regular-send-due (a top-up would block the regular wave send) or tried.",
                }),
                until: z.string().nullable(),
              }),
            ),
          })
          .nullable(),
      }),
    ),
    shortfalls: z.number(),
  })
  .openapi("CommitteeCoverage");

export const programRouter = createRouter();
programRouter.use("*", guard({ read: ["read", "integration"], write: [] }));

programRouter.openapi(
  createRoute({
    method: "get",
    path: "/coverage",
    tags: ["Sending"],
    summary: "Revenue rule: top-80 %-revenue accounts with an invited committee-role contact this quarter, and the shortfalls",
    request: { query: z.object({ quarter: z.string().optional().openapi({ description: "YYYY-Qn (fiscal); default: the current quarter." }) }) },
    responses: { 200: jsonResponse(Coverage, "Coverage per account"), ...problemResponses },
  }),
  async (c) => {
    const now = new Date();
    // The calendar, the holidays and the relational survey in one round trip.
    const [settingRows, holidayRows, [survey]] = await c.var.db.batch([...programContextReads(c.var.db, now), activeRelationalSurveys(c.var.db)]);
    const ctx = programContextFrom(settingRows, holidayRows);
    const calendar = ctx.calendar;
    const key = c.req.valid("query").quarter ?? quarterKey(quarterAt(now, calendar));
    const period = periodFromKey(key, calendar);
    if (!period || period.kind !== "quarter") {
      throw badRequest(`'${key}' is not a quarter; use YYYY-Qn, e.g. 2026-Q3.`, [{ path: "quarter", message: "use YYYY-Qn" }]);
    }
    const accounts = await committeeCoverage(c.var.db, survey ?? null, ctx, quarterPeriod(period.quarter, calendar), now);
    return c.json({ quarter: key, accounts, shortfalls: accounts.filter((a) => !a.covered).length }, 200);
  },
);
