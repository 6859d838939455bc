import type { AppEnv } from "../context";

/** Respondent routes also carry the CSP nonce of the page being rendered. */
export type RespondentEnv = { Bindings: AppEnv["Bindings"]; Variables: AppEnv["Variables"] & { nonce: string } };
