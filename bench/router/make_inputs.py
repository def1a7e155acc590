#!/usr/bin/env python3
"""Inputs for bench/router.sh: the service names, the monitor's topology, the coverage zone,
dnsperf's query file, and the static zone Knot and NSD serve.

Usage:
  make_inputs.py names COUNT DOMAIN DIR EDGE...
      EDGE = edge_id=address=admin_address (cache group lon1, role edge). Writes DIR/scids.txt,
      DIR/topology.json (a §2 topology document for `candela monitor --topology-file`),
      DIR/coverage.json (127.0.0.0/8 → lon1) and DIR/queries.txt ("<scid>.DOMAIN A", lower case).
  make_inputs.py spread QUERIES_FILE ANSWERS_JSON ADDRESS...
      Without a router to copy from: gives name i the addresses i and i+1 (mod the count), in
      the same JSON form as dns_answers.py, so the peers can still be measured.
  make_inputs.py zone DOMAIN TTL NS_ADDRESS ANSWERS_JSON ZONE_FILE
      ANSWERS_JSON: {"name": {"a": ["127.0.0.11", ...]}, ...} (dns_answers.py's output for the
      router), so the peers serve exactly the router's answers for the same names.
"""
import json
import random
import sys

# SCIDs as the portal makes them (src/common/ids.cpp): 8 characters from a 32-letter alphabet
# and a weighted check character, so the router sees valid service ids.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
WEIGHTS = [1, 3, 5, 7, 9, 11, 13, 15]


def make_scid(rng: random.Random) -> str:
    body = "".join(rng.choice(ALPHABET) for _ in WEIGHTS)
    check = sum(w * ALPHABET.index(c) for w, c in zip(WEIGHTS, body)) % 32
    return body + ALPHABET[check]


def names(count: int, domain: str, folder: str, edges: list[str]) -> None:
    rng = random.Random(7)  # the same names on every run
    scids: set[str] = set()
    while len(scids) < count:
        scids.add(make_scid(rng))
    ordered = sorted(scids)
    with open(f"{folder}/scids.txt", "w") as f:
        f.write("".join(s + "\n" for s in ordered))
    with open(f"{folder}/queries.txt", "w") as f:
        f.write("".join(f"{s.lower()}.{domain} A\n" for s in ordered))
    topology_edges = []
    for spec in edges:
        edge_id, address, admin = spec.split("=")
        topology_edges.append({
            "edge_id": edge_id, "cache_group": "lon1", "role": "edge", "address": address,
            "admin_address": admin,
            "capacity": {"requests_per_second": 0, "bytes_per_second": 0},
            "draining": False, "maintenance_reference": None, "health": None})
    topology = {"generated_at": "2026-01-01T00:00:00Z", "network": "production",
                "cdn_domain": domain, "edges": topology_edges, "services": ordered}
    with open(f"{folder}/topology.json", "w") as f:
        json.dump(topology, f, indent=1)
    coverage = {"default_group": "lon1",
                "groups": [{"name": "lon1", "networks": ["127.0.0.0/8"],
                            "latitude": 51.5, "longitude": -0.12, "fallbacks": []}]}
    with open(f"{folder}/coverage.json", "w") as f:
        json.dump(coverage, f, indent=1)


def spread(queries: str, out: str, addresses: list[str]) -> None:
    answers = {}
    with open(queries) as f:
        for i, line in enumerate(f):
            name = line.split()[0]
            picked = {addresses[i % len(addresses)], addresses[(i + 1) % len(addresses)]}
            answers[name] = {"rcode": "NOERROR", "aa": True, "a": sorted(picked)}
    with open(out, "w") as f:
        json.dump(answers, f, indent=0, sort_keys=True)


def zone(domain: str, ttl: int, ns_address: str, answers_path: str, zone_path: str) -> None:
    with open(answers_path) as f:
        answers = json.load(f)
    lines = [f"$ORIGIN {domain}.", f"$TTL {ttl}",
             f"@ 3600 IN SOA ns1 hostmaster 1 3600 600 86400 {ttl}",
             "@ 3600 IN NS ns1", f"ns1 3600 IN A {ns_address}"]
    for name in sorted(answers):
        label = name.rstrip(".").lower()
        suffix = "." + domain
        if not label.endswith(suffix):
            sys.exit(f"make_inputs: {name} is not under {domain}")
        label = label[: -len(suffix)]
        for address in answers[name]["a"]:
            lines.append(f"{label} {ttl} IN A {address}")
    with open(zone_path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main() -> int:
    if len(sys.argv) >= 5 and sys.argv[1] == "names":
        names(int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:])
    elif len(sys.argv) >= 5 and sys.argv[1] == "spread":
        spread(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif len(sys.argv) == 7 and sys.argv[1] == "zone":
        zone(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6])
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main())
