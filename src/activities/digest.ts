/**
 * The digest's activity: `composeDigest` reads the period's figures through the injected reader
 * (the worker wires src/client/digest.ts with its Temporal client and GitHub client) and returns
 * the digest email's event, which the digest workflow hands to the alert delivery. The event
 * holds figures, ids, check names and run links: never a secret.
 */
import type { DigestActivities, DigestAlert } from '../shared/contracts';
import { type Digest, DIGEST_NOTICE_TARGET } from '../shared/digest';
import type { DigestPeriod } from '../shared/digest-schedule';

export interface DigestActivityDeps {
  /** The digest of `period` ending at `now`. */
  readDigest: (period: DigestPeriod, now: Date) => Promise<Digest>;
}

export function createDigestActivities(deps: DigestActivityDeps): DigestActivities {
  return {
    async composeDigest({ period, at }): Promise<DigestAlert> {
      const digest = await deps.readDigest(period, new Date(at));
      return { kind: 'digest', targetId: DIGEST_NOTICE_TARGET, at, digest };
    },
  };
}
