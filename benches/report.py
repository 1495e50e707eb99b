#!/usr/bin/env python3
"""Merges criterion's estimates and the allocation counts into benches/RESULTS.md.

usage: report.py CRITERION_DIR OUT.md

Per benchmark group (one input, one operation): each implementation's median time, MiB/s,
allocations per operation, and its ratio to msgwire (how many times slower than msgwire;
below 1 = faster than msgwire). Also writes OUT's directory/results.svg: one bar per
implementation and group, its time over msgwire's on a log scale (right of 1×, green: msgwire
is faster; left, red: the other is faster)."""
import html
import math
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
        lines += growth_table(rows, growth, growth_icount(root))
    # Hand-written "## <family> (notes)" sections of the previous file are kept, each before
    # its family's first table.
    notes = {}
    if os.path.exists(out):
        for sec in open(out).read().split("\n## ")[1:]:
            title = sec.split("\n", 1)[0]
            if title.endswith(" (notes)"):
                notes[title[: -len(" (notes)")]] = "## " + sec.rstrip("\n") + "\n"
    for group in sorted(g for g in rows if not g.startswith("growth/")):
        family = group.split("/", 1)[0]
        if family in notes:
            lines += [notes.pop(family)]
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
    lines += list(notes.values())
    lines.insert(4, "![msgwire vs every other implementation, per bench](results.svg)\n")
    open(out, "w").write("\n".join(lines))
    chart(rows, os.path.join(os.path.dirname(out) or ".", "results.svg"))


def chart(rows, path):
    """Horizontal bars: per group, each other implementation's median over msgwire's, log scale
    from 1/64× to 64×, grouped by protocol/operation/input."""
    groups = sorted(g for g in rows if not g.startswith("growth/") and rows[g].get("msgwire", {}).get("median_ns"))
    bars = []  # (group or None for a heading, impl, ratio)
    for g in groups:
        base = rows[g]["msgwire"]["median_ns"]
        others = sorted(((i, r["median_ns"] / base) for i, r in rows[g].items()
                         if i != "msgwire" and r.get("median_ns")), key=lambda kv: kv[1])
        if not others:
            continue
        bars.append((g, None, None))
        bars += [(g, i, ratio) for i, ratio in others]
    row_h, label_w, plot_w, top = 16, 330, 520, 46
    height = top + row_h * len(bars) + 30
    width = label_w + plot_w + 90
    span = 6  # log2 of the largest ratio shown (64×)
    x1 = label_w + plot_w / 2  # where 1× is

    def x(ratio):
        return x1 + max(-span, min(span, math.log2(ratio))) / span * (plot_w / 2)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="10" y="18" font-size="14" font-weight="bold">msgwire vs every other '
           f'implementation: other\'s median time / msgwire\'s (log scale)</text>',
           f'<text x="10" y="34" fill="#555">right of 1×, green: msgwire faster; left, red: the '
           f'other is faster; bars clipped at 1/64× and 64×</text>']
    for k in range(-span, span + 1, 2):
        gx = x(2.0 ** k)
        label = f"{2 ** k}×" if k >= 0 else f"1/{2 ** -k}×"
        out.append(f'<line x1="{gx:.1f}" y1="{top - 4}" x2="{gx:.1f}" y2="{height - 24}" '
                   f'stroke="{"#000" if k == 0 else "#ddd"}"/>')
        out.append(f'<text x="{gx:.1f}" y="{height - 10}" text-anchor="middle" fill="#555">{label}</text>')
    for n, (g, impl, ratio) in enumerate(bars):
        y = top + n * row_h
        if impl is None:
            out.append(f'<text x="6" y="{y + 12}" font-weight="bold">{html.escape(g)}</text>')
            continue
        out.append(f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{html.escape(str(impl))}</text>')
        bx = x(ratio)
        left, w = (x1, bx - x1) if bx >= x1 else (bx, x1 - bx)
        color = "#2e9d48" if ratio >= 1 else "#d0453a"
        out.append(f'<rect x="{left:.1f}" y="{y + 3}" width="{max(w, 1):.1f}" height="{row_h - 5}" fill="{color}"/>')
        tx = x(ratio) + (4 if ratio >= 1 else -4)
        anchor = "start" if ratio >= 1 else "end"
        out.append(f'<text x="{tx:.1f}" y="{y + 12}" text-anchor="{anchor}">{ratio:.2f}×</text>')
    out.append("</svg>")
    open(path, "w").write("\n".join(out) + "\n")


def growth_icount(root):
    """Instructions per run of each growth family and size, from benches/growth-icount.sh
    (ROOT/growth-icount.jsonl): family -> size -> instructions per byte, and the families kept
    as references for a path msgwire replaced; empty when absent."""
    path = os.path.join(root, "growth-icount.jsonl")
    per = defaultdict(dict)
    refs = set()
    if os.path.exists(path):
        for line in open(path):
            r = json.loads(line)
            per[r["family"]][r["size"]] = r["instructions"] / r["bytes"]
            if r.get("reference"):
                refs.add(r["family"])
    return per, refs


def growth_table(rows, groups, counted):
    """Per family: nanoseconds and instructions per input byte at each size; linear work keeps
    them level. Growth is the largest size's figure over the smallest's: about 1 is linear, 8
    would be quadratic over these sizes (they are eight times apart). The verdict is taken on
    instructions when benches/growth-icount.sh has counted them: time per byte also grows when
    a 1 MiB input stops fitting the caches or its buffers take fresh pages."""
    icount, refs = counted
    sizes = sorted({s for g in groups for s in rows[g]})
    kib = lambda s: f"{s // 1024} KiB"
    out = ["## growth (work against input size)", "",
           "Made by `benches/benches/growth.rs` (criterion) and `benches/growth-icount.sh` (callgrind "
           "instructions, which neither cache misses, page faults nor the machine's load move): "
           "each family at three sizes eight times apart. ns/B and instr/B = per input byte. Growth "
           "= the largest size's figure over the smallest's; the verdict is on instructions "
           "(above 2: **superlinear**). Reference families show a path msgwire replaced and are "
           "expected to grow.", "",
           "| family | " + " | ".join(f"ns/B at {kib(s)}" for s in sizes) + " | time growth | "
           + " | ".join(f"instr/B at {kib(s)}" for s in sizes) + " | instr growth | verdict |",
           "|---|" + "---|" * (2 * len(sizes) + 3)]
    for g in groups:
        family = g[len("growth/"):]
        per = {s: r["median_ns"] / r["bytes"] for s, r in rows[g].items() if r.get("bytes")}
        cells = [f"{per[s]:.3f}" if s in per else "-" for s in sizes]
        tgrowth = per[max(per)] / per[min(per)] if per else float("nan")
        ic = icount.get(family, {})
        icells = [f"{ic[s]:.2f}" if s in ic else "-" for s in sizes]
        igrowth = ic[max(ic)] / ic[min(ic)] if ic else None
        basis = igrowth if igrowth is not None else tgrowth
        if family in refs:
            verdict = "reference (expected to grow)"
        elif basis > 2:
            verdict = "**superlinear**"
        else:
            verdict = "level"
        if igrowth is None:
            verdict += " (on time: no instruction counts)"
        out.append(f"| {family} | " + " | ".join(cells) + f" | {tgrowth:.2f} | " + " | ".join(icells)
                   + f" | {'-' if igrowth is None else f'{igrowth:.2f}'} | {verdict} |")
    return out + [""]


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
