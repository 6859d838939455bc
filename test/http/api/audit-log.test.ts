import { describe, expect, it } from "vitest";
import { api, json } from "../../support/api";
import { tokenWithScopes } from "../../support/tokens";

describe("/api/v1/audit-log", () => {
  it("shows who changed what and when, newest first, filtered by entity", async () => {
    const { id: tokenId, token } = await tokenWithScopes(["admin"]);
    await api("POST", "/journey-stages", { key: "audited", label: "Audited" }, { token });
    await api("PATCH", "/journey-stages/audited", { label: "Audited twice" });

    const body = await json(await api("GET", "/audit-log?entityType=journey_stage&entityId=audited"));
    expect(body.items.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
      ["journey_stage.update", "bootstrap"],
      ["journey_stage.create", tokenId],
    ]);
    expect(body.items[0].detail).toEqual({ label: "Audited twice" });
    expect(Date.parse(body.items[0].at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("pages with a cursor without gaps or repeats", async () => {
    for (let i = 0; i < 5; i++) await api("POST", "/holidays", { date: `2030-01-0${i + 1}`, label: `H${i}` });
    const first = await json(await api("GET", "/audit-log?entityType=holiday&limit=3"));
    expect(first.items).toHaveLength(3);
    const second = await json(await api("GET", `/audit-log?entityType=holiday&limit=3&cursor=${first.nextCursor}`));
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    const ids = [...first.items, ...second.items].map((e: { entityId: string }) => e.entityId);
    expect(ids).toEqual(["2030-01-05", "2030-01-04", "2030-01-03", "2030-01-02", "2030-01-01"]);
  });

  it("refuses a forged cursor and needs a token", async () => {
    expect((await api("GET", "/audit-log?cursor=!!!")).status).toBe(400);
    expect((await api("GET", `/audit-log?cursor=${btoa("abc")}`)).status).toBe(400);
    expect((await api("GET", "/audit-log", undefined, { token: null })).status).toBe(401);
  });
});
