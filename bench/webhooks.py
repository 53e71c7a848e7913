#!/usr/bin/env python3
"""Suspend -> webhook receiver latency: N suspensions of one tenant, each timed from the moment the
PUT is sent until a receiver on 127.0.0.1 has the signed event. Then the long poll: N suspensions, each
while a GET /api/2/events?wait=30 is waiting, timed from sending the PUT until the poll has answered with
the event. Prints one JSON line with the figures.
Usage: webhooks.py BASE_URL CLIENT_ID CLIENT_SECRET [N]"""
import base64, hashlib, hmac, json, sys, threading, time, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

base, client_id, client_secret = sys.argv[1], sys.argv[2], sys.argv[3]
count = int(sys.argv[4]) if len(sys.argv) > 4 else 100
received, arrived, secret = [], threading.Condition(), [None]

class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        at = time.perf_counter()
        key = base64.b64decode(secret[0].removeprefix("whsec_"))
        signed = f'{self.headers["webhook-id"]}.{self.headers["webhook-timestamp"]}.'.encode() + body
        expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        valid = expected in self.headers["webhook-signature"].split(" ")
        self.send_response(204)
        self.end_headers()
        with arrived:
            received.append((at, valid))
            arrived.notify_all()

    def log_message(self, *args):
        pass

def call(method, path, body=None, token=None, form=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = json.dumps(body).encode() if body is not None else form
    if form is not None:
        auth = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        headers = {"Authorization": "Basic " + auth, "Content-Type": "application/x-www-form-urlencoded"}
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else None

server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()
token = call("POST", "/api/2/idp/token", form=b"grant_type=client_credentials")["access_token"]
root = call("GET", f"/api/2/clients/{client_id}", token=token)["tenant_id"]
tenant = call("POST", "/api/2/tenants", {"name": f"bench-{time.time()}", "kind": "partner", "parent_id": root}, token)
hook = call("POST", "/api/2/webhooks", {"url": f"http://127.0.0.1:{server.server_port}/hook",
            "subtree_root_id": tenant["id"], "event_types": ["tenancy.tenant.suspended"]}, token)
secret[0] = hook["secret"]
version, latencies, invalid = tenant["version"], [], 0
for i in range(count):
    sent = time.perf_counter()
    version = call("PUT", f"/api/2/tenants/{tenant['id']}", {"enabled": False, "version": version}, token)["version"]
    with arrived:
        if not arrived.wait_for(lambda: len(received) > i, timeout=30):
            sys.exit(f"no delivery of suspension {i + 1} within 30 s")
        at, valid = received[i]
    latencies.append((at - sent) * 1000)
    invalid += 0 if valid else 1
    version = call("PUT", f"/api/2/tenants/{tenant['id']}", {"enabled": True, "version": version}, token)["version"]

after = call("GET", f"/api/2/events?subtree_root_id={tenant['id']}&limit=1000", token=token)["paging"]["cursors"]["after"]
polls = []
for i in range(count):
    answer = {}
    def poll():
        page = call("GET", f"/api/2/events?subtree_root_id={tenant['id']}&types=tenancy.tenant.suspended&after={after}&wait=30", token=token)
        answer["at"], answer["page"] = time.perf_counter(), page
    waiting = threading.Thread(target=poll)
    waiting.start()
    time.sleep(0.3)  # the poll is waiting by now (it answers early only with an event, checked below)
    if "at" in answer:
        sys.exit("the long poll answered before the change")
    sent = time.perf_counter()
    version = call("PUT", f"/api/2/tenants/{tenant['id']}", {"enabled": False, "version": version}, token)["version"]
    waiting.join(30)
    if not answer.get("page", {}).get("items"):
        sys.exit(f"the long poll did not answer with suspension {i + 1}")
    polls.append((answer["at"] - sent) * 1000)
    after = answer["page"]["paging"]["cursors"]["after"]
    version = call("PUT", f"/api/2/tenants/{tenant['id']}", {"enabled": True, "version": version}, token)["version"]

def pick(values, q):
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 1)

print(json.dumps({"events": count, "p50_ms": pick(latencies, 0.50), "p99_ms": pick(latencies, 0.99), "max_ms": round(max(latencies), 1),
                  "invalid_signatures": invalid, "long_poll_p50_ms": pick(polls, 0.50), "long_poll_p99_ms": pick(polls, 0.99),
                  "long_poll_max_ms": round(max(polls), 1)}))
