import type { TokenScope } from "../../src/db/schema";
import { api, json } from "./api";

/** Creates an API token with the given scopes through the API (as the bootstrap admin) and returns its secret and id. */
export async function tokenWithScopes(scopes: TokenScope[], name = `test ${scopes.join("+")}`): Promise<{ id: string; token: string }> {
  const res = await api("POST", "/tokens", { name, scopes });
  if (res.status !== 201) throw new Error(`could not create a token: ${res.status} ${await res.text()}`);
  const body = await json(res);
  return { id: body.id, token: body.token };
}
