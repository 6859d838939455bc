import { Hono } from "hono";
import { z } from "zod";
import { decodeResponseCursor, encodeResponseCursor, feedOptions, listResponses, SCORE_BANDS, type ScoreBand } from "../../domain/responses/list";
import { periodFromKey, quarterAt, quarterKey, shiftQuarter } from "../../domain/scoring/periods";
import { ApiError } from "../../lib/errors";
import { withQuery } from "../../views/admin/components";
import { responsesPage } from "../../views/admin/responses";
import { keyedOptions } from "./choices";
import { optionalFilter, parseFilters } from "./forms";
import { quarterParam } from "./overview";
import type { AdminEnv } from "./session";

export const RESPONSES_PER_PAGE = 25;
/** Quarters the period filter offers, newest first. */
const PERIODS_OFFERED = 8;

const FeedQuery = z.object({
  period: z.string().optional(),
  survey: optionalFilter(z.string().max(100)),
  account: optionalFilter(z.string().trim().max(100)),
  role: optionalFilter(z.string().max(100)),
  stage: optionalFilter(z.string().max(100)),
  band: optionalFilter(z.enum(Object.keys(SCORE_BANDS) as [ScoreBand, ...ScoreBand[]])),
  text: optionalFilter(z.enum(["1", "on"])),
  after: optionalFilter(z.string().max(300)),
});

/** /admin/responses: the feed of complete responses with verbatims (2 D1 round trips + sign-in). */
export const responsesRouter = new Hono<AdminEnv>();

responsesRouter.get("/", async (c) => {
  const q = parseFilters(FeedQuery, c.req.query(), { band: "NPS answer", text: "With a comment only", stage: "Journey stage", after: "Page link" });
  const period = quarterParam(q.period);
  const after = q.after ? decodeResponseCursor(q.after) : undefined;
  if (after === null) throw new ApiError(400, "Unknown page", "This page link is not one Quorum made. Start again from the first page.");
  const options = await feedOptions(c.var.db, q.account);
  const range = period ? periodFromKey(period, options.calendar)! : null;
  const { items, next } = await listResponses(
    c.var.db,
    { from: range?.start, to: range?.end, surveyId: q.survey, accountId: q.account, role: q.role, stage: q.stage, band: q.band, withText: q.text !== undefined },
    { after, limit: RESPONSES_PER_PAGE },
  );
  const filters = { period, survey: q.survey, account: q.account, role: q.role, stage: q.stage, band: q.band, text: q.text ? "1" : undefined };
  const current = quarterAt(new Date(), options.calendar);
  return c.html(
    responsesPage({
      nonce: c.var.nonce,
      viewer: c.var.viewer,
      filters: { ...filters, text: q.text !== undefined },
      options: {
        periods: Array.from({ length: PERIODS_OFFERED }, (_, i) => quarterKey(shiftQuarter(current, -i))),
        surveys: options.surveys.map((s) => ({ value: s.id, label: s.name })),
        roles: keyedOptions(options.roles),
        stages: keyedOptions(options.stages),
      },
      accountName: options.account?.name ?? null,
      items,
      roleLabels: Object.fromEntries(options.roles.map((r) => [r.key, r.label])),
      next: next ? withQuery("/admin/responses", { ...filters, after: encodeResponseCursor(next) }) : null,
      first: after ? withQuery("/admin/responses", filters) : null,
    }),
  );
});
