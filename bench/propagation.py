#!/usr/bin/env python3
"""Propagation benchmark: how long deployments and purges take to reach every edge.

Starts `candela origin`, `candela portal` (SQLite, a bootstrap provider admin) and three
`candela edge --portal ...` on loopback, creates a service through the API, then times
N deployments and N purges from the moment the API call returns until all three edges have
applied them, measured two ways:

  served:        what the edges do — a deployment adds a new alias, polled on every edge until
                 it answers 200; a purge removes an object, polled on every edge until it is no
                 longer a cache hit;
  acknowledged:  the portal's per-edge status (GET /api/v1/deployments/{id},
                 GET /api/v1/invalidations/{id}) shows all three edges applied.

Prints p50/p90/p99/max per measure as a Markdown table. Standard library only.
Usage: bench/propagation.py --candela build/release/apps/candela/candela [--n 50]
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ADMIN_EMAIL = "bench@provider.example"
ADMIN_PASSWORD = "a long benchmark password"
EDGES = ("edge-a", "edge-b", "edge-c")
POLL_SECONDS = 0.002
TIMEOUT_SECONDS = 30.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


class Api:
    """A keep-alive JSON client of the portal with a session cookie and its CSRF token."""

    def __init__(self, port):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = None
        self.csrf = None

    def call(self, method, path, body=None, headers=None):
        all_headers = {"Accept": "application/json"}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        if self.cookie:
            all_headers["Cookie"] = "candela_session=" + self.cookie
        if self.csrf and method not in ("GET", "HEAD"):
            all_headers["X-CSRF-Token"] = self.csrf
        all_headers.update(headers or {})
        data = None if body is None else json.dumps(body)
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=data, headers=all_headers)
                response = self.connection.getresponse()
                text = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                if attempt == 1:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("candela_session="):
                self.cookie = value.split(";", 1)[0].split("=", 1)[1]
        parsed = json.loads(text) if text else None
        return response.status, parsed

    def expect(self, status, method, path, body=None, headers=None):
        got, parsed = self.call(method, path, body, headers)
        if got != status:
            raise RuntimeError(f"{method} {path}: HTTP {got} {parsed}")
        return parsed

    def sign_in(self):
        session = self.expect(201, "POST", "/api/v1/session",
                              {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        self.csrf = session["csrf_token"]


def edge_get(port, host, path):
    """One request to an edge on a fresh connection: (status, Cache-Status)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Cache-Status", "")
    finally:
        connection.close()


def until_all(edge_ports, predicate, started):
    """Polls every edge in its own thread until predicate(port) holds; returns the latest time."""
    done = {}

    def watch(port):
        while time.monotonic() - started < TIMEOUT_SECONDS:
            if predicate(port):
                done[port] = time.monotonic()
                return
            time.sleep(POLL_SECONDS)

    threads = [threading.Thread(target=watch, args=(p,)) for p in edge_ports]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if len(done) != len(edge_ports):
        raise RuntimeError("an edge did not apply the change within the timeout")
    return max(done.values())


def until_status(api, path, started):
    while time.monotonic() - started < TIMEOUT_SECONDS:
        _, status = api.call("GET", path)
        if status and status.get("summary", {}).get("applied") == len(EDGES):
            return time.monotonic()
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"{path} not applied by every edge within the timeout")


