#!/usr/bin/env python3
"""tiersplit profiling kit runner for Python. One dependency: `pip install onnxruntime` (it brings numpy).

Profiles every model of the kit with ONNX Runtime at graph optimisation `all` (the deployed runtime: one event
per fused kernel) and `disabled` (one event per ONNX node), and writes one results.json to upload to
POST /v1/platforms/{slug}/kit-results. Runs on a phone through Termux, on a board or on a server.

    python3 profile.py [--out results.json] [--threads 1] [--runs 10] [--warmup 2] [--kit DIR]
"""
import argparse
import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
import time


def positive(minimum):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got '{text}'")
        if value < minimum or value > 10000:
            raise argparse.ArgumentTypeError(f"must be an integer >= {minimum}, got {value}")
        return value

    return parse


def quantile(values, q):
    s = sorted(values)
    at = (len(s) - 1) * q
    lo, hi = int(at // 1), int(-(-at // 1))
    return s[lo] + (s[hi] - s[lo]) * (at - lo)


def kernel_stats(trace, warmup):
    """Per-event statistics over the timed runs only: `model_run` events delimit runs, warm-up runs come first."""
    runs = sorted((e for e in trace if e.get("name") == "model_run"), key=lambda e: e["ts"])[warmup:]
    per = {}
    for e in trace:
        name = e.get("name", "")
        if e.get("cat") != "Node" or not name.endswith("_kernel_time"):
            continue
        if not any(r["ts"] <= e["ts"] <= r["ts"] + r["dur"] for r in runs):
            continue
        key = name[: -len("_kernel_time")]
        entry = per.setdefault(key, {"op": e.get("args", {}).get("op_name", ""), "times": []})
        entry["times"].append(e["dur"])
    return [
        {
            "name": key,
            "op": v["op"],
            "medianUs": quantile(v["times"], 0.5),
            "p10Us": quantile(v["times"], 0.1),
            "p90Us": quantile(v["times"], 0.9),
            "runs": len(v["times"]),
        }
        for key, v in per.items()
    ]


def measure(ort, np, path, shape, level, opts):
    """Times the whole model without the profiler (its overhead would inflate what a deployment sees), then
    profiles the same number of runs in a second session for the per-kernel (or per-node) events."""
    levels = {"all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL, "disabled": ort.GraphOptimizationLevel.ORT_DISABLE_ALL}

    def options(profile_dir=None):
        so = ort.SessionOptions()
        so.graph_optimization_level = levels[level]
        so.intra_op_num_threads = opts.threads
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        if profile_dir:
            so.enable_profiling = True
            so.profile_file_prefix = os.path.join(profile_dir, "p")
        return so

    x = np.full(shape, 0.5, dtype=np.float32)

    def run_all(session):
        name = session.get_inputs()[0].name
        wall = []
        for r in range(opts.warmup + opts.runs):
            t0 = time.perf_counter()
            session.run(None, {name: x})
            if r >= opts.warmup:
                wall.append((time.perf_counter() - t0) * 1000)
        return wall

    wall = run_all(ort.InferenceSession(path, options(), providers=["CPUExecutionProvider"]))
    tmp = tempfile.mkdtemp(prefix="tiersplit-kit-")
    try:
        session = ort.InferenceSession(path, options(tmp), providers=["CPUExecutionProvider"])
        run_all(session)
        with open(session.end_profiling()) as f:
            trace = json.load(f)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "wholeModel": {
            "medianMs": quantile(wall, 0.5),
            "p10Ms": quantile(wall, 0.1),
            "p90Ms": quantile(wall, 0.9),
            "runs": len(wall),
        },
        "events": kernel_stats(trace, opts.warmup),
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description="Profile the tiersplit kit with ONNX Runtime")
    p.add_argument("--out", default="results.json")
    p.add_argument("--threads", type=positive(1), default=1)
    p.add_argument("--runs", type=positive(1), default=10)
    p.add_argument("--warmup", type=positive(0), default=2)
    p.add_argument("--kit", default=here)
    opts = p.parse_args()
    try:
        import numpy as np
        import onnxruntime as ort
    except ImportError:
        sys.exit("this runner needs onnxruntime (and numpy): pip install onnxruntime")
    with open(os.path.join(opts.kit, "manifest.json")) as f:
        manifest = json.load(f)
    results = {
        "format": "tiersplit-kit-results",
        "version": 1,
        "kit": {"seed": manifest["seed"], "models": len(manifest["models"])},
        "runner": "profile.py",
        "runtime": {"name": "onnxruntime", "version": ort.__version__},
        "host": {"platform": sys.platform, "arch": platform.machine(), "cpus": os.cpu_count(), "cpuModel": platform.processor()},
        "settings": {"threads": opts.threads, "runs": opts.runs, "warmup": opts.warmup},
        "models": [],
    }
    started = time.perf_counter()
    total = len(manifest["models"])
    for i, model in enumerate(manifest["models"]):
        path = os.path.join(opts.kit, "models", model["name"] + ".onnx")
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        if digest != model["sha256"]:
            sys.exit(f"{path} is not the file the kit shipped (sha256 differs)")
        entry = {"name": model["name"], "sha256": digest}
        model_start = time.perf_counter()
        for level in ("all", "disabled"):
            entry[level] = measure(ort, np, path, model["inputShape"], level, opts)
        entry["seconds"] = time.perf_counter() - model_start
        results["models"].append(entry)
        elapsed = time.perf_counter() - started
        left = elapsed / (i + 1) * (total - i - 1)
        sys.stderr.write(
            f"[{i + 1}/{total}] {model['name']}: {entry['all']['wholeModel']['medianMs']:.2f} ms deployed, "
            f"{entry['disabled']['wholeModel']['medianMs']:.2f} ms per-node mode; {elapsed:.0f} s elapsed, ~{left:.0f} s left\n"
        )
    with open(opts.out, "w") as f:
        json.dump(results, f)
    sys.stderr.write(f"wrote {opts.out} ({len(results['models'])} models)\n")


if __name__ == "__main__":
    main()
