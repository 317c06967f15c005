#!/usr/bin/env python3
"""The planner's own performance targets, measured side by side in one run:

    python3 bench/plan_scale.py [--plan-tus 10000] [--nix-tus 1000[,10000...]] [--runs 7] [--json FILE]
                                [--work DIR] [--keep] [--skip-planner] [--no-build] [--nixcc-plan PATH]

1. nixcc-plan on --plan-tus compile commands (bench/gen_project.py --tiny, configured by CMake with
   CMAKE_EXPORT_COMPILE_COMMANDS). The first plan scans every unit once (-M, kept in PLAN/scans.sqlite,
   several minutes at 10,000 units); the figure is the median of --runs re-plans, which read the kept
   header lists, re-hash every input and carry the partition forward: what a user pays on every
   plan after the first.                                                               target < 1 s
   --skip-planner leaves this part out.
2. For each size in --nix-tus, a plan of that many units (File API), built once with nix-build; then
   the median of --runs warm `nix-instantiate PLAN` (target < 0.25 s at 1,000 units) and of --runs
   no-op `nix-build PLAN` (target < 0.3 s), beside the floor of any Nix evaluation
   (`nix-instantiate --eval -E 1`). With --no-build nothing is built: one untimed nix-instantiate
   (which copies the sources into the store), then the timed ones. Also the median of --runs
   evaluations of the plan's data alone: a copy of the plan whose builders are bench/stub_lib.nix,
   forced with builtins.deepSeq, which costs reading the plan and nothing of the store. Re-running
   with --work DIR reuses the generated projects and the plans' dependency scans, so two planners
   (--nixcc-plan) can be compared on the same projects, one after the other.

Wall time is time.monotonic() around the command, CPU is user + system of the command and its waited-for
children (wait4), peak memory is the command's ru_maxrss. Prints a table and writes JSON (default
bench/out/plan_scale.json). Exit status 0 when the benchmark ran, whether or not targets are met.
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
NIX_OPTIONS = ["--option", "sandbox", "false", "--option", "substituters", "", "--option", "build-users-group", "",
               "--option", "max-jobs", "2", "--option", "cores", "1"]


def timed(cmd, runs):
    """Median wall, median CPU and largest peak RSS of `runs` runs of cmd."""
    walls, cpus, rss = [], [], 0.0
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        walls.append(time.monotonic() - start)
        if proc.returncode != 0:
            raise SystemExit(f"plan_scale.py: {' '.join(cmd)} failed with {proc.returncode}:\n{proc.stdout}")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        rss = max(rss, after.ru_maxrss / 1024)  # the largest child so far: an upper bound
    return {"wall_s": statistics.median(walls), "cpu_s": statistics.median(cpus), "walls": walls, "max_rss_mb": rss}


def run(cmd):
    """Runs cmd once; returns its wall seconds."""
    return timed(cmd, 1)["wall_s"]


def generate(tus, out, compile_commands):
    run([sys.executable, os.path.join(HERE, "gen_project.py"), "--tus", str(tus), "--tiny", "--out", os.path.join(out, "src")])
    build = os.path.join(out, "build")
    query = os.path.join(build, ".cmake", "api", "v1", "query", "client-nixcc")
    os.makedirs(query, exist_ok=True)
    for name in ("codemodel-v2", "cache-v2", "toolchains-v1"):
        open(os.path.join(query, name), "w").close()
    cmake = ["cmake", "-S", os.path.join(out, "src"), "-B", build, "-G", "Ninja"]
    if compile_commands:
        cmake.append("-DCMAKE_EXPORT_COMPILE_COMMANDS=ON")
    run(cmake)
    return build


def nix_sizes(text):
    """--nix-tus: comma-separated unit counts, each at least 3."""
    try:
        sizes = [int(t) for t in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text}: not a comma-separated list of numbers")
    if not sizes or min(sizes) < 3:
        raise argparse.ArgumentTypeError(f"{text}: every size must be at least 3")
    return sizes


def measure_planner(args, planner, work):
    """Part 1: re-planning many compile commands."""
    big = os.path.join(work, f"plan-{args.plan_tus}")
    build = os.path.join(big, "build")
    if not os.path.exists(os.path.join(build, "compile_commands.json")):
        generate(args.plan_tus, big, compile_commands=True)
    plan_cmd = [planner, "--compile-commands", os.path.join(build, "compile_commands.json"),
                "-o", os.path.join(big, "plan"), "--metrics"]
    first = run(plan_cmd)
    again = timed(plan_cmd, args.runs)
    with open(os.path.join(big, "plan", "metrics.json")) as f:
        phases = json.load(f)["phases"]
    return {"units": args.plan_tus, "first_plan_wall_s": first, **again, "phases_s": phases,
            "target_s": 1.0, "met": again["wall_s"] < 1.0}


def measure_nix(args, planner, work, units):
    """Part 2: evaluating (and unless --no-build, no-op building) a plan of `units` units."""
    small = os.path.join(work, f"nix-{units}")
    build = os.path.join(small, "build")
    if not os.path.exists(os.path.join(build, "CMakeCache.txt")):
        generate(units, small, compile_commands=False)
    plan = os.path.join(small, "plan")
    result = os.path.join(small, "result")
    plan_wall = run([planner, build, "-o", plan])
    instantiate = ["nix-instantiate", plan, "--add-root", os.path.join(small, "drv"), "--indirect"] + NIX_OPTIONS
    report = {"units": units, "plan_wall_s": plan_wall}
    if args.no_build:
        report["first_instantiate_wall_s"] = run(instantiate)
    else:
        report["first_build_wall_s"] = run(["nix-build", plan, "-o", result] + NIX_OPTIONS)
    inst = timed(instantiate, args.runs)
    report["instantiate"] = {**inst, "target_s": 0.25, "met": inst["wall_s"] < 0.25}
    if not args.no_build:
        noop = timed(["nix-build", plan, "-o", result] + NIX_OPTIONS, args.runs)
        report["noop_build"] = {**noop, "target_s": 0.3, "met": noop["wall_s"] < 0.3}
    data = os.path.join(small, "plan-data")
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(plan, data, symlinks=True, ignore=shutil.ignore_patterns("batches", ".root", "*.sqlite*"))
    shutil.copy(os.path.join(HERE, "stub_lib.nix"), os.path.join(data, "nixcc", "lib.nix"))
    report["plan_data"] = timed(["nix-instantiate", "--eval", "--argstr", "plan", data, "-E",
                                 "{ plan }: builtins.deepSeq (import (/. + plan) { }) 1"] + NIX_OPTIONS, args.runs)
    return report


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plan-tus", type=int, default=10000, help="compile commands for the planner (default 10000)")
    ap.add_argument("--nix-tus", type=nix_sizes, default=[1000],
                    help="units of the plans Nix evaluates, comma-separated (default 1000)")
    ap.add_argument("--runs", type=int, default=7, help="timed repetitions of each step (default 7)")
    ap.add_argument("--json", default=os.path.join(REPO, "bench", "out", "plan_scale.json"))
    ap.add_argument("--work", help="scratch folder, reused when it exists (default: a new temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    ap.add_argument("--skip-planner", action="store_true", help="leave out part 1 (re-planning --plan-tus commands)")
    ap.add_argument("--no-build", action="store_true", help="part 2 without nix-build: nix-instantiate only")
    ap.add_argument("--nixcc-plan", default=os.path.join(REPO, "build", "bin", "nixcc-plan"))
    args = ap.parse_args()
    if args.plan_tus < 3 or args.runs < 1:
        ap.error("--plan-tus must be at least 3, --runs at least 1")
    planner = os.path.abspath(args.nixcc_plan)
    if not os.access(planner, os.X_OK):
        ap.error(f"no executable {planner} (build nixcc, or pass --nixcc-plan)")
    for tool in ("cmake", "ninja", "c++", "nix-build", "nix-instantiate"):
        if not shutil.which(tool):
            ap.error(f"{tool} not found")
    work = os.path.abspath(args.work) if args.work else tempfile.mkdtemp(prefix="nixcc-plan-scale-")
    os.makedirs(work, exist_ok=True)
    report = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "cpus": os.cpu_count(), "load_before": os.getloadavg()[0],
              "nixcc_plan": planner}
    try:
        if not args.skip_planner:
            report["planner"] = measure_planner(args, planner, work)
        report["eval_floor"] = timed(["nix-instantiate", "--eval", "-E", "1"] + NIX_OPTIONS, args.runs)
        report["nix"] = [measure_nix(args, planner, work, units) for units in args.nix_tus]
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)
    report["load_after"] = os.getloadavg()[0]

    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(report, f, indent=1)
    met = lambda ok: "met" if ok else "NOT MET"  # noqa: E731
    print(f"nixcc planner scale, median of {args.runs}; load average {report['load_before']:.2f} before, "
          f"{report['load_after']:.2f} after, {report['cpus']} CPUs; {planner}")
    if "planner" in report:
        p = report["planner"]
        print(f"  nixcc-plan, {p['units']} compile commands (re-plan)  {p['wall_s']:.3f} s wall, {p['cpu_s']:.3f} s CPU"
              f"   target < 1 s: {met(p['met'])}")
        print("      phases: " + ", ".join(f"{k} {v:.3f}" for k, v in p["phases_s"].items())
              + f"; first plan of this run (scans any unit not scanned before) {p['first_plan_wall_s']:.1f} s")
    for n in report["nix"]:
        inst = n["instantiate"]
        print(f"  nix-instantiate, {n['units']} units   {inst['wall_s']:.3f} s wall, {inst['cpu_s']:.3f} s CPU,"
              f" {inst['max_rss_mb']:.0f} MB   target < 0.25 s at 1,000 units: {met(inst['met'])}")
        print(f"  the plan's data alone, {n['units']} units   {n['plan_data']['wall_s']:.3f} s wall")
        if "noop_build" in n:
            print(f"  no-op nix-build, {n['units']} units   {n['noop_build']['wall_s']:.3f} s"
                  f"   target < 0.3 s: {met(n['noop_build']['met'])}; first build {n['first_build_wall_s']:.1f} s")
    print(f"      floor of any evaluation (nix-instantiate --eval -E 1): {report['eval_floor']['wall_s']:.3f} s")
    print(f"figures written to {os.path.abspath(args.json)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
