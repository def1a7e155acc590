#!/usr/bin/env python3
"""A minimal DNS client (standard library only) for bench/router.sh's correctness checks.

Usage:
  dns_answers.py query SERVER PORT QUERIES_FILE OUT_JSON EXPECTED_A
      Asks SERVER:PORT (UDP) every "<name> A" line of QUERIES_FILE once and writes
      {"<name>": {"rcode": "NOERROR", "aa": true, "a": ["127.0.0.11", ...]}, ...} (addresses
      sorted). Exits 1 with a summary when a name is not answered NOERROR, authoritative, with
      EXPECTED_A distinct A records.
  dns_answers.py compare REFERENCE_JSON OTHER_JSON
      Exits 1 when OTHER answers any name differently from REFERENCE (rcode or address set).
  dns_answers.py probe SERVER PORT NAME TYPE
      Prints the response code of one query (e.g. to show NXDOMAIN/REFUSED cases).
"""
import json
import random
import socket
import struct
import sys

RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}
TYPES = {"A": 1, "NS": 2, "SOA": 6, "AAAA": 28, "TXT": 16}


def encode_name(name: str) -> bytes:
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def skip_name(packet: bytes, offset: int) -> int:
    while True:
        length = packet[offset]
        if length & 0xC0 == 0xC0:  # a compression pointer ends the name
            return offset + 2
        offset += 1
        if length == 0:
            return offset
        offset += length


def ask(sock: socket.socket, server: tuple[str, int], name: str, qtype: int) -> dict:
    query_id = random.randrange(65536)
    # RD off: the servers are authoritative-only.
    packet = struct.pack("!HHHHHH", query_id, 0, 1, 0, 0, 0) + encode_name(name) + \
        struct.pack("!HH", qtype, 1)
    for _ in range(3):
        sock.sendto(packet, server)
        try:
            while True:
                reply, _ = sock.recvfrom(65535)
                if len(reply) >= 12 and struct.unpack("!H", reply[:2])[0] == query_id:
                    return parse(reply)
        except socket.timeout:
            continue
    return {"rcode": "TIMEOUT", "aa": False, "a": []}


def parse(reply: bytes) -> dict:
    _, flags, qdcount, ancount, _, _ = struct.unpack("!HHHHHH", reply[:12])
    offset = 12
    for _ in range(qdcount):
        offset = skip_name(reply, offset) + 4
    addresses = []
    for _ in range(ancount):
        offset = skip_name(reply, offset)
        rtype, _, _, length = struct.unpack("!HHIH", reply[offset:offset + 10])
        offset += 10
        if rtype == 1 and length == 4:
            addresses.append(socket.inet_ntoa(reply[offset:offset + 4]))
        offset += length
    return {"rcode": RCODES.get(flags & 0xF, str(flags & 0xF)), "aa": bool(flags & 0x0400),
            "a": sorted(addresses)}


def query(server: str, port: int, queries: str, out: str, expected: int) -> int:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(1.0)
    answers = {}
    with open(queries) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                answers[parts[0]] = ask(sock, (server, port), parts[0], TYPES[parts[1]])
    with open(out, "w") as f:
        json.dump(answers, f, indent=0, sort_keys=True)
    bad = {n: r for n, r in answers.items()
           if r["rcode"] != "NOERROR" or not r["aa"] or len(set(r["a"])) != expected}
    codes: dict[str, int] = {}
    for r in answers.values():
        codes[r["rcode"]] = codes.get(r["rcode"], 0) + 1
    print(f"{server}:{port}: {len(answers)} names, response codes {codes}, "
          f"{len(answers) - len(bad)} answered authoritatively with {expected} distinct A records")
    for name, r in list(bad.items())[:5]:
        print(f"  unexpected answer for {name}: {r}")
    return 1 if bad or not answers else 0


def compare(reference: str, other: str) -> int:
    with open(reference) as f:
        ref = json.load(f)
    with open(other) as f:
        oth = json.load(f)
    differ = [n for n in ref if n not in oth or
              (ref[n]["rcode"], ref[n]["a"]) != (oth[n]["rcode"], oth[n]["a"])]
    print(f"{other}: {len(ref) - len(differ)} of {len(ref)} names answered as in {reference}")
    for name in differ[:5]:
        print(f"  {name}: {ref[name]} vs {oth.get(name)}")
    return 1 if differ else 0


def main() -> int:
    args = sys.argv[1:]
    if len(args) == 6 and args[0] == "query":
        return query(args[1], int(args[2]), args[3], args[4], int(args[5]))
    if len(args) == 3 and args[0] == "compare":
        return compare(args[1], args[2])
    if len(args) == 5 and args[0] == "probe":
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.settimeout(1.0)
        print(ask(sock, (args[1], int(args[2])), args[3], TYPES[args[4]])["rcode"])
        return 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
