import type { Account } from "../../db/schema";
import type { ContactHit } from "../../domain/directory/search";
import { Badge, Pager, TableWrap, TextField, withQuery } from "./components";
import { formatMoney } from "./format";
import { adminPage, type AdminViewer } from "./shell";

/** Directory: accounts and contacts with search, and the way to the CRM import. */

export function AccountsTable(props: { accounts: Account[]; caption?: string }) {
  return (
    <TableWrap label={props.caption ?? "Accounts"}>
      <table>
        {props.caption && <caption>{props.caption}</caption>}
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">CRM id</th>
            <th scope="col" class="num">
              Annual revenue
            </th>
            <th scope="col">Status</th>
            <th scope="col">Country</th>
            <th scope="col">Segment</th>
            <th scope="col">Owner</th>
          </tr>
        </thead>
        <tbody>
          {props.accounts.map((account) => (
            <tr>
              <th scope="row">
                <a href={`/admin/accounts/${encodeURIComponent(account.id)}`}>{account.name}</a>
              </th>
              <td>{account.externalId}</td>
              <td class="num">{formatMoney(account.annualRevenue)}</td>
              <td>{account.status === "active" ? <Badge tone="good">Active</Badge> : <Badge>Churned</Badge>}</td>
              <td>{account.country ?? "—"}</td>
              <td>{account.segment ?? "—"}</td>
              <td>{account.ownerName ?? account.ownerEmail ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

const CONTACT_STATUS = { active: "Active", unsubscribed: "Unsubscribed", bounced: "Bounced", erased: "Erased" } as const;

export function ContactsTable(props: { contacts: ContactHit[]; caption?: string }) {
  return (
    <TableWrap label={props.caption ?? "Contacts"}>
      <table>
        {props.caption && <caption>{props.caption}</caption>}
        <thead>
          <tr>
            <th scope="col">Contact</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Account</th>
            <th scope="col">Language</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {props.contacts.map((contact) => (
            <tr>
              <th scope="row">{contact.name ?? "(no name)"}</th>
              <td>{contact.email ?? "(erased)"}</td>
              <td>{contact.roleLabel ?? contact.role}</td>
              <td>
                <a href={`/admin/accounts/${encodeURIComponent(contact.accountId)}`}>{contact.accountName}</a>
              </td>
              <td>{contact.locale}</td>
              <td>{contact.status === "active" ? <Badge tone="good">Active</Badge> : <Badge tone="warn">{CONTACT_STATUS[contact.status]}</Badge>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function SearchForm(props: { action: string; q: string }) {
  // With JavaScript, the results (#results) follow the search box as it is typed in; without it, the button.
  return (
    <form
      method="get"
      action={props.action}
      class="card filters"
      role="search"
      hx-get={props.action}
      hx-trigger="input changed delay:300ms from:#f-q"
      hx-target="#results"
      hx-select="#results"
      hx-swap="outerHTML"
      hx-sync="this:replace"
    >
      <TextField name="q" type="search" label="Search" value={props.q} hint="Part of a name, an email address or a CRM id." />
      <div class="actions">
        <button type="submit">Search</button>
      </div>
    </form>
  );
}

export function directoryPage(props: { nonce: string; viewer: AdminViewer; q: string; accounts: Account[]; moreAccounts: boolean; contacts: ContactHit[]; moreContacts: boolean }): string {
  return adminPage({
    title: "Directory",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "directory",
    enhance: true,
    lead: "The accounts and the people we ask, as imported from the CRM.",
    children: (
      <>
        <p>
          <a href="/admin/directory/import">Import a CRM export</a> · <a href="/admin/directory/accounts">All accounts</a> · <a href="/admin/directory/contacts">All contacts</a>
        </p>
        <SearchForm action="/admin/directory" q={props.q} />
        <div id="results" aria-live="polite">
          <h2>Accounts</h2>
          {props.accounts.length ? <AccountsTable accounts={props.accounts} /> : <p>No account matches.</p>}
          {props.moreAccounts && (
            <p>
              <a href={withQuery("/admin/directory/accounts", { q: props.q })}>More accounts</a>
            </p>
          )}
          <h2>Contacts</h2>
          {props.contacts.length ? <ContactsTable contacts={props.contacts} /> : <p>No contact matches.</p>}
          {props.moreContacts && (
            <p>
              <a href={withQuery("/admin/directory/contacts", { q: props.q })}>More contacts</a>
            </p>
          )}
        </div>
      </>
    ),
  });
}

export function directoryListPage(
  props: { nonce: string; viewer: AdminViewer; q: string; after: string | null; nextAfter: string | null } & ({ kind: "accounts"; accounts: Account[] } | { kind: "contacts"; contacts: ContactHit[] }),
): string {
  const path = `/admin/directory/${props.kind}`;
  const empty = props.kind === "accounts" ? props.accounts.length === 0 : props.contacts.length === 0;
  return adminPage({
    title: props.kind === "accounts" ? "Accounts" : "Contacts",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "directory",
    enhance: true,
    children: (
      <>
        <p>
          <a href="/admin/directory">Directory</a> · <a href="/admin/directory/import">Import a CRM export</a>
        </p>
        <SearchForm action={path} q={props.q} />
        <div id="results" aria-live="polite">
          {empty ? <p>Nothing matches.</p> : props.kind === "accounts" ? <AccountsTable accounts={props.accounts} /> : <ContactsTable contacts={props.contacts} />}
          <Pager first={props.after ? withQuery(path, { q: props.q }) : null} next={props.nextAfter ? withQuery(path, { q: props.q, after: props.nextAfter }) : null} />
        </div>
      </>
    ),
  });
}
