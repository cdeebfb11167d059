/** The latest monitor verdict of a target: read through the client's one function (src/client/monitor-status.ts). */
export { type MonitorStatus, readMonitorStatus, staleAfterMs } from '../client/monitor-status';
