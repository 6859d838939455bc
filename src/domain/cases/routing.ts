// SPEC §8 routing: a case's team comes from the first matching rule — a choice answer (question + value) or a
// keyword in the text answers — else the default team.

import { asc } from "drizzle-orm";
import type { Db } from "../../db/client";
import { caseRoutes, caseTeams } from "../../db/schema";
import { chunkRows } from "../../db/limits";
import { unprocessable } from "../../lib/errors";
import { auditInsert } from "../audit/log";

export interface Route {
  kind: "choice" | "keyword";
  questionId: string | null;
  match: string;
  team: string;
}

export interface RoutableAnswer {
  questionId: string;
  type: string;
  text: string | null;
  choices: string[];
}

export const DEFAULT_TEAM = "support";

const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A keyword matches at the start of a word, case-insensitively ("price" matches "Pricing", not "caprice"). */
const keywordMatches = (keyword: string, text: string) => new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(keyword)}`, "iu").test(text);

export function routeTeam(routes: Route[], answers: RoutableAnswer[]): string {
  for (const route of routes) {
    const hit =
      route.kind === "choice"
        ? answers.some((a) => a.questionId === route.questionId && (a.text === route.match || a.choices.includes(route.match)))
        : answers.some((a) => a.type === "text" && a.text !== null && (!route.questionId || a.questionId === route.questionId) && keywordMatches(route.match, a.text));
    if (hit) return route.team;
  }
  return DEFAULT_TEAM;
}

// ─── the routing configuration (teams and rules), replaced as a whole ────────


export interface Team {
  key: string;
  label: string;
  /** Takes the team's cases when the account owner is not a user. */
  assigneeEmail: string | null;
}

export interface Routing {
  teams: Team[];
  routes: Route[];
}

export async function getRouting(db: Db): Promise<Routing> {
  const [teams, routes] = await db.batch([
    db.select().from(caseTeams).orderBy(asc(caseTeams.label)),
    db.select().from(caseRoutes).orderBy(asc(caseRoutes.position), asc(caseRoutes.id)),
  ]);
  return { teams, routes: routes.map(({ kind, questionId, match, team }) => ({ kind, questionId, match, team })) };
}

/** Replaces teams and rules in one batch (audited); every rule's team must be one of the teams, and `support` stays. */
export async function replaceRouting(db: Db, actor: string, routing: Routing, now: Date): Promise<Routing> {
  const keys = new Set(routing.teams.map((t) => t.key));
  const errors = routing.routes.flatMap((r, i) => [
    ...(keys.has(r.team) ? [] : [{ path: `routes.${i}.team`, message: `'${r.team}' is not one of the teams` }]),
    ...(r.kind === "choice" && !r.questionId ? [{ path: `routes.${i}.questionId`, message: "a choice rule names its question" }] : []),
  ]);
  if (!keys.has(DEFAULT_TEAM)) errors.push({ path: "teams", message: `keep the '${DEFAULT_TEAM}' team: cases no rule matches go there` });
  if (routing.teams.length !== keys.size) errors.push({ path: "teams", message: "each team key once" });
  if (errors.length) throw unprocessable("The routing was refused; nothing changed.", errors);
  const routeRows = routing.routes.map((r, i) => ({ id: `route-${i + 1}`, position: i + 1, kind: r.kind, questionId: r.questionId ?? null, match: r.match, team: r.team }));
  await db.batch([
    db.delete(caseRoutes),
    db.delete(caseTeams),
    ...chunkRows(routing.teams, 3).map((rows) => db.insert(caseTeams).values(rows)),
    ...chunkRows(routeRows, 6).map((rows) => db.insert(caseRoutes).values(rows)),
    auditInsert(db, { actor, action: "case_routing.replace", entityType: "case_routing", detail: { ...routing } }, now),
  ] as unknown as Parameters<typeof db.batch>[0]);
  return getRouting(db);
}
