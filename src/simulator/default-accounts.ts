/** The accounts a simulated bridge serves unless told otherwise: the seven FIDUS MT5 logins. */

export interface SimAccount {
  /** MT5 login. */
  login: string;
  name: string;
  /** FIDUS fund type, as the bridge's `fund_type`. */
  fundType: string;
  /** Balance when healthy, USD. */
  balance: number;
  /** Variant B's `provider`. */
  provider?: string;
}

export const DEFAULT_SIM_ACCOUNTS: readonly SimAccount[] = Object.freeze([
  { login: '886557', name: 'BALANCE Fund - Main', fundType: 'BALANCE', balance: 80_000.0 },
  { login: '886066', name: 'BALANCE Fund - Secondary', fundType: 'BALANCE', balance: 10_000.0 },
  { login: '886602', name: 'BALANCE Fund - Tertiary', fundType: 'BALANCE', balance: 10_000.0 },
  { login: '885822', name: 'CORE Fund', fundType: 'CORE', balance: 18_151.41 },
  { login: '886528', name: 'Interest Separation', fundType: 'SEPARATION', balance: 3_927.41 },
  { login: '891215', name: 'Interest Earnings Trading', fundType: 'SEPARATION', balance: 27_362.79 },
  { login: '891234', name: 'CORE Fund - Secondary', fundType: 'CORE', balance: 8_000.0 },
]);
