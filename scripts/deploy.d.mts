// Types of scripts/deploy.mjs for its test (the script itself runs under node as plain JavaScript).
export interface WranglerResult {
  code: number;
  stdout: string;
  stderr: string;
}
export interface DeployIo {
  wrangler(args: string[], options?: { env?: Record<string, string> }): WranglerResult | Promise<WranglerResult>;
  readConfig(): string;
  writeConfig(text: string): void;
  ask(question: string, fallback?: string): Promise<string | undefined>;
  randomSecret(): string;
  writeSecretsFile(secrets: Record<string, string>): string;
  log(line: string): void;
}
export interface SecretSpec {
  name: string;
  how: "generate" | "ask";
  hint: string;
}
export const REQUIRED_SECRETS: SecretSpec[];
export const HTTP_MAIL_SECRETS: SecretSpec[];
export function readTargets(configText: string): { databaseName: string; databaseId: string; queues: string[]; mailProvider: string };
export function withDatabaseId(configText: string, databaseName: string, databaseId: string): string;
export function deploy(
  io: DeployIo,
  options?: { dryRun?: boolean; publicUrl?: string },
): Promise<{ done: string[]; url: string | null; generatedAdminToken: string | null }>;
