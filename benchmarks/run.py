"""Benchmark ndgrad against a hand-written NumPy floor (and MXNet/PyTorch when available).

    python benchmarks/run.py [--quick] [--json out/bench.json] [--mxnet-python .venv-mxnet/bin/python]

Each workload's framework step and its NumPy floor run alternately in one process, after warm-up; the
table gives medians (per op where the workload counts ops) and the ratio ndgrad/floor. With
--mxnet-python, the same workload code runs under the real MXNet in a subprocess (PyTorch likewise), timed
as consecutive steps; "ndgrad alone" is ndgrad timed the same way, the column to compare with them. Each
round takes the workloads in turn, timing ndgrad alone, MXNet and PyTorch back to back; the table gives the
medians over the rounds, and "vs MXNet"/"vs PyTorch" is the median of the per-round ratios ndgrad alone / other.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import workloads  # noqa: E402

WORKLOADS = ["tiny_ops", "seed_loop", "big_elementwise", "mlp_train", "cnn_train"]
MEMORY_WORKLOADS = ("mlp_train", "cnn_train")


def peak_memory(step) -> int:
    """Bytes allocated at the peak of one step, above what was live before it (NumPy reports to tracemalloc)."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        step()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def _time(step, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        step()
        out.append(time.perf_counter() - t)
    return out


def measure(name: str, mx, repeats: int) -> dict:
    make = getattr(workloads, f"make_{name}", None)
    if make is None:
        return {}
    step, ops = make(mx)
    floor, _ = getattr(workloads, f"floor_{name}")()
    for _ in range(3):
        step()
        floor()
    ours, base = [], []
    for _ in range(repeats):  # alternate so both see the same machine state
        ours += _time(step, 1)
        base += _time(floor, 1)
    stats = {}
    for key, xs in (("ndgrad", ours), ("floor", base)):
        q1, med, q3 = np.percentile(xs, [25, 50, 75])
        stats[key] = {"median_s": med / ops, "iqr_s": (q3 - q1) / ops}
    stats["ratio"] = stats["ndgrad"]["median_s"] / stats["floor"]["median_s"]
    stats["ops_per_step"] = ops
    return stats


def framework_medians(make, names: list[str], repeats: int, sync=lambda: None) -> dict:
    """Median seconds per op of each workload built by ``make(name)`` (for the MXNet and PyTorch columns)."""
    res = {}
    for name in names:
        built = make(name)
        if built is None:
            continue
        step, ops = built
        for _ in range(3):
            step()
        ts = []
        for _ in range(repeats):
            t = time.perf_counter()
            step()
            sync()
            ts.append(time.perf_counter() - t)
        res[name] = float(np.median(ts)) / ops
    return res


def measure_other(python: str, framework: str, names: list[str], repeats: int) -> dict:
    """Run this script under another interpreter (a venv with mxnet or torch) and read its medians."""
    cmd = [python, __file__, "--framework", framework, "--repeats", str(repeats), *names]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _fmt(seconds: float) -> str:
    return f"{seconds * 1e6:9.1f} us" if seconds < 1e-3 else f"{seconds * 1e3:9.2f} ms"


