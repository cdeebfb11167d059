/** Every workflow the worker registers. Workflow code: deterministic, activities as types only. */
export * from './monitor';
export * from './healing';
export * from './warnings';
export * from './notifications';
export * from './attempt-ledger';
export * from './maintenance';
