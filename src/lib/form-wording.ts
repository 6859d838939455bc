/**
 * The API's own zod wording, except where a form says it better to a person (an empty field, a number box, a
 * select left on "Choose…"). Passed as zod's `error` option when a page validates a form; the rules are unchanged.
 */
export const formWording = (issue: { code?: string; origin?: string; minimum?: unknown; maximum?: unknown; inclusive?: boolean; exact?: boolean; expected?: string; input?: unknown }): string | undefined => {
  if (issue.code === "too_small" && issue.origin === "string" && Number(issue.minimum) === 1) return "fill this in";
  if (issue.code === "invalid_type" && issue.expected === "number") return "enter a number";
  // A number box: "Too big: expected number to be <=10" / "expected int, received number" said as a person would.
  if (issue.code === "invalid_type" && issue.expected === "int") return "enter a whole number";
  if (issue.code === "too_big" && issue.origin === "number") return issue.inclusive === false ? `enter less than ${issue.maximum}` : `enter at most ${issue.maximum}`;
  if (issue.code === "too_small" && issue.origin === "number") return issue.inclusive === false ? `enter more than ${issue.minimum}` : `enter at least ${issue.minimum}`;
  if ((issue.code === "too_big" || issue.code === "too_small") && issue.origin === "string" && issue.exact) return `use exactly ${issue.maximum ?? issue.minimum} characters`;
  if (issue.code === "too_big" && issue.origin === "string") return `use at most ${issue.maximum} characters`;
  if (issue.code === "too_small" && issue.origin === "string") return issue.input === "" ? "fill this in" : `use at least ${issue.minimum} characters`;
  if (issue.code === "invalid_type" && issue.input === undefined) return "fill this in";
  if (issue.code === "invalid_value" && (issue.input === "" || issue.input === undefined)) return "choose one";
  if (issue.code === "invalid_value") return "choose one of the options offered";
  return undefined;
};
