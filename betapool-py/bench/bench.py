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
from concurrent.futures import ThreadPoolExecutor

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


def workloads(loop_2ms, loop_1ms):
    return {
        "sleep 5 ms": lambda: time.sleep(0.005),
        "python loop 2 ms": lambda: python_loop(loop_2ms),
        "python 1 ms + sleep 5 ms": lambda: (python_loop(loop_1ms), time.sleep(0.005)),
    }


def run(make, fn, tasks):
    """Throughput (tasks/s) of `tasks` calls of `fn`, and the peak thread count seen."""
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
    for f in futures:
        f.result()
    elapsed = time.perf_counter() - start
    stop.set()
    watcher.join()
    executor.shutdown()
    return tasks / elapsed, peak[0]


def main():
    out = sys.argv[1]
    quick = "--quick" in sys.argv
    os.makedirs(out, exist_ok=True)
    cores = _core.usable_cores()
    tasks = 300 if quick else 4000
    sizes = [1, 2, 4, 16] if quick else [1, 2, 4, 8, 16, 32, 64, 128]
    loop_2ms = calibrate_loop(0.002)
    rows = []
    for name, fn in workloads(loop_2ms, max(1, loop_2ms // 2)).items():
        oracle = {n: run(lambda n=n: ThreadPoolExecutor(max_workers=n), fn, tasks)[0]
                  for n in sizes}
        best_n = max(oracle, key=oracle.get)
        best = oracle[best_n]
        ours, ours_peak = run(lambda: AdaptiveThreadPoolExecutor(), fn, tasks)
        seed, seed_peak = run(lambda: AdaptiveThreadPoolExecutor(_policy="seed"), fn, tasks)
        rows.append({
            "workload": name, "best_size": best_n, "best_tps": best,
            "adaptive_ratio": ours / best, "adaptive_peak": ours_peak,
            "seed_ratio": seed / best, "seed_peak": seed_peak,
        })
    with open(os.path.join(out, "python.json"), "w") as f:
        json.dump({"cores": cores, "tasks": tasks, "quick": quick, "rows": rows}, f, indent=2)
    lines = [
        "## Python (betapool-py)",
        "",
        f"{tasks} tasks per run, {cores} cores; throughput as a share of the best "
        "`ThreadPoolExecutor` size of the sweep " + ", ".join(map(str, sizes)) + ".",
        "",
        "| workload | best TPE size | best TPE tasks/s | adaptive | adaptive peak threads "
        "| seed policy | seed peak threads |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['workload']} | {r['best_size']} | {r['best_tps']:.0f} | "
            f"{r['adaptive_ratio']:.2f} | {r['adaptive_peak']} | {r['seed_ratio']:.2f} | "
            f"{r['seed_peak']} |"
        )
    md = "\n".join(lines) + "\n"
    with open(os.path.join(out, "python.md"), "w") as f:
        f.write(md)
    print(md)


if __name__ == "__main__":
    main()
