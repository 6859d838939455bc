import { describe, expect, it } from "vitest";
import { api, json, workerFetch } from "./support/api";

describe("the Worker's HTTP surface", () => {
  it("answers an unknown path with a problem+json 404 that names it", async () => {
    const res = await workerFetch("/nowhere");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await json(res)).toMatchObject({ status: 404, title: "Not found", detail: "Nothing is served at GET /nowhere." });
  });

  it("serves the OpenAPI 3.1 document generated from the zod schemas, without a token", async () => {
    const res = await workerFetch("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    const doc = await json(res);
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.paths["/roles"].post.requestBody.content["application/json"].schema).toBeDefined();
    expect(doc.components.schemas.Problem).toBeDefined();
  });

  it("refuses a body over the API limit with 413 and writes nothing", async () => {
    const huge = JSON.stringify({ key: "huge", label: "x".repeat(6 * 1024 * 1024) });
    const res = await api("POST", "/roles", huge, { headers: { "content-type": "application/json" } });
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect((await api("GET", "/roles/huge")).status).toBe(404);
  });
});
