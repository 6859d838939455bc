// SPEC §8 routing: a case's team comes from the first matching rule — a choice answer (question + value) or a
// keyword in the text answers — else the default team.

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