def _combine(rounds: list[dict]) -> dict:
    """One result per workload from several rounds: medians of the times, the median per-round ratio to the
    floor, and the median per-round ratio of ndgrad alone to each other framework (paired within a round, so
    that a drift of the machine's speed between rounds cancels)."""
    out = {}
    for name in rounds[0]:
        rs = [r[name] for r in rounds]
        res = {key: {"median_s": float(np.median([r[key]["median_s"] for r in rs])),
                     "iqr_s": float(np.median([r[key]["iqr_s"] for r in rs]))} for key in ("ndgrad", "floor")}
        res["ratio"] = float(np.median([r["ratio"] for r in rs]))
        res["round_ratios"] = [r["ratio"] for r in rs]
        res["ops_per_step"] = rs[0]["ops_per_step"]
        for key in ("alone_s", "mxnet_s", "torch_s"):
            if all(key in r for r in rs):
                res[key] = float(np.median([r[key] for r in rs]))
        for framework in ("mxnet", "torch"):
            if f"{framework}_s" in res and "alone_s" in res:
                paired = [r["alone_s"] / r[f"{framework}_s"] for r in rs]
                res[f"vs_{framework}"], res[f"round_vs_{framework}"] = float(np.median(paired)), paired
        out[name] = res
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, one round")
    parser.add_argument("--json", type=Path, default=None, help="write the results as JSON here")
    parser.add_argument("--mxnet-python", default=None, help="python of a venv with mxnet 1.9.1")
    parser.add_argument("--torch-python", default=None, help="python of a venv with torch (CPU)")
    parser.add_argument("--framework", default="ndgrad", help="'mxnet' or 'torch': print its medians as JSON")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=None,
                        help="rounds of every workload, each timed in ndgrad, MXNet and PyTorch in turn (medians over "
                             "rounds; default 5)")
    parser.add_argument("workloads", nargs="*", default=WORKLOADS)
    args = parser.parse_args()
    repeats = args.repeats or (7 if args.quick else 25)
    if args.framework == "mxnet":
        import mxnet
        medians = framework_medians(lambda n: getattr(workloads, f"make_{n}")(mxnet), args.workloads, repeats,
                                    mxnet.nd.waitall)
        print(json.dumps(medians))
        return
    if args.framework == "torch":
        import torch_workloads
        medians = framework_medians(lambda n: getattr(torch_workloads, f"make_{n}")(), args.workloads, repeats)
        print(json.dumps(medians))
        return
    import ndgrad

    # The machine's speed drifts over seconds, so each round takes the workloads one at a time: ndgrad against
    # its floor (in alternation), then ndgrad alone and the other frameworks back to back; the table gives
    # medians over the rounds, and ratios to the other frameworks paired within each round.
    rounds = []
    for _ in range(args.rounds or (1 if args.quick else 5)):
        res = {}
        for n in args.workloads:
            reps = repeats if n != "big_elementwise" else max(5, repeats // 3)
            stats = measure(n, ndgrad, reps)
            if not stats:
                continue
            # ndgrad timed as the other frameworks are (consecutive steps, no floor in between): the column
            # compared with MXNet and PyTorch; the floor's big temporaries would otherwise evict ndgrad's caches
            stats["alone_s"] = framework_medians(lambda n: getattr(workloads, f"make_{n}")(ndgrad), [n], reps)[n]
            for framework, python in (("mxnet", args.mxnet_python), ("torch", args.torch_python)):
                if python:
                    stats[f"{framework}_s"] = measure_other(python, framework, [n], reps)[n]
            res[n] = stats
        rounds.append(res)
    results = _combine(rounds)
    for name in MEMORY_WORKLOADS:
        if name in results:
            step, _ = getattr(workloads, f"make_{name}")(ndgrad)
            floor, _ = getattr(workloads, f"floor_{name}")()
            for _ in range(3):  # warm: the first steps also initialise parameters and optimizer states
                step()
                floor()
            results[name]["ndgrad"]["peak_bytes"], results[name]["floor"]["peak_bytes"] = (peak_memory(step),
                                                                                          peak_memory(floor))
    print(f"{'workload':18}{'ndgrad':>12}{'NumPy floor':>13}{'ratio':>7}{'ndgrad alone':>14}{'MXNet 1.9.1':>13}"
          f"{'PyTorch':>12}{'vs MXNet':>10}{'vs PyTorch':>12}{'peak MiB':>14}")
    for n, r in results.items():
        others = [_fmt(r[k]) if k in r else "-" for k in ("alone_s", "mxnet_s", "torch_s")]
        versus = [f"{r[k]:.3f}" if k in r else "-" for k in ("vs_mxnet", "vs_torch")]
        peak = (f"{r['ndgrad']['peak_bytes'] / 2**20:.1f} / {r['floor']['peak_bytes'] / 2**20:.1f}"
                if "peak_bytes" in r["ndgrad"] else "-")
        print(f"{n:18}{_fmt(r['ndgrad']['median_s']):>12}{_fmt(r['floor']['median_s']):>13}"
              f"{r['ratio']:7.2f}{others[0]:>14}{others[1]:>13}{others[2]:>12}{versus[0]:>10}{versus[1]:>12}{peak:>14}")
    if len(rounds) > 1:
        for key, label in (("round_ratios", "ratio to the floor"), ("round_vs_mxnet", "alone / MXNet"),
                           ("round_vs_torch", "alone / PyTorch")):
            rows = [f"{n} " + ", ".join(f"{x:.3f}" for x in r[key]) for n, r in results.items() if key in r]
            if rows:
                print(f"{label} per round: " + "; ".join(rows))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
