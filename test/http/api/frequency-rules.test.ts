import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, json } from "../../support/api";

describe("/api/v1/frequency-rules", () => {
  it("ships the four default rules of SPEC §4", async () => {
    const body = await json(await api("GET", "/frequency-rules"));
    expect(body.items.map((r: any) => [r.id, r.scope, r.match, r.per, r.counts, r.windowDays, r.max, r.action])).toEqual([
      ["account-weekly", "account", {}, null, "sent", 7, 5, "defer"],
      ["contact-cooldown", "contact", {}, null, "sent", 14, 1, "defer"],
      ["relational-twice-a-year", "contact", { kind: "relational" }, null, "sent", 150, 1, "skip"],
      ["transactional-monthly", "contact", { kind: "transactional" }, "survey", "sent", 30, 1, "skip"],
    ]);
  });

  it("creates, edits and deletes a rule, auditing each change", async () => {
    const created = await api("POST", "/frequency-rules", {
      id: "champions-quarterly",
      scope: "contact",
      match: { role: "champion" },
      counts: "responded",
      windowDays: 90,
      max: 1,
      action: "skip",
    });
    expect(created.status).toBe(201);
    expect(await json(created)).toMatchObject({ id: "champions-quarterly", match: { role: "champion" }, per: null, enabled: true });

    const patched = await json(await api("PATCH", "/frequency-rules/champions-quarterly", { windowDays: 120, enabled: false }));
    expect(patched).toMatchObject({ windowDays: 120, enabled: false, counts: "responded" });
    expect((await api("DELETE", "/frequency-rules/champions-quarterly")).status).toBe(204);
    expect((await api("GET", "/frequency-rules/champions-quarterly")).status).toBe(404);

    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE entity_id = 'champions-quarterly' ORDER BY id").all();
    expect(audit.results.map((r) => r.action)).toEqual(["frequency_rule.create", "frequency_rule.update", "frequency_rule.delete"]);
  });

  it("refuses bad rules with field paths and writes nothing", async () => {
    const before = await env.DB.prepare("SELECT count(*) AS n FROM frequency_rules").first("n");
    const zeroMax = await json(await api("POST", "/frequency-rules", { id: "x", scope: "contact", counts: "sent", windowDays: 7, max: 0, action: "skip" }));
    expect(zeroMax.status).toBe(400);
    expect(zeroMax.errors).toEqual([expect.objectContaining({ path: "max" })]);
    const unknownRole = await json(
      await api("POST", "/frequency-rules", { id: "y", scope: "contact", match: { role: "astronaut" }, counts: "sent", windowDays: 7, max: 1, action: "skip" }),
    );
    expect(unknownRole.status).toBe(422);
    expect(unknownRole.errors).toEqual([{ path: "match.role", message: "no role 'astronaut'" }]);
    const unknownField = await api("PATCH", "/frequency-rules/contact-cooldown", { windowDays: 10, colour: "red" });
    expect(unknownField.status).toBe(400);
    const duplicate = await api("POST", "/frequency-rules", { id: "contact-cooldown", scope: "contact", counts: "sent", windowDays: 7, max: 1, action: "skip" });
    expect(duplicate.status).toBe(409);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM frequency_rules").first("n")).toBe(before);
    expect(await env.DB.prepare("SELECT window_days FROM frequency_rules WHERE id = 'contact-cooldown'").first("window_days")).toBe(14);
  });
});
