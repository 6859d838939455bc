// Test data inserted straight into the real (migrated) D1, for tests whose subject is not the directory itself.
// Each call makes unique ids/emails, since D1 storage is shared by all tests of one file.
import { env } from "cloudflare:workers";
import { createDb } from "../../src/db/client";
import {
  accountRevenue,
  accounts,
  contacts,
  invitations,
  surveys,
  surveyVersions,
  type Account,
  type Contact,
  type Invitation,
  type Question,
  type Survey,
  type SurveyVersion,
} from "../../src/db/schema";
import { newId, randomUnit } from "../../src/lib/ids";

export const testDb = () => createDb(env.DB);

/** The `n` of a `SELECT count(*) AS n …` statement: what a test reads to prove something was (not) written. */
export const countRows = async (sql: string, ...binds: unknown[]) => (await env.DB.prepare(sql).bind(...binds).first<{ n: number }>())!.n;

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

export async function makeAccount(overrides: Partial<Account> = {}): Promise<Account> {
  const id = overrides.id ?? newId("acc");
  const row = {
    id,
    externalId: `crm-${unique()}`,
    name: `Account ${id.slice(-6)}`,
    annualRevenue: 100_000,
    status: "active" as const,
    customerSince: "2020-01-01T00:00:00.000Z",
    country: "DE",
    segment: "Enterprise",
    ownerEmail: "owner@quorum.test",
    ownerName: "Olivia Owner",
    ...overrides,
  };
  const db = testDb();
  const [[account]] = await db.batch([
    db.insert(accounts).values(row).returning(),
    db.insert(accountRevenue).values({ accountId: id, validFrom: row.customerSince ?? "2020-01-01T00:00:00.000Z", amount: row.annualRevenue }),
  ]);
  return account!;
}

export async function makeContact(accountId: string, overrides: Partial<Contact> = {}): Promise<Contact> {
  const db = testDb();
  return (await db
    .insert(contacts)
    .values({
      id: newId("con"),
      accountId,
      email: `person-${unique()}@customer.test`,
      name: "Pat Person",
      role: "champion",
      locale: "en",
      status: "active",
      prn: randomUnit(),
      ...overrides,
    })
    .returning()
    .get())!;
}

export const NPS_OSAT_QUESTIONS: Question[] = [
  { id: "nps", type: "nps", text: { en: "How likely are you to recommend us to a colleague?" }, required: true },
  { id: "why", type: "text", text: { en: "What is the main reason for your score?" }, showIf: { questionId: "nps", max: 6 } },
  { id: "osat", type: "osat", text: { en: "Overall, how satisfied are you with us?" } },
];

/** An active survey with one published version. */
export async function makeSurvey(
  overrides: Partial<Survey> = {},
): Promise<{ survey: Survey; version: SurveyVersion }> {
  const db = testDb();
  const id = overrides.id ?? newId("sur");
  const versionId = newId("ver");
  const questions = overrides.questions ?? NPS_OSAT_QUESTIONS;
  const texts = overrides.texts ?? {
    en: { title: "Quick feedback", intro: "Your answer goes straight to your account team, who will follow up." },
  };
  const [[survey], [version]] = await db.batch([
    db
      .insert(surveys)
      .values({
        id,
        name: "Relationship survey",
        kind: "relational",
        journeyStage: "relationship",
        targetRoles: [],
        defaultLocale: "en",
        status: "active",
        ...overrides,
        texts,
        questions,
        currentVersionId: versionId,
      })
      .returning(),
    db
      .insert(surveyVersions)
      .values({ id: versionId, surveyId: id, version: 1, questions, texts, defaultLocale: overrides.defaultLocale ?? "en", publishedAt: new Date().toISOString() })
      .returning(),
  ]);
  return { survey: survey!, version: version! };
}

export async function makeInvitation(
  contact: Contact,
  survey: { survey: Survey; version: SurveyVersion },
  overrides: Partial<Invitation> = {},
): Promise<Invitation> {
  const now = new Date().toISOString();
  return (await testDb()
    .insert(invitations)
    .values({
      id: newId("inv"),
      surveyId: survey.survey.id,
      surveyVersionId: survey.version.id,
      contactId: contact.id,
      accountId: contact.accountId,
      kind: survey.survey.kind,
      journeyStage: survey.survey.journeyStage,
      status: "sent",
      causeType: "manual",
      admittedAt: now,
      sentAt: now,
      expiresAt: new Date(Date.now() + 30 * 86400_000).toISOString(),
      ...overrides,
    })
    .returning()
    .get())!;
}
