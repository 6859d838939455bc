import { SectionCards, type Section } from "./components";
import { adminPage, type AdminViewer } from "./shell";

/** Administration: where people, access, settings and the records of what happened live. */

const SECTIONS: Section[] = [
  { href: "/admin/people", label: "People", what: "Invite colleagues, set their role (admin, analyst, account manager), deactivate them." },
  { href: "/admin/tokens", label: "API tokens", what: "Tokens for integrations and scripts: create one (its secret is shown once) or revoke it." },
  { href: "/admin/settings", label: "Organization settings", what: "Name, time zone, fiscal year, default language, case thresholds." },
  { href: "/admin/holidays", label: "Holidays", what: "Days without scheduled sends and not counted as business days." },
  { href: "/admin/webhooks", label: "Webhooks", what: "Endpoints notified of cases and responses, their deliveries, replay." },
  { href: "/admin/audit", label: "Audit log", what: "Every change: who, what, when — filtered by actor, entity, action and date." },
  { href: "/admin/outbox", label: "Outbox", what: "Mail written in local mode, with the links to open as the recipient." },
];

export function administrationPage(props: { nonce: string; viewer: AdminViewer }): string {
  return adminPage({
    title: "Administration",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "administration",
    children: <SectionCards sections={SECTIONS.filter((section) => section.href !== "/admin/outbox" || props.viewer.role === "admin")} />,
  });
}
