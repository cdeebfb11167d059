/**
 * The production Temporal cluster's settings, in one place: the cluster test
 * (`npm run test:cluster`, which builds and runs the real server on PostgreSQL here) and the
 * deployment files (docker-compose.yml, render.yaml, .env.example) are checked against these
 * values by tests, so the stack that is tested and the stack that is shipped cannot drift apart.
 */
import { SEARCH_ATTRIBUTE_KEYS } from '../shared/names';

/** The Temporal server release: `go install go.temporal.io/server/cmd/server@v<this>`, and the image tags. */
export const TEMPORAL_SERVER_VERSION = '1.32.2';

/** PostgreSQL major version: Debian's packages in the cluster test, the `postgres` image in compose. */
export const POSTGRES_MAJOR = 15;

/** Pinned images of docker-compose.yml (the server and admin tools follow TEMPORAL_SERVER_VERSION). */
export const IMAGES = {
  postgres: `postgres:${POSTGRES_MAJOR}.18-bookworm`,
  temporal: `temporalio/server:${TEMPORAL_SERVER_VERSION}`,
  adminTools: `temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`,
  ui: 'temporalio/ui:2.54.1',
} as const;

/** The persistence plugin and the schema directories of the server module (schema/postgresql/v12/...). */
export const SQL_PLUGIN = 'postgres12';
export const DATABASES = {
  default: { name: 'temporal', schemaDir: 'postgresql/v12/temporal/versioned' },
  visibility: { name: 'temporal_visibility', schemaDir: 'postgresql/v12/visibility/versioned' },
} as const;

/** The namespace the worker uses by default, and how long closed workflows (incidents) are kept. */
export const NAMESPACE = 'default';
export const NAMESPACE_RETENTION_DAYS = 30;
/** The same retention as `temporal operator namespace create --retention` spells it. */
export const NAMESPACE_RETENTION = `${NAMESPACE_RETENTION_DAYS * 24}h`;

/** The custom search attributes to register on the cluster (all Keyword). */
export const CLUSTER_SEARCH_ATTRIBUTES: ReadonlyArray<{ name: string; type: 'Keyword' }> = SEARCH_ATTRIBUTE_KEYS.map((key) => ({
  name: key.name,
  type: 'Keyword' as const,
}));

/** History shards: fixed for a cluster's lifetime (changing it needs a new database). */
export const NUM_HISTORY_SHARDS = 4;

/** Variables of .env that docker compose reads and the worker does not (the database password). */
export const COMPOSE_ONLY_VARIABLES = ['POSTGRES_PASSWORD'] as const;
