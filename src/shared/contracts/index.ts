/**
 * The activity contracts that workflow code calls through `proxyActivities<Activities>(...)`:
 * each activity's signature, with its arguments and results, one file per group.
 *
 * They live on the lowest layer so that workflows need nothing from src/activities, not even a
 * type (lint refuses it: test/layout.test.ts); src/activities implements them, each group by a
 * factory over injected dependencies, and `createActivities` returns exactly `Activities`.
 * Arguments and results are plain data and never carry a secret: tokens and passwords stay
 * inside the worker's injected clients.
 */
import type { AlertActivities, AlertDeliveryActivities, ChannelActivities, DigestActivities } from './alerts';
import type { LedgerActivities } from './ledger';
import type { ProbeActivities } from './probe';
import type { RemediationActivities } from './remediation';
import type { RemediationSwitchActivities } from './remediation-switch';
import type { RollupActivities } from './rollup';

export * from './alerts';
export type * from './ledger';
export type * from './probe';
export * from './remediation';
export type * from './remediation-switch';
export type * from './rollup';

/** Every activity the worker registers, as workflow code proxies them. */
export type Activities = ProbeActivities &
  AlertActivities &
  AlertDeliveryActivities &
  ChannelActivities &
  DigestActivities &
  RemediationActivities &
  LedgerActivities &
  RemediationSwitchActivities &
  RollupActivities;
