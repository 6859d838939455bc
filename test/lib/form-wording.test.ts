import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formWording } from "../../src/lib/form-wording";

/** What a form says for each problem: the rules are the API's, the words are a person's (never zod's defaults). */
const said = (schema: z.ZodType, input: unknown) => schema.safeParse(input, { error: formWording }).error?.issues[0]?.message;

describe("formWording", () => {
  it("says number problems as a person would", () => {
    expect(said(z.number().int().max(10), 11)).toBe("enter at most 10");
    expect(said(z.number().int().min(1), 0)).toBe("enter at least 1");
    expect(said(z.number().gt(0), 0)).toBe("enter more than 0");
    expect(said(z.number().lt(5), 5)).toBe("enter less than 5");
    expect(said(z.number().int(), 2.5)).toBe("enter a whole number");
  });

  it("says text lengths, exact ones included", () => {
    expect(said(z.string().max(3), "abcd")).toBe("use at most 3 characters");
    expect(said(z.string().length(2), "DEU")).toBe("use exactly 2 characters");
    expect(said(z.string().length(2), "D")).toBe("use exactly 2 characters");
    expect(said(z.string().min(1), "")).toBe("fill this in");
    expect(said(z.string().min(2), "")).toBe("fill this in");
    expect(said(z.string().min(2), "e")).toBe("use at least 2 characters");
  });

  it("keeps a schema's own message", () => {
    expect(said(z.number().max(1, "must be at most 1"), 2)).toBe("must be at most 1");
  });
});
