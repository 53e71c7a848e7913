#!/usr/bin/env bash
# Suspend -> webhook receiver latency, in one command:
#   bench/webhooks.sh [--events 100]
# Builds Release, starts the server on a fresh SQLite store in a temporary directory (webhooks may reach
# 127.0.0.1 there), runs bench/webhooks.py (a receiver on 127.0.0.1 that checks each signature, and N
# suspensions each timed from sending the PUT to the signed event's arrival), prints its JSON line.
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=100
while [ $# -gt 0 ]; do
  case "$1" in
    --events) EVENTS=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done

DIR=$(mktemp -d /tmp/tenancy-bench-webhooks.XXXXXX)
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT

dotnet build -c Release -nologo -v q src/Tenancy.Server/Tenancy.Server.csproj >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ID=$(python3 -c 'import uuid; print(uuid.uuid4())')
SECRET=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
(cd "$DIR" && exec dotnet "$OLDPWD/src/Tenancy.Server/bin/Release/net10.0/Tenancy.Server.dll" --urls="http://127.0.0.1:$PORT" \
  --Tenancy:Bootstrap:ClientId="$ID" --Tenancy:Bootstrap:ClientSecret="$SECRET" \
  --Tenancy:Webhooks:AllowedNetworks:0=127.0.0.0/8 --Logging:LogLevel:Default=Warning \
  --Logging:LogLevel:Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware=Warning >"$DIR/server.log" 2>&1) &
SERVER_PID=$!
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.2; done
python3 bench/webhooks.py "http://127.0.0.1:$PORT" "$ID" "$SECRET" "$EVENTS"
