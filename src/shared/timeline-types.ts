/** One line of the connection timeline (options page, support export). */
export interface TimelineEntry {
  /** ms since epoch */
  at: number;
  /** A registration state, a login state, or an engine fact such as "transport-lost". */
  event: string;
  detail: string;
}
