#!/usr/bin/env python3
"""Turns the results.tsv written by bench/run.sh into one Markdown table (stdout and a file).

Usage: report.py RESULTS_TSV OUTPUT_MD [META_FILE] [NOTES_FILE]
RESULTS_TSV lines: "<metric>\t<server>\t<value>\t<flag>"; value "na" for not available and
flag "warn" when the origin saw requests during a run that should have been all hits.
"""
import sys

SERVERS = [("candela", "Candela"), ("nginx", "nginx"), ("varnish", "Varnish"),
           ("ats", "ATS")]
# (metric, label, direction): the direction says which way is better, for the ratio legend.
ROWS = [
    ("hit_1k_rps", "1 KiB hit: requests/s", "higher"),
    ("hit_1k_p99", "1 KiB hit: p99 latency (ms)", "lower"),
    ("hit_100k_rps", "100 KiB hit: requests/s", "higher"),
    ("hit_100k_p99", "100 KiB hit: p99 latency (ms)", "lower"),
    ("hit_1m_rps", "1 MiB hit: requests/s", "higher"),
    ("hit_1m_p99", "1 MiB hit: p99 latency (ms)", "lower"),
    ("many_1k_rps", "10,000 distinct 1 KiB hits: requests/s", "higher"),
    ("many_1k_p99", "10,000 distinct 1 KiB hits: p99 latency (ms)", "lower"),
    ("mem_per_object", "Memory per cached 100-byte object (bytes of RSS)", "lower"),
    ("mem_with_files_per_object", "… including cache files on tmpfs (bytes)", "lower"),
    ("herd_origin", "Herd: origin requests for 200 simultaneous clients", "lower"),
]


def fmt(value: float, metric: str) -> str:
    if metric.endswith("_rps"):
        return f"{value:,.0f}"
    if metric.endswith("_p99"):
        return f"{value:.2f}"
    return f"{value:,.0f}"


def main() -> int:
    results_path, output_path = sys.argv[1], sys.argv[2]
    meta = open(sys.argv[3]).read().strip().splitlines() if len(sys.argv) > 3 else []
    notes = open(sys.argv[4]).read().strip().splitlines() if len(sys.argv) > 4 else []

    values: dict[tuple[str, str], tuple[str, str]] = {}
    with open(results_path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3:
                values[(parts[0], parts[1])] = (parts[2], parts[3] if len(parts) > 3 else "")

    peers = SERVERS[1:]
    header = ["case"] + [name for _, name in SERVERS] + [f"Candela/{name}" for _, name in peers]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    warned = False
    for metric, label, direction in ROWS:
        cells = [f"{label} ({direction} is better)"]
        numbers: dict[str, float] = {}
        for key, _ in SERVERS:
            raw, flag = values.get((metric, key), ("na", ""))
            try:
                numbers[key] = float(raw)
                cell = fmt(numbers[key], metric)
            except ValueError:
                cell = "not available" if raw == "na" else raw
            if flag == "warn":
                cell += " ⚠"
                warned = True
            cells.append(cell)
        for key, _ in peers:
            if "candela" in numbers and key in numbers and numbers[key] > 0:
                cells.append(f"{numbers['candela'] / numbers[key]:.2f}×")
            else:
                cells.append("–")
        lines.append("| " + " | ".join(cells) + " |")

    out = []
    if meta:
        out += [f"- {m}" for m in meta] + [""]
    out += lines
    if warned:
        out += ["", "⚠ the origin received requests during a run meant to be all cache hits "
                "(see the notes)."]
    if notes:
        out += ["", "Notes:", ""] + [f"- {n}" for n in notes]
    text = "\n".join(out) + "\n"
    with open(output_path, "w") as f:
        f.write(text)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
