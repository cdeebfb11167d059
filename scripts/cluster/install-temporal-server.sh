#!/usr/bin/env bash
# Installs what the cluster test (npm run test:cluster) needs and caches it under .tools/:
#
#   .tools/temporal-server/bin/temporal-server      the Temporal server, built from the Go module proxy
#   .tools/temporal-server/bin/temporal-sql-tool    its SQL schema tool
#   .tools/temporal-server/schema/postgresql/...     the PostgreSQL schemas, from the same module
#   .tools/temporal-server/config/...               the module's reference configs (postgres12, dynamic config)
#
# and PostgreSQL from Debian's packages when no initdb is found. Idempotent: does nothing when the
# pinned version is already there (stamp file). Needs Go >= 1.21 on PATH (GOTOOLCHAIN=auto then
# fetches the toolchain the server's go.mod asks for, from the Go module proxy).
set -euo pipefail

# The version comes from src/config/cluster-settings.ts (the cluster test passes it), e.g. 1.32.2.
: "${TEMPORAL_SERVER_VERSION:?set TEMPORAL_SERVER_VERSION, e.g. 1.32.2 (npm run test:cluster passes the pinned one)}"
VERSION="v${TEMPORAL_SERVER_VERSION#v}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DEST="$ROOT/.tools/temporal-server"
STAMP="$DEST/.version"
MODULE="go.temporal.io/server"

log() { echo "install-temporal-server: $*" >&2; }

find_initdb() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  done
  return 1
}

ensure_postgres() {
  if find_initdb >/dev/null; then return 0; fi
  log "PostgreSQL not found; installing it from the distribution's packages"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends postgresql; then
    apt-get update
    apt-get install -y --no-install-recommends postgresql
  fi
  find_initdb >/dev/null || { log "no initdb after installing postgresql"; exit 1; }
}

ensure_server() {
  if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$VERSION" ] \
    && [ -x "$DEST/bin/temporal-server" ] && [ -x "$DEST/bin/temporal-sql-tool" ] \
    && [ -d "$DEST/schema/postgresql" ]; then
    return 0
  fi
  if ! command -v go >/dev/null; then
    log "Go is needed to build the Temporal server (>= 1.21; see https://go.dev/doc/install)"
    exit 1
  fi
  local started=$SECONDS tmp
  tmp="$(mktemp -d)"
  export GOTOOLCHAIN=auto GOFLAGS=-mod=mod CGO_ENABLED=0
  log "building $MODULE@$VERSION (server + sql tool); this takes several minutes"
  GOBIN="$tmp/bin" go install "$MODULE/cmd/server@$VERSION" "$MODULE/cmd/tools/sql@$VERSION"
  local src
  src="$(go env GOMODCACHE)/$MODULE@$VERSION"
  [ -d "$src/schema/postgresql" ] || { log "no schema/postgresql in $src"; exit 1; }
  rm -rf "$DEST"
  mkdir -p "$DEST/bin" "$DEST/schema" "$DEST/config"
  mv "$tmp/bin/server" "$DEST/bin/temporal-server"
  mv "$tmp/bin/sql" "$DEST/bin/temporal-sql-tool"
  cp -R "$src/schema/postgresql" "$DEST/schema/postgresql"
  # The reference configs the cluster harness derives its server config from.
  cp "$src/config/development-postgres12.yaml" "$DEST/config/"
  cp -R "$src/config/dynamicconfig" "$DEST/config/dynamicconfig"
  chmod -R u+w "$DEST"
  echo "$VERSION" >"$STAMP"
  rm -rf "$tmp"
  log "built in $((SECONDS - started)) s"
}

ensure_postgres
ensure_server
