#!/usr/bin/env python3
"""Merges criterion's estimates and the allocation counts into benches/RESULTS.md.

usage: report.py CRITERION_DIR OUT.md

Per benchmark group (one input, one operation): each implementation's median time, MiB/s,
allocations per operation, and its ratio to msgwire (how many times slower than msgwire;
below 1 = faster than msgwire)."""
import json
import os
import platform
import subprocess
import sys
from collections import defaultdict


def machine():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; {rustc}"


def main(root, out):
    rows = defaultdict(dict)  # group -> implementation -> record
    for dirpath, _, files in os.walk(root):
        if "benchmark.json" in files and os.path.basename(dirpath) == "new":
            bench = json.load(open(os.path.join(dirpath, "benchmark.json")))
            est = json.load(open(os.path.join(dirpath, "estimates.json")))
            group = bench["group_id"]
            impl = bench.get("function_id") or bench.get("value_str") or "?"
            if bench.get("value_str") and bench.get("function_id") and group.endswith("body-frame"):
                impl = f"{bench['function_id']} ({bench['value_str']} B)"
            if group.startswith("growth/"):
                impl = int(bench["value_str"])
            tp = bench.get("throughput") or {}
            nbytes = tp.get("Bytes") or tp.get("BytesDecimal")
            rows[group][impl] = {"median_ns": est["median"]["point_estimate"], "bytes": nbytes}
    allocs_path = os.path.join(root, "allocs.jsonl")
    if os.path.exists(allocs_path):
        for line in open(allocs_path):
            a = json.loads(line)
            rows[a["group"]].setdefault(a["implementation"], {})["allocs"] = a["allocations"]
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine()}. Made by `benches/run.sh` (criterion medians; allocations counted "
        "with dhat in `src/bin/allocs.rs`). Ratio = implementation's time / msgwire's time "
        "(above 1: slower than msgwire).",
        "",
    ]
    growth = sorted(g for g in rows if g.startswith("growth/"))
    if growth:
        lines += growth_table(rows, growth)
    for group in sorted(g for g in rows if not g.startswith("growth/")):
        impls = rows[group]
        base = impls.get("msgwire", {}).get("median_ns")
        lines += [f"## {group}", "", "| implementation | median | MiB/s | allocations | ratio to msgwire |",
                  "|---|---|---|---|---|"]
        for impl, r in sorted(impls.items(), key=lambda kv: kv[1].get("median_ns") or 1e30):
            ns = r.get("median_ns")
            t = "-" if ns is None else (f"{ns:.0f} ns" if ns < 1e4 else f"{ns / 1e3:.1f} µs" if ns < 1e7 else f"{ns / 1e6:.1f} ms")
            mibs = "-" if not (ns and r.get("bytes")) else f"{r['bytes'] / (ns / 1e9) / 2**20:.0f}"
            ratio = "-" if not (ns and base) else f"{ns / base:.2f}"
            allocs = r.get("allocs", "-")
            lines.append(f"| {impl} | {t} | {mibs} | {allocs} | {ratio} |")
        lines.append("")
    open(out, "w").write("\n".join(lines))


def growth_table(rows, groups):
    """Nanoseconds per input byte at each size; linear work keeps them level. The last column
    is the largest size's ns/byte over the smallest's: about 1 is linear, 8 would be quadratic
    over these sizes (they are eight times apart)."""
    sizes = sorted({s for g in groups for s in rows[g]})
    out = ["## growth (work against input size)", "",
           "Made by `benches/benches/growth.rs`: each family at three sizes. ns/B = median time per "
           "input byte. Growth = ns/B at the largest size / ns/B at the smallest; above 2 is "
           "flagged.", "",
           "| family | " + " | ".join(f"ns/B at {s // 1024} KiB" for s in sizes) + " | growth |",
           "|---|" + "---|" * (len(sizes) + 1)]
    for g in groups:
        per = {s: r["median_ns"] / r["bytes"] for s, r in rows[g].items() if r.get("bytes")}
        cells = [f"{per[s]:.3f}" if s in per else "-" for s in sizes]
        ratio = per[max(per)] / per[min(per)] if per else float("nan")
        flag = " **superlinear**" if ratio > 2 else ""
        out.append(f"| {g[len('growth/'):]} | " + " | ".join(cells) + f" | {ratio:.2f}{flag} |")
    return out + [""]


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
