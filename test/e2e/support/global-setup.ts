// One `wrangler dev` (with its own fresh D1) shared by every browser journey: starting it is the slow part.
import type { TestProject } from "vitest/node";
import { startQuorum, type LocalQuorum } from "./server";
import { browserAvailable } from "./browser";

let quorum: LocalQuorum | undefined;

export async function setup(project: TestProject) {
  if (!browserAvailable) return;
  quorum = await startQuorum();
  project.provide("quorum", { base: quorum.base, token: quorum.token });
}

export async function teardown() {
  await quorum?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    quorum: { base: string; token: string };
  }
}
