#!/usr/bin/env bash
# How long another instance takes to see a change (the hot-path cache's cross-instance bound):
#   bench/propagation.sh [--provider postgres|sqlite] [--changes 300]
# Builds this checkout (Release), makes a throwaway store in a mktemp dir (PostgreSQL: a cluster made by
# .ci/postgres; SQLite: one database file), starts two instances A and B on it, makes a partner with a customer whose API client logs in, warms B's
# cache with that client's token, then CHANGES times: suspends (or reactivates) the partner through A and,
# from the moment A answered, polls B with the token until B refuses (401) or accepts (200) it. Prints
# p50 / p99 / max of that delay in ms (it includes one request to B, ~1 ms, and the poll's granularity).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CHANGES=300
PROVIDER=postgres
while [ $# -gt 0 ]; do
  case "$1" in
    --changes) CHANGES=$2 ;;
    --provider) PROVIDER=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done

WORK=$(mktemp -d /tmp/tenancy-propagation.XXXXXX) && chmod 755 "$WORK"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  .ci/postgres stop "$WORK/pg" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build -c Release -nologo -v q src/Tenancy.Server/Tenancy.Server.csproj >"$WORK/build.log" || { cat "$WORK/build.log"; exit 1; }
case "$PROVIDER" in
  postgres)
    ADMIN=$(.ci/postgres start "$WORK/pg")
    psql -q -h 127.0.0.1 -p "$(cat "$WORK/pg/port")" -U postgres -c "CREATE DATABASE tenancy"
    CS="${ADMIN/Database=postgres/Database=tenancy}" ;;
  sqlite) CS="Data Source=$WORK/tenancy.db" ;;
  *) echo "unknown provider $PROVIDER (postgres or sqlite)" >&2; exit 2 ;;
esac
ROOT_ID=0b6a2c1e-5d7f-4a8b-9c0d-1e2f3a4b5c6d; ROOT_SECRET=propagation-root-secret-0123456789
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
declare -A BASE
for i in A B; do
  port=$(free_port); BASE[$i]=http://127.0.0.1:$port
  (cd "$WORK" && exec dotnet "$ROOT/src/Tenancy.Server/bin/Release/net10.0/Tenancy.Server.dll" --urls "${BASE[$i]}" \
    --Tenancy:Storage:Provider=$PROVIDER --Tenancy:Storage:ConnectionString="$CS" --Tenancy:RateLimits:Enabled=false \
    --Tenancy:Bootstrap:ClientId=$ROOT_ID --Tenancy:Bootstrap:ClientSecret=$ROOT_SECRET \
    --Logging:LogLevel:Default=Warning >"$WORK/server-$i.log" 2>&1) &
  PIDS+=($!)
  for _ in $(seq 1 300); do curl -sf "${BASE[$i]}/healthz" >/dev/null && break; sleep 0.2; done
  curl -sf "${BASE[$i]}/healthz" >/dev/null || { echo "$i did not start:"; cat "$WORK/server-$i.log"; exit 1; }
done

python3 - "${BASE[A]}" "${BASE[B]}" "$ROOT_ID" "$ROOT_SECRET" "$CHANGES" <<'PY'
import base64, json, sys, time, urllib.error, urllib.request
a, b, root_id, root_secret, changes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])

def call(base, method, path, token=None, body=None, basic=None, form=None):
    headers = {}
    data = None
    if body is not None:
        data = json.dumps(body).encode(); headers["Content-Type"] = "application/json"
    if form is not None:
        data = urllib.parse.urlencode(form).encode(); headers["Content-Type"] = "application/x-www-form-urlencoded"
    if token: headers["Authorization"] = "Bearer " + token
    if basic: headers["Authorization"] = "Basic " + base64.b64encode(basic.encode()).decode()
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req) as r:
            raw = r.read(); return r.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        return e.code, None

import urllib.parse
def token(base, cid, secret):
    return call(base, "POST", "/api/2/idp/token", basic=f"{cid}:{secret}", form={"grant_type": "client_credentials"})[1]["access_token"]

root = token(a, root_id, root_secret)
me = call(a, "GET", f"/api/2/clients/{root_id}", root)[1]["tenant_id"]
partner = call(a, "POST", "/api/2/tenants", root, {"name": "propagation partner", "kind": "partner", "parent_id": me})[1]
customer = call(a, "POST", "/api/2/tenants", root, {"name": "propagation customer", "kind": "customer", "parent_id": partner["id"]})[1]
client = call(a, "POST", "/api/2/clients", root, {"type": "api_client", "tenant_id": customer["id"],
    "token_endpoint_auth_method": "client_secret_basic", "data": {"client_name": "propagation"}})[1]
watched = token(a, client["client_id"], client["client_secret"])
path = f"/api/2/tenants/{customer['id']}"
version = partner["version"]
for _ in range(20):
    call(b, "GET", path, watched)

delays = []
for i in range(changes):
    enabled = i % 2 == 1
    status, body = call(a, "PUT", f"/api/2/tenants/{partner['id']}", root, {"enabled": enabled, "version": version})
    assert status == 200, status
    version = body["version"]
    done = time.perf_counter()
    want = 200 if enabled else 401
    while call(b, "GET", path, watched)[0] != want:
        pass
    delays.append((time.perf_counter() - done) * 1000)
    for _ in range(3):
        call(b, "GET", path, watched)   # warm B again before the next change

delays.sort()
q = lambda p: delays[min(len(delays) - 1, int(p * len(delays)))]
print(f"{changes} changes through A, seen by B after (ms): p50 {q(0.5):.2f}, p99 {q(0.99):.2f}, max {delays[-1]:.2f}")
PY
