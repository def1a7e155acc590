#!/usr/bin/env python3
"""Turns the results.tsv written by bench/router.sh into two Markdown tables (stdout and a file).

Usage: report.py RESULTS_TSV OUTPUT_MD [META_FILE] [NOTES_FILE]
RESULTS_TSV lines: "<metric>\t<server>\t<value>"; value "na" when not measured.
"""
import sys

# (title, servers, rows); rows are (metric, label, better direction or "" for no ratio).
TABLES = [
    ("HTTP mode (wrk, keep-alive)",
     [("router", "Candela router"), ("nginx", "nginx")],
     [("http_rps", "Decisions (302s) per second", "higher"),
      ("http_p99", "p99 latency (ms)", "lower"),
      ("http_avg", "Average latency (ms)", "lower"),
      ("http_errors", "Errors (non-302 responses, socket errors)", ""),
      ("http_busy", "Server core busy (%)", ""),
      ("http_load_busy", "wrk core busy (%)", ""),
      ("http_cpu", "Server CPU per decision (µs)", "lower")]),
    ("DNS mode (dnsperf, UDP)",
     [("router", "Candela router"), ("knot", "Knot"), ("nsd", "NSD")],
     [("dns_qps", "Answers per second", "higher"),
      ("dns_avg", "Average latency (ms)", "lower"),
      ("dns_lost", "Queries lost", ""),
      ("dns_noerror", "NOERROR answers (%)", ""),
      ("dns_busy", "Server core busy (%)", ""),
      ("dns_load_busy", "dnsperf core busy (%)", ""),
      ("dns_cpu", "Server CPU per answer (µs)", "lower")]),
]


def fmt(value: float, metric: str) -> str:
    if metric.endswith(("_p99", "_avg", "_cpu")):
        return f"{value:.3f}"
    if metric == "dns_noerror":
        return f"{value:.2f}"
    return f"{value:,.0f}"


def table(values, title, servers, rows) -> list[str]:
    peers = servers[1:]
    first_key, first_name = servers[0]
    header = ["case"] + [n for _, n in servers] + [f"router/{n}" for _, n in peers]
    lines = [f"**{title}**", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for metric, label, direction in rows:
        cells = [f"{label} ({direction} is better)" if direction else label]
        numbers = {}
        for key, _ in servers:
            raw = values.get((metric, key), "na")
            try:
                numbers[key] = float(raw)
                cells.append(fmt(numbers[key], metric))
            except ValueError:
                cells.append("not available" if raw == "na" else raw)
        for key, _ in peers:
            if direction and first_key in numbers and numbers.get(key, 0) > 0:
                cells.append(f"{numbers[first_key] / numbers[key]:.2f}×")
            else:
                cells.append("–")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main() -> int:
    results_path, output_path = sys.argv[1], sys.argv[2]
    meta = open(sys.argv[3]).read().strip().splitlines() if len(sys.argv) > 3 else []
    notes = open(sys.argv[4]).read().strip().splitlines() if len(sys.argv) > 4 else []
    values = {}
    with open(results_path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3:
                values[(parts[0], parts[1])] = parts[2]
    out = [f"- {m}" for m in meta] + [""] if meta else []
    for title, servers, rows in TABLES:
        out += table(values, title, servers, rows) + [""]
    if notes:
        out += ["Notes:", ""] + [f"- {n}" for n in notes]
    text = "\n".join(out).rstrip() + "\n"
    with open(output_path, "w") as f:
        f.write(text)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
