/**
 * What the dashboard shows and what it can do, as plain data and two small interfaces.
 *
 * The HTTP layer depends only on `StatusSource`: the Temporal-backed source reads the monitor
 * runs, the incidents and the notification feed; tests may inject a fake one to exercise the
 * HTTP layer alone.
 */
import type { MonitorStatus } from '../client/monitor-status';
import type { AttemptRun } from '../shared/contracts';
import type { IncidentStatus } from '../shared/names';
import type { FeedFilter, FeedNotification } from '../shared/alert-feed';
import type { TimelineEntry } from '../workflows/healing/messages';

/** HEALTHY / WARNING / CRITICAL from the latest monitor run; UNKNOWN when there is none to trust. */
export type DisplaySeverity = MonitorStatus['severity'];

/** The open (or last) incident of a target, as the dashboard shows it. */
export interface IncidentSummary {
  incidentId: string;
  workflowId: string;
  status: IncidentStatus;
  /** True while the healingWorkflow runs (HEALING or ESCALATED). */
  open: boolean;
  openedAt: string;
  closedAt?: string;
  issue?: string;
  /** What the workflow is doing now, in words. */
  activity?: string;
  attempts: number;
  /** The ladder rung of each attempt, oldest first (absent before the first attempt). */
  rungs?: string[];
  /** The rung the diagnosis chose to start with, and why (absent in incidents from before the ladder). */
  diagnosis?: { rung?: string; why: string };
  /** The GitHub Actions run of the latest attempt that has one (REMEDIATION=github). */
  restartRun?: AttemptRun & { attempt: number };
  /** The last few steps of the timeline, oldest first. */
  lastSteps: TimelineEntry[];
  acknowledged?: { by: string; at: string };
  /** Why the view is partial (the status query could not be answered), when it is. */
  note?: string;
  /** Link to the incident in the Temporal Web UI. */
  webUiUrl: string;
}

/**
 * One target as the dashboard shows it: the monitor's latest verdict (the client's MonitorStatus,
 * the same shape `autoheal status` reads) with the target's incident and links.
 */
export interface TargetStatus extends MonitorStatus {
  id: string;
  /** The running incident, if any; else the last closed one, if any. */
  incident?: IncidentSummary;
  links: { incident: string; monitorRuns: string };
}

export interface NotificationsView {
  /** False when the feed could not be read (error says why). */
  available: boolean;
  error?: string;
  /** Newest first. */
  items: FeedNotification[];
  unread: number;
}

/** Everything one page load shows; `GET /api/status` returns it as JSON. */
export interface DashboardStatus {
  /** ISO time this answer was produced. */
  generatedAt: string;
  /** ISO time the data was read from Temporal (older than generatedAt when stale). */
  readAt?: string;
  /** True when the data shown is not from this request's read (Temporal unreachable). */
  stale: boolean;
  temporal: { reachable: boolean; error?: string; namespace: string; webUiUrl: string };
  targets: TargetStatus[];
  notifications: NotificationsView;
}

/** The data-and-commands side of the dashboard. */
export interface StatusSource {
  /** One read of every target. Throws only when Temporal cannot be reached at all. */
  readTargets(): Promise<TargetStatus[]>;
  listNotifications(filter: FeedFilter): Promise<FeedNotification[]>;
  /** Sends the ids to be marked read; `requested`: how many were sent. */
  markNotificationsRead(ids: string[]): Promise<{ requested: number }>;
  /** `rung`: the ladder rung to take (absent: the one the incident would take next). */
  forceRecovery(targetId: string, request: { reason: string; by: string; rung?: 'reinit' | 'full-restart' }): Promise<CommandResult>;
  acknowledge(targetId: string, request: { by: string }): Promise<CommandResult>;
  resolve(targetId: string, request: { by: string; note: string }): Promise<CommandResult>;
}

/** The answer to an operator command. `started`: force-recovery opened a new incident. */
export interface CommandResult {
  incidentId?: string;
  workflowId: string;
  status: IncidentStatus;
  started?: boolean;
}
