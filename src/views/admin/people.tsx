import type { User, UserRole } from "../../db/schema";
import { Badge, CsrfInput, PostButton, ErrorSummary, Pager, SelectField, TableWrap, TextField, withQuery, type FormErrors } from "./components";
import { formatDate } from "./format";
import { adminPage, type AdminViewer } from "./shell";

/** Administration → People: who works in Quorum, with which role; admins invite, change roles, deactivate. */

const ROLE_SHORT: Record<UserRole, string> = { admin: "Admin", analyst: "Analyst", account_manager: "Account manager" };
/** Short labels keep the select narrow at 320 px; what each role may do is the field's hint. */
export const ROLE_OPTIONS: { value: UserRole; label: string }[] = (Object.keys(ROLE_SHORT) as UserRole[]).map((value) => ({ value, label: ROLE_SHORT[value] }));
const ROLE_HINT =
  "Admin: everything, including people, tokens and settings. Analyst: reads everything, verbatims included. Account manager: reads everything and works the cases of their accounts.";

export interface InviteValues {
  email: string;
  name: string;
  role: string;
}

export function peoplePage(props: {
  nonce: string;
  viewer: AdminViewer;
  users: User[];
  nextAfter: string | null;
  after: string | null;
  values: InviteValues;
  errors: FormErrors;
  flash: string | null;
  /** A refused change of a row (the last active admin's role or account), said above the list. */
  problem?: string | null;
}): string {
  const admin = props.viewer.role === "admin";
  return adminPage({
    title: "People",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "administration",
    flash: props.flash,
    lead: "Colleagues who use Quorum. They sign in with a link sent to their email; deactivating someone ends their sessions at once.",
    children: (
      <>
        <p>
          <a href="/admin/administration">Administration</a>
        </p>
        {admin && (
          <form method="post" action="/admin/people" class="card stack" novalidate>
            <h2>Invite a colleague</h2>
            <ErrorSummary errors={props.errors} />
            <CsrfInput token={props.viewer.csrfToken} />
            <TextField name="name" label="Name" value={props.values.name} error={props.errors.name} required autocomplete="off" />
            <TextField name="email" type="email" label="Work email" value={props.values.email} error={props.errors.email} required autocomplete="off" hint="They get a sign-in link by email, valid for 15 minutes; later they ask for a new one on the sign-in page." />
            <SelectField name="role" label="Role" options={ROLE_OPTIONS} value={props.values.role} error={props.errors.role} blank="Choose a role" hint={ROLE_HINT} required />
            <button type="submit">Invite</button>
          </form>
        )}
        {props.problem && (
          <p class="alert" role="alert">
            {props.problem}
          </p>
        )}
        {props.users.length > 0 && (
        <TableWrap label="People">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">State</th>
                <th scope="col">Since</th>
              </tr>
            </thead>
            <tbody>
              {props.users.map((user) => (
                <tr>
                  <th scope="row">{user.name}</th>
                  <td>{user.email}</td>
                  <td>{admin && user.status === "active" ? <RoleForm user={user} csrf={props.viewer.csrfToken} /> : ROLE_SHORT[user.role]}</td>
                  <td>
                    {user.status === "active" ? <Badge tone="good">Active</Badge> : <Badge>Deactivated {formatDate(user.deactivatedAt)}</Badge>}
                    {admin && <StatusForm user={user} csrf={props.viewer.csrfToken} self={user.id === props.viewer.id} />}
                  </td>
                  <td>{formatDate(user.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        )}
        {props.users.length === 0 && <p>Nobody yet. Invite the first colleague above.</p>}
        <Pager first={props.after ? "/admin/people" : null} next={props.nextAfter ? withQuery("/admin/people", { after: props.nextAfter }) : null} />
      </>
    ),
  });
}

function RoleForm(props: { user: User; csrf: string | null }) {
  const id = `role-${props.user.id}`;
  return (
    <form method="post" action={`/admin/people/${encodeURIComponent(props.user.id)}/role`} class="inline">
      <CsrfInput token={props.csrf} />
      {/* aria-label, not a visually-hidden label: an absolutely positioned label escapes the table's scroll box at 320 px. */}
      <select id={id} name="role" aria-label={`Role of ${props.user.name}`}>
        {ROLE_OPTIONS.map((option) => (
          <option value={option.value} selected={option.value === props.user.role}>
            {ROLE_SHORT[option.value]}
          </option>
        ))}
      </select>{" "}
      <button type="submit" aria-label={`Change the role of ${props.user.name}`}>
        Change
      </button>
    </form>
  );
}

function StatusForm(props: { user: User; csrf: string | null; self: boolean }) {
  const active = props.user.status === "active";
  if (active && props.self) return null;
  const action = active ? "deactivate" : "reactivate";
  return (
    <>
      {" "}
      <PostButton
        action={`/admin/people/${encodeURIComponent(props.user.id)}/${action}`}
        csrf={props.csrf}
        class={active ? "danger" : undefined}
        label={`${active ? "Deactivate" : "Reactivate"} ${props.user.name}`}
        confirm={active ? `Deactivate ${props.user.name}? Their sessions end at once.` : undefined}
      >
        {active ? "Deactivate" : "Reactivate"}
      </PostButton>
    </>
  );
}
