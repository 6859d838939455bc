// Complete (or partial) responses with answers, inserted straight into D1 with their point-in-time snapshot.
import { answers, responses, type Contact, type Invitation, type Response, type Survey, type SurveyVersion } from "../../src/db/schema";
import { newId } from "../../src/lib/ids";
import { makeInvitation, testDb } from "./fixtures";

export type AnswerSpec =
  | { type: "nps" | "osat" | "ces" | "rating"; value: number; questionId?: string }
  | { type: "vendor_rank"; vendorCount: number; rank: number; questionId?: string }
  | { type: "text"; text: string; questionId?: string };

export interface ResponseSpec {
  submittedAt: string;
  answers: AnswerSpec[];
  status?: Response["status"];
  /** Snapshot overrides (role, journeyStage, country, segment, accountId): default from the contact and survey. */
  snapshot?: Partial<Pick<Response, "role" | "journeyStage" | "country" | "segment" | "accountId" | "revenue">>;
  invitation?: Partial<Invitation>;
}

/** An invitation admitted just before the submit, its response and answers. */
export async function makeResponse(
  contact: Contact,
  survey: { survey: Survey; version: SurveyVersion },
  spec: ResponseSpec,
): Promise<{ invitation: Invitation; response: Response }> {
  const admittedAt = new Date(Date.parse(spec.submittedAt) - 3600_000).toISOString();
  const status = spec.status ?? "complete";
  const invitation = await makeInvitation(contact, survey, {
    status: status === "complete" ? "completed" : "started",
    admittedAt,
    sentAt: admittedAt,
    completedAt: status === "complete" ? spec.submittedAt : null,
    ...spec.invitation,
  });
  const db = testDb();
  const response = (await db
    .insert(responses)
    .values({
      id: newId("rsp", new Date(spec.submittedAt)),
      invitationId: invitation.id,
      surveyId: survey.survey.id,
      surveyVersionId: survey.version.id,
      contactId: contact.id,
      status,
      accountId: contact.accountId,
      role: contact.role,
      journeyStage: survey.survey.journeyStage,
      country: "DE",
      segment: "Enterprise",
      submittedAt: status === "complete" ? spec.submittedAt : null,
      ...spec.snapshot,
    })
    .returning()
    .get())!;
  if (spec.answers.length > 0) {
    await db.insert(answers).values(
      spec.answers.map((a, i) => ({
        responseId: response.id,
        questionId: a.questionId ?? `${a.type}${i}`,
        type: a.type,
        numValue: "value" in a ? a.value : null,
        textValue: "text" in a ? a.text : null,
        vendorCount: a.type === "vendor_rank" ? a.vendorCount : null,
        vendorRank: a.type === "vendor_rank" ? a.rank : null,
      })),
    );
  }
  return { invitation, response };
}
