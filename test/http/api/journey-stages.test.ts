import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, json } from "../../support/api";
import { makeSurvey } from "../../support/fixtures";

describe("/api/v1/journey-stages", () => {
  it("lists the six default stages in journey order", async () => {
    const body = await json(await api("GET", "/journey-stages"));
    expect(body.items.map((s: { key: string }) => s.key)).toEqual(["onboarding", "implementation", "adoption", "support", "renewal", "relationship"]);
  });

  it("creates a stage after the last one, updates and deletes it, auditing each change", async () => {
    const created = await api("POST", "/journey-stages", { key: "expansion", label: "Expansion" });
    expect(created.status).toBe(201);
    const stage = await json(created);
    const positions = (await json(await api("GET", "/journey-stages"))).items.map((s: { position: number }) => s.position);
    expect(stage.position).toBe(Math.max(...positions));

    expect(await json(await api("PATCH", "/journey-stages/expansion", { label: "Upsell", position: 0 }))).toMatchObject({ label: "Upsell", position: 0 });
    expect((await json(await api("GET", "/journey-stages"))).items[0].key).toBe("expansion");

    expect((await api("DELETE", "/journey-stages/expansion")).status).toBe(204);
    expect((await api("GET", "/journey-stages/expansion")).status).toBe(404);
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE entity_type = 'journey_stage' AND entity_id = 'expansion' ORDER BY id").all();
    expect(audit.results.map((r) => r.action)).toEqual(["journey_stage.create", "journey_stage.update", "journey_stage.delete"]);
  });

  it("refuses to delete a stage a survey uses (409) and keeps it", async () => {
    await json(await api("POST", "/journey-stages", { key: "offboarding", label: "Offboarding" }));
    await makeSurvey({ journeyStage: "offboarding" });
    const res = await api("DELETE", "/journey-stages/offboarding");
    expect(res.status).toBe(409);
    expect((await json(res)).detail).toContain("1 survey");
    expect((await api("GET", "/journey-stages/offboarding")).status).toBe(200);
  });

  it("refuses duplicates, bad keys and unknown fields, writing nothing", async () => {
    const duplicate = await json(await api("POST", "/journey-stages", { key: "renewal", label: "Again" }));
    expect(duplicate.status).toBe(409);
    expect(duplicate.errors).toEqual([{ path: "key", message: "already exists" }]);
    const badKey = await json(await api("POST", "/journey-stages", { key: "Go Live!", label: "x" }));
    expect(badKey.errors[0].path).toBe("key");
    expect((await api("POST", "/journey-stages", { key: "x1", label: "x", colour: "red" })).status).toBe(400);
    expect((await api("PATCH", "/journey-stages/renewal", { position: "first" })).status).toBe(400);
    expect((await api("PATCH", "/journey-stages/nope", { label: "x" })).status).toBe(404);
    const keys = (await json(await api("GET", "/journey-stages"))).items.map((s: { key: string }) => s.key);
    expect(keys).not.toContain("x1");
  });
});
