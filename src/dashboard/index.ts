export { createDashboardServer, type DashboardDeps, type DashboardServer } from './create-dashboard-server';
export { createTemporalStatusSource } from './temporal-status-source';
export { FeedUnavailableError, unavailableFeed } from './notification-feed';
export type { CommandResult, DashboardStatus, IncidentSummary, StatusSource, TargetStatus } from './types';
