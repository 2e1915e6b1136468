"""The Python section of `cargo xtask bench`: Python workloads on this package's adaptive
executor (untuned), the seed's algorithm behind the same executor, and a sweep of
`concurrent.futures.ThreadPoolExecutor` sizes (the oracle), in one run. Writes `python.md`
and `python.json` into the output directory given as the first argument.

Usage: python bench.py OUT_DIR [--quick]
"""

import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait

from betapool import AdaptiveThreadPoolExecutor, _core


def calibrate_loop(target_s):
    n = 10000
    while True:
        t = time.perf_counter()
        python_loop(n)
        dt = time.perf_counter() - t
        if dt > 0.01:
            return max(1, int(n * target_s / dt))
        n *= 2


def python_loop(n):
    x = 0
    for i in range(n):
        x += i * i
    return x


# Tasks per workload: enough that the best `ThreadPoolExecutor` size takes a second or more
# (5 ms sleeps at 128 threads: about 25 000 a second; Python-bound work: one core's worth,
# about 500 loops of 2 ms or 1 000 calls of 1 ms a second).
TASKS = {"sleep 5 ms": 20000, "python loop 2 ms": 1000, "python 1 ms + sleep 5 ms": 2000}
QUICK_TASKS = 300
# A run still going after this long cancels its queued calls and counts what was done: one
# thread sleeping through 20 000 sleeps of 5 ms would take 100 s.
TIME_CAP_S = 4.0
QUICK_TIME_CAP_S = 1.0
REPEATS = 3


def workloads(loop_2ms, loop_1ms):
    return {
        "sleep 5 ms": lambda: time.sleep(0.005),
        "python loop 2 ms": lambda: python_loop(loop_2ms),
        "python 1 ms + sleep 5 ms": lambda: (python_loop(loop_1ms), time.sleep(0.005)),
    }


def run(make, fn, tasks, cap_s):
    """Throughput (tasks/s) of `tasks` calls of `fn` (or of those done within `cap_s`, the rest
    cancelled), and the peak thread count seen."""
    peak = [0]
    stop = threading.Event()
    executor = make()

    def watch():
        while not stop.is_set():
            count = getattr(executor, "get_current_thread_count", None)
            n = count() if count else len(getattr(executor, "_threads", ()))
            peak[0] = max(peak[0], n)
            time.sleep(0.002)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    start = time.perf_counter()
    futures = [executor.submit(fn) for _ in range(tasks)]
    done, _ = wait(futures, timeout=max(0.0, cap_s - (time.perf_counter() - start)))
    elapsed = time.perf_counter() - start
    completed = len(done)
    for f in futures:
        f.cancel()
    stop.set()
    watcher.join()
    executor.shutdown(wait=True)
    return completed / elapsed, peak[0]


def stat(values):
    values = sorted(values)
    return {"median": values[len(values) // 2], "min": values[0], "max": values[-1]}


def main():
    out = sys.argv[1]
    quick = "--quick" in sys.argv
    os.makedirs(out, exist_ok=True)
    cores = _core.usable_cores()
    repeats = 1 if quick else REPEATS
    cap_s = QUICK_TIME_CAP_S if quick else TIME_CAP_S
    sizes = [1, 2, 4, 16] if quick else [1, 2, 4, 8, 16, 32, 64, 128]
    loop_2ms = calibrate_loop(0.002)
    pools = [(f"tpe:{n}", lambda n=n: ThreadPoolExecutor(max_workers=n)) for n in sizes]
    # The self-sizing pools get the sweep's largest size as their ceiling (the seed's default
    # of 64 would cap them below the best size of the sleep workload), and nothing else.
    top = max(sizes)
    pools += [
        ("adaptive", lambda: AdaptiveThreadPoolExecutor(min_workers=4, max_workers=top)),
        ("seed", lambda: AdaptiveThreadPoolExecutor(min_workers=4, max_workers=top,
                                                    _policy="seed")),
    ]
    rows = []
    for name, fn in workloads(loop_2ms, max(1, loop_2ms // 2)).items():
        tasks = QUICK_TASKS if quick else TASKS[name]
        runs = {label: [] for label, _ in pools}
        # Repeat 1 of every pool, then repeat 2 ...: slow drifts of a shared machine spread
        # over all of them.
        for _ in range(repeats):
            for label, make in pools:
                runs[label].append(run(make, fn, tasks, cap_s))
        tps = {label: stat([r[0] for r in rs]) for label, rs in runs.items()}
        peak = {label: max(r[1] for r in rs) for label, rs in runs.items()}
        best = max((l for l in tps if l.startswith("tpe:")), key=lambda l: tps[l]["median"])
        best_tps = tps[best]["median"]
        ratio = lambda l: {k: v / best_tps for k, v in tps[l].items()}
        rows.append({
            "workload": name, "tasks": tasks, "best_size": int(best[4:]),
            "best_tps": tps[best], "adaptive_tps": tps["adaptive"], "seed_tps": tps["seed"],
            "adaptive_ratio": ratio("adaptive"), "adaptive_peak": peak["adaptive"],
            "seed_ratio": ratio("seed"), "seed_peak": peak["seed"],
            "tpe": {l: tps[l] for l in tps if l.startswith("tpe:")},
        })
    with open(os.path.join(out, "python.json"), "w") as f:
        json.dump({"cores": cores, "repeats": repeats, "time_cap_s": cap_s, "quick": quick,
                   "rows": rows}, f, indent=2)
    fmt = lambda s, k=1.0, d=0: (f"{s['median'] * k:.{d}f} ({s['min'] * k:.{d}f}–"
                                 f"{s['max'] * k:.{d}f})")
    lines = [
        "## Python (betapool-py)",
        "",
        f"{cores} cores; medians of {repeats} run(s) with min–max, pools interleaved; "
        "throughput as a share of the best `ThreadPoolExecutor` size of the sweep "
        + ", ".join(map(str, sizes)) + f" (by median); runs stop at {cap_s:.0f} s. The "
        f"self-sizing pools run untuned between 4 and {max(sizes)} threads, the sweep's range.",
        "",
        "| workload | tasks | best TPE size | its tasks/s | adaptive × best | adaptive peak threads "
        "| seed policy × best | seed peak threads |",
        "|---|---|---|---|---|---|---|---|",
    ]
    targets = []
    for r in rows:
        lines.append(
            f"| {r['workload']} | {r['tasks']} | {r['best_size']} | {fmt(r['best_tps'])} | "
            f"{fmt(r['adaptive_ratio'], d=2)} | {r['adaptive_peak']} | "
            f"{fmt(r['seed_ratio'], d=2)} | {r['seed_peak']} |"
        )
        ok = r["adaptive_ratio"]["median"] >= 0.9
        targets.append(f"- {r['workload']}: adaptive ≥ 0.9 × best TPE "
                       f"({r['adaptive_ratio']['median']:.2f}): {'met' if ok else 'MISSED'}")
        if r["workload"] == "python loop 2 ms":
            ok = r["adaptive_peak"] <= cores + 2
            targets.append(f"- {r['workload']}: peak threads ≤ cores + 2 = {cores + 2} "
                           f"({r['adaptive_peak']}): {'met' if ok else 'MISSED'}")
    md = "\n".join(lines + ["", "Targets:", ""] + targets) + "\n"
    with open(os.path.join(out, "python.md"), "w") as f:
        f.write(md)
    print(md)


if __name__ == "__main__":
    main()
