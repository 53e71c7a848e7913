"""Seeds a partner with N customers with usage through the API, then times usage reports until saved.

Used by bench/report.sh; Python standard library only. Seeding runs on 8 threads; the timing is one
report at a time.
"""
import argparse
import base64
import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

args = argparse.ArgumentParser()
for name in ("base", "client", "provider"):
    args.add_argument("--" + name, required=True)
args.add_argument("--customers", type=int, default=10000)
args.add_argument("--runs", type=int, default=3)
a = args.parse_args()


def call(method, path, body=None, token=None, form=None, basic=None):
    data = json.dumps(body).encode() if body is not None else form.encode() if form else None
    request = urllib.request.Request(a.base + path, data=data, method=method)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if form:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    if basic:
        request.add_header("Authorization", "Basic " + base64.b64encode(basic.encode()).decode())
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return response.headers.get("Content-Type", ""), (json.loads(text) if text and b"json" in response.headers.get("Content-Type", "").encode() else text)


token = call("POST", "/api/2/idp/token", form="grant_type=client_credentials", basic=a.client)[1]["access_token"]
root = call("GET", f"/api/2/clients/{a.client.split(':')[0]}", token=token)[1]["tenant_id"]
partner = call("POST", "/api/2/tenants", {"name": "Report bench partner", "kind": "partner", "parent_id": root}, token)[1]["id"]

started = time.monotonic()
now = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()


def customer(i):
    tenant = call("POST", "/api/2/tenants", {"name": f"Customer {i:05}", "kind": "customer", "parent_id": partner}, token)[1]["id"]
    number = f"B-{i:08}"
    call("POST", f"/api/2/tenants/{tenant}/subscriptions", {"number": number}, token)
    return [{"tenant_id": tenant, "subscription": number, "service_level": "standard", "consumed": i % 97, "timestamp": now},
            {"tenant_id": tenant, "subscription": number, "service_level": "premium", "consumed": (i % 13) * 1.5, "timestamp": now}]


with ThreadPoolExecutor(8) as pool:
    samples = [s for pair in pool.map(customer, range(a.customers)) for s in pair]
for i in range(0, len(samples), 1000):
    call("POST", "/api/2/usage", {"items": samples[i:i + 1000]}, token)
seeded = time.monotonic() - started

times, rows, size = [], 0, 0
for _ in range(a.runs):
    t0 = time.monotonic()
    report = call("POST", "/api/2/reports", {"parameters": {"kind": "usage_current", "tenant_id": partner, "level": "accounts",
                                                            "formats": ["csv_v2_0"]},
                                             "schedule": {"type": "once"}, "result_action": "save"}, token)[1]["id"]
    while True:
        items = call("GET", f"/api/2/reports/{report}/stored", token=token)[1]["items"]
        if items and items[0]["status"] == "saved":
            break
        if items and items[0]["status"] == "failed":
            raise SystemExit(f"report {report} failed")
        time.sleep(0.01)
    times.append(time.monotonic() - t0)
    _, csv = call("GET", f"/api/2/reports/{report}/stored/{items[0]['id']}", token=token)
    rows, size = csv.count(b"\r\n") - 1, len(csv)

print(json.dumps({"provider": a.provider, "customers": a.customers, "seed_s": round(seeded, 1), "report_rows": rows,
                  "report_bytes": size, "until_saved_s": [round(t, 2) for t in times]}))
