import type { Survey } from "../../db/schema";
import { Badge, TableWrap, type Option } from "./components";
import { STATUS_BADGE } from "./survey-editor";
import { adminPage, type AdminViewer } from "./shell";

export type SurveyListRow = Pick<Survey, "id" | "name" | "kind" | "journeyStage" | "targetRoles" | "status"> & { version: number | null };

/** Surveys → the list, one table per journey stage in the stages' order (surveys of a removed stage last). */
export function surveysPage(props: { nonce: string; viewer: AdminViewer; flash?: string | null; surveys: SurveyListRow[]; stages: Option[]; roles: Option[]; truncated: boolean }): string {
  const roleLabel = new Map(props.roles.map((r) => [r.value, r.label]));
  const known = new Set(props.stages.map((s) => s.value));
  const groups = [
    ...props.stages.map((stage) => ({ key: stage.value, label: stage.label, surveys: props.surveys.filter((s) => s.journeyStage === stage.value) })),
    { key: "", label: "Other stages", surveys: props.surveys.filter((s) => !known.has(s.journeyStage)) },
  ].filter((g) => g.surveys.length > 0);
  return adminPage({
    title: "Surveys",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "surveys",
    flash: props.flash,
    lead: "The questions each journey stage asks, who is asked, and the version respondents get.",
    children: (
      <>
        {props.viewer.role === "admin" && (
          <p>
            <a class="button" href="/admin/surveys/new">
              New survey
            </a>
          </p>
        )}
        {groups.length === 0 && <p>No surveys yet. Start with a new survey for a journey stage.</p>}
        {groups.map((group) => (
          <section aria-labelledby={`stage-${group.key || "other"}`}>
            <h2 id={`stage-${group.key || "other"}`}>{group.label}</h2>
            <TableWrap label={`Surveys for ${group.label}`}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Status</th>
                    <th scope="col">Version</th>
                    <th scope="col">Target roles</th>
                  </tr>
                </thead>
                <tbody>
                  {group.surveys.map((s) => (
                    <tr>
                      <td>
                        <a href={`/admin/surveys/${s.id}`}>{s.name}</a>
                      </td>
                      <td>{s.kind === "relational" ? "Relational" : "Transactional"}</td>
                      <td>
                        <Badge tone={STATUS_BADGE[s.status].tone}>{STATUS_BADGE[s.status].label}</Badge>
                      </td>
                      <td>{s.version ? `Version ${s.version}` : "Not published"}</td>
                      <td>{s.targetRoles.length ? s.targetRoles.map((r) => roleLabel.get(r) ?? r).join(", ") : "All roles"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </section>
        ))}
        {props.truncated && <p class="muted">Only the first {props.surveys.length} surveys are listed.</p>}
      </>
    ),
  });
}