def percentile(values, p):
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def row(name, seconds):
    ms = [s * 1000.0 for s in seconds]
    return (f"| {name} | {len(ms)} | {percentile(ms, 50):.1f} | {percentile(ms, 90):.1f} | "
            f"{percentile(ms, 99):.1f} | {max(ms):.1f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candela", required=True, help="path to the candela binary")
    parser.add_argument("--n", type=int, default=50, help="deployments and purges to time")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args()
    candela = os.path.abspath(args.candela)
    work = tempfile.mkdtemp(prefix="candela-propagation-")
    processes = []

    def start(name, argv):
        log = open(os.path.join(work, name + ".log"), "w")
        processes.append(subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT))

    try:
        # Origin: one object per purge, all cacheable for an hour.
        root = os.path.join(work, "origin")
        os.makedirs(root)
        for i in range(args.n):
            with open(os.path.join(root, f"p{i}.txt"), "w") as f:
                f.write(f"object {i}\n")
        with open(os.path.join(root, "index.txt"), "w") as f:
            f.write("index\n")
        origin_port = free_port()
        start("origin", [candela, "origin", "--listen", f"127.0.0.1:{origin_port}", "--root", root,
                         "--cache-control", "public, max-age=3600"])
        wait_for_port(origin_port)

        portal_port = free_port()
        with open(os.path.join(work, "admin-password"), "w") as f:
            f.write(ADMIN_PASSWORD + "\n")
        start("portal", [candela, "portal", "--listen", f"127.0.0.1:{portal_port}",
                         "--db", "sqlite://" + os.path.join(work, "portal.db"),
                         "--master-key-file", os.path.join(work, "master.key"),
                         "--bootstrap-admin-email", ADMIN_EMAIL,
                         "--bootstrap-admin-password-file", os.path.join(work, "admin-password")])
        wait_for_port(portal_port)
        api = Api(portal_port)
        api.sign_in()

        group = api.expect(201, "POST", "/api/v1/access-groups", {"name": "Bench", "parent_id": None})
        customer = api.expect(201, "POST", "/api/v1/customers",
                              {"name": "Bench Ltd", "organisation_id": group["id"],
                               "country": "GB", "invoice_email": "billing@bench.example"})
        service = api.expect(201, "POST", "/api/v1/services",
                             {"access_group_id": group["id"],
                              "customer_number": customer["customer_number"]})
        scid = service["scid"]
        api.expect(200, "PATCH", f"/api/v1/services/{scid}",
                   {"state": "active", "reason": "benchmark"})

        edge_ports = []
        for edge_id in EDGES:
            made = api.expect(201, "POST", "/api/v1/edges",
                              {"edge_id": edge_id, "cache_group": "bench",
                               "address": "127.0.0.1:1"})
            edge_dir = os.path.join(work, edge_id)
            os.makedirs(edge_dir)
            port = free_port()
            with open(os.path.join(edge_dir, "token"), "w") as f:
                f.write(made["node_token"] + "\n")
            with open(os.path.join(edge_dir, "edge.json"), "w") as f:
                json.dump({"edge_id": edge_id, "threads": 1,
                           "listen": [f"127.0.0.1:{port}"], "properties": []}, f)
            start(edge_id, [candela, "edge", "--config", os.path.join(edge_dir, "edge.json"),
                            "--portal", f"http://127.0.0.1:{portal_port}", "--edge-id", edge_id,
                            "--node-token-file", os.path.join(edge_dir, "token"),
                            "--state-dir", os.path.join(edge_dir, "state")])
            wait_for_port(port)
            edge_ports.append(port)

        configurations = f"/api/v1/services/{scid}/configurations"
        deployments = f"/api/v1/services/{scid}/deployments"

        def document(version):
            return {"scid": scid, "properties": [{
                "id": "www", "primary_alias": "www.bench.example",
                "aliases": [f"v{version}.bench.example"],
                "origin": {"host": "127.0.0.1", "port": origin_port}}]}

        def store(version):
            condition = {"If-None-Match": "*"} if version == 1 else {"If-Match": f'"v{version - 1}"'}
            api.expect(201, "POST", configurations, {"document": document(version)}, condition)

        # Version 1 is deployed untimed so the edges hold the property before purges start.
        store(1)
        api.expect(201, "POST", deployments, {"version": 1, "environment": "production"})
        until_all(edge_ports, lambda p: edge_get(p, "v1.bench.example", "/index.txt")[0] == 200,
                  time.monotonic())

        deploy_served, deploy_acked = [], []
        for version in range(2, args.n + 2):
            store(version)
            deployed = api.expect(201, "POST", deployments,
                                  {"version": version, "environment": "production"})
            started = time.monotonic()
            host = f"v{version}.bench.example"
            served = until_all(edge_ports, lambda p: edge_get(p, host, "/index.txt")[0] == 200,
                               started)
            acked = until_status(api, f"/api/v1/deployments/{deployed['id']}", started)
            deploy_served.append(served - started)
            deploy_acked.append(acked - started)

        purge_served, purge_acked = [], []
        invalidations = f"/api/v1/services/{scid}/invalidations"
        for i in range(args.n):
            path = f"/p{i}.txt"
            for port in edge_ports:  # fill, then check it is a hit everywhere
                edge_get(port, "www.bench.example", path)
                if "hit" not in edge_get(port, "www.bench.example", path)[1]:
                    raise RuntimeError(f"{path} is not cached on port {port}")
            made = api.expect(201, "POST", invalidations,
                              {"kind": "url", "mode": "hard" if i % 2 == 0 else "soft",
                               "values": [f"https://www.bench.example{path}"]})
            started = time.monotonic()
            served = until_all(
                edge_ports,
                lambda p: "hit" not in edge_get(p, "www.bench.example", path)[1], started)
            acked = until_status(api, f"/api/v1/invalidations/{made['id']}", started)
            purge_served.append(served - started)
            purge_acked.append(acked - started)

        print(f"Propagation on loopback, 3 edges, {args.n} deployments and {args.n} purges "
              f"(half hard, half soft), from the API call's answer to all three edges.\n")
        print("| measure | n | p50 ms | p90 ms | p99 ms | max ms |")
        print("| --- | --- | --- | --- | --- | --- |")
        print(row("deployment served", deploy_served))
        print(row("deployment acknowledged", deploy_acked))
        print(row("purge served", purge_served))
        print(row("purge acknowledged", purge_acked))
        worst = max(percentile(deploy_acked, 99), percentile(purge_acked, 99),
                    percentile(deploy_served, 99), percentile(purge_served, 99))
        verdict = "met" if worst < 1.0 else "MISSED"
        print(f"\nTarget p99 < 1000 ms: {verdict} (worst p99 {worst * 1000.0:.1f} ms)")
        return 0 if worst < 1.0 else 1
    finally:
        for p in reversed(processes):
            p.send_signal(signal.SIGTERM)
        for p in processes:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        if args.keep:
            print(f"logs in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
