#!/usr/bin/env python3
"""The README's results table, from criterion's saved baselines.

Criterion keeps each run's estimates in
target/criterion/<group>/<benchmark>/<baseline>/estimates.json. This prints,
for every benchmark, the median time per iteration of each baseline and the
median of those, as a Markdown table, in the order the benchmarks ran.

    cargo bench -p bench -- --save-baseline run1   # and run2, run3
    python3 crates/bench/scripts/table.py run1 run2 run3

Run it from the workspace root (or pass --dir to criterion's folder).
"""

import argparse
import json
import statistics
from pathlib import Path


def pretty(ns: float) -> str:
    """A duration in ns, in the unit criterion would print, 3 digits."""
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baselines", nargs="+")
    parser.add_argument("--dir", default="target/criterion", type=Path)
    args = parser.parse_args()

    rows = []
    first = args.baselines[0]
    for meta in sorted(args.dir.glob(f"*/*/{first}/benchmark.json")):
        info = json.loads(meta.read_text())
        bench_dir = meta.parent.parent
        medians = []
        for baseline in args.baselines:
            estimates = bench_dir / baseline / "estimates.json"
            if not estimates.exists():
                medians.append(None)
                continue
            data = json.loads(estimates.read_text())
            medians.append(data["median"]["point_estimate"])
        when = meta.parent.joinpath("estimates.json").stat().st_mtime
        rows.append((when, info["group_id"], info["function_id"], medians))

    rows.sort()
    runs = " | ".join(args.baselines)
    print(f"| group | benchmark | {runs} | median |")
    print("|---|---|" + "---:|" * (len(args.baselines) + 1))
    for _, group, function, medians in rows:
        known = [m for m in medians if m is not None]
        cells = " | ".join(pretty(m) if m is not None else "-" for m in medians)
        overall = pretty(statistics.median(known)) if known else "-"
        print(f"| {group} | {function} | {cells} | **{overall}** |")


if __name__ == "__main__":
    main()
