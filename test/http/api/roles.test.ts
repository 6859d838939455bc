import { describe, expect, it } from "vitest";
import { api, json } from "../../support/api";
import { makeSurvey } from "../../support/fixtures";

describe("/api/v1/roles", () => {
  it("lists the seven default roles with their flags", async () => {
    const res = await api("GET", "/roles");
    expect(res.status).toBe(200);
    const body = await json(res);
    const keys = body.items.map((r: { key: string }) => r.key);
    expect(keys).toEqual(
      ["champion", "decision_maker", "end_user", "executive_sponsor", "finance", "project_manager", "technical_evaluator"],
    );
    const dm = body.items.find((r: { key: string }) => r.key === "decision_maker");
    expect(dm).toMatchObject({ weight: 100, committee: true, decisionMaker: true });
  });

  it("creates, updates and deletes a role, writing each change to the audit log", async () => {
    const created = await api("POST", "/roles", { key: "procurement", label: "Procurement", weight: 150, committee: true });
    expect(created.status).toBe(201);
    expect(await json(created)).toMatchObject({ key: "procurement", weight: 150, committee: true, decisionMaker: false });

    const patched = await api("PATCH", "/roles/procurement", { label: "Purchasing" });
    expect(await json(patched)).toMatchObject({ key: "procurement", label: "Purchasing", weight: 150 });

    expect((await api("DELETE", "/roles/procurement")).status).toBe(204);
    expect((await api("GET", "/roles/procurement")).status).toBe(404);

    const { env } = await import("cloudflare:workers");
    const audit = await env.DB.prepare("SELECT action, actor FROM audit_log WHERE entity_id = 'procurement' ORDER BY id").all();
    expect(audit.results).toEqual([
      { action: "role.create", actor: "bootstrap" },
      { action: "role.update", actor: "bootstrap" },
      { action: "role.delete", actor: "bootstrap" },
    ]);
  });

  it("refuses unknown fields, bad keys and duplicates with problem+json and writes nothing", async () => {
    const unknownField = await api("POST", "/roles", { key: "ops", label: "Ops", colour: "red" });
    expect(unknownField.status).toBe(400);
    expect(unknownField.headers.get("content-type")).toContain("application/problem+json");

    const badKey = await json(await api("POST", "/roles", { key: "Bad Key", label: "x" }));
    expect(badKey.status).toBe(400);
    expect(badKey.errors).toEqual([expect.objectContaining({ path: "key" })]);

    const duplicate = await api("POST", "/roles", { key: "champion", label: "Champion again" });
    expect(duplicate.status).toBe(409);

    const notJson = await api("POST", "/roles", "{not json", { headers: { "content-type": "application/json" } });
    expect(notJson.status).toBe(400);

    const roles = await json(await api("GET", "/roles"));
    expect(roles.items).toHaveLength(7);
  });

  it("refuses to delete a role that a survey still targets", async () => {
    await api("POST", "/roles", { key: "auditor", label: "Auditor" });
    await makeSurvey({ targetRoles: ["auditor"] });
    const res = await api("DELETE", "/roles/auditor");
    expect(res.status).toBe(409);
    expect((await json(res)).detail).toContain("target role");
    expect((await api("GET", "/roles/auditor")).status).toBe(200);
  });

  it("needs a token, and the admin scope to write", async () => {
    expect((await api("GET", "/roles", undefined, { token: null })).status).toBe(401);
    expect((await api("GET", "/roles", undefined, { token: "nope" })).status).toBe(401);
  });
});
