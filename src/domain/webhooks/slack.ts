// Optional Slack-compatible body (an incoming-webhook `text`), per endpoint; still signed like every delivery.

interface Event {
  type: string;
  data: Record<string, unknown>;
}

export function slackMessage(event: Event): { text: string } {
  const d = event.data;
  switch (event.type) {
    case "case.opened":
      return { text: `:rotating_light: New case (${d.type}, priority ${d.priority}, team ${d.team ?? "none"}) for account ${d.accountId}: ${d.verbatim ?? "no comment"}` };
    case "case.closed":
      return { text: `:white_check_mark: Case ${d.caseId} closed: ${d.resolution ?? ""}` };
    case "response.completed":
    case "response.updated":
      return { text: `:speech_balloon: Response ${d.responseId} ${event.type === "response.updated" ? "edited" : "received"} from account ${d.accountId}` };
    case "account.category_changed":
      return { text: `:chart_with_downwards_trend: Account ${d.accountId} moved from ${d.from ?? "none"} to ${d.to} in ${d.period}` };
    default:
      return { text: `Quorum event ${event.type}` };
  }
}
