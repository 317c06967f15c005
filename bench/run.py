#!/usr/bin/env python3
"""nixcc benchmark suite: make, ninja, ccache, the nixcc launcher and nixcc plan + nix-build, side by side.

    python3 bench/run.py [--tus 100,1000] [--runs 3] [--real abseil|googletest|none] [--json FILE]
                         [--contenders LIST] [--scenarios LIST] [--smoke] [--keep] [--work DIR]

Projects: the synthetic generator (bench/gen_project.py) at each --tus size, and one real CMake project
(--real): abseil-cpp as vendored in the npm package re2@1.21.4 (151 TUs; sha512 pinned) or Debian's
googletest 1.12.1-0.2 sources with its own tests and samples (99 TUs, one short of 100; .deb sha256
pinned). Downloads are cached in --cache (default ~/.cache/nixcc-bench); nothing is committed.

Contenders (from the same source tree and the same CMake options, in the same run, in rotating order):
  make          Unix Makefiles, make -j2
  ninja         Ninja, ninja -j2
  ccache_cold   ninja -j2 with CMAKE_CXX_COMPILER_LAUNCHER=ccache and an empty cache (fresh per run)
  ccache_warm   the same right after ccache_cold, build tree wiped, cache kept: every scenario hits
  launcher      ninja -j2 with CMAKE_CXX_COMPILER_LAUNCHER=nixcc
  nix_batched   nixcc-plan + nix-build --option max-jobs 2 --option cores 1 (cost-balanced batches)
  nix_per_file  nixcc-plan --per-file + nix-build (one derivation per TU)

Scenarios, in this order on one tree per contender and run: cold (empty build tree; for nix the first
plan + build), noop (build again), edit_cpp (one .cpp gets a new function), edit_header (a widely
included header gets a new inline function), add_tu (a new .cpp in an existing target; CMake re-runs).
The nix contenders follow the real workflow after every change: (cmake re-configure, for add_tu only,
as make/ninja re-run it themselves), `nixcc-plan BUILD -o PLAN --previous RESULT --timings
RESULT/timings.sqlite`, `nix-build PLAN -o RESULT`; their figures include the planner, which is also
reported on its own. After each cold build, `nix-instantiate PLAN` is timed three times (warm).

What is measured, per command (the nix figures sum the planner, nix-build and any re-configure):
  wall    time.monotonic() around the command
  cpu     user + system CPU of the whole process tree, from wait4() on the command: every descendant
          that was waited for is included (make/ninja/nix-build all wait for their children)
  util    cpu / (wall x cores)
  tree    peak of the summed RSS of the command and all its live descendants, sampled from /proc every
          50 ms (shared pages count once per process; a tree living under 50 ms may show 0 and
          falls back to max_rss)
  max_rss the largest single process's peak RSS (wait4's ru_maxrss, what GNU time %M reports)
Each figure is the median over the runs; ratios are median(contender) / median(make -j2) of the same
project, scenario and metric. A project whose first cold make build takes over 60 s is run once.

Exit status 0 when the benchmark completed (whether targets are met or not), non-zero when it failed.
"""
import argparse
import base64
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CORES = os.cpu_count() or 1
NIX_HOST_OPTIONS = ["--option", "sandbox", "false", "--option", "substituters", "",
                    "--option", "build-users-group", ""]
NIX_JOBS = ["--option", "max-jobs", "2", "--option", "cores", "1"]
NIX_JOBS_ALT = ["--option", "max-jobs", "1", "--option", "cores", "2"]
ALL_CONTENDERS = ["make", "ninja", "ccache_cold", "ccache_warm", "launcher", "nix_batched", "nix_per_file"]
ALL_SCENARIOS = ["cold", "noop", "edit_cpp", "edit_header", "add_tu"]
LARGE_CONTENDERS = ["make", "ninja", "nix_batched", "nix_per_file"]
LARGE_SCENARIOS = ["cold", "noop", "edit_cpp"]

REAL_PROJECTS = {
    "abseil": {
        "what": "abseil-cpp as vendored in the npm package re2@1.21.4 (vendor/abseil-cpp)",
        "fetch": "npm", "package": "re2", "version": "1.21.4",
        "integrity": "sha512-MVIfXWJmsP28mRsSt8HeL750ifb8H5+oF2UDIxGaiJCr8fkMqhLZ7kcX9ADRk2dC8qeGKedB7UVYRfBVpEiLfA==",
        "subdir": "package/vendor/abseil-cpp",
        "cmake_args": ["-DCMAKE_CXX_STANDARD=17", "-DABSL_PROPAGATE_CXX_STD=ON", "-DBUILD_TESTING=OFF"],
        "edit_cpp": "absl/strings/numbers.cc",
        "edit_header": "absl/numeric/int128.h",
        "add_tu_link": "absl::strings",
        "add_tu_include": "absl/strings/str_cat.h",
    },
    "googletest": {
        "what": "googletest 1.12.1 sources from Debian's googletest 1.12.1-0.2 .deb, with its tests and samples",
        "fetch": "deb", "package": "googletest", "version": "1.12.1-0.2",
        "sha256": "927be72067517da503b6538026d451455c9e860f5dbfe237f792543db7d5a928",
        "subdir": "usr/src/googletest",
        "cmake_args": ["-Dgtest_build_tests=ON", "-Dgmock_build_tests=ON", "-Dgtest_build_samples=ON"],
        "edit_cpp": "googletest/src/gtest-printers.cc",
        "edit_header": "googletest/include/gtest/gtest-message.h",
        "add_tu_link": "gtest",
        "add_tu_include": "gtest/gtest.h",
    },
}


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def tool_version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return None


# --- measuring a process tree ------------------------------------------------------------------------

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def tree_rss_kb(root):
    """Summed RSS (kB) of root and all its live descendants, from /proc/*/stat."""
    children, rss = {}, {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                s = f.read()
        except OSError:
            continue
        fields = s[s.rfind(b")") + 2:].split()
        pid = int(d)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * PAGE_KB
    total, todo = 0, [root]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


def run_measured(cmd, cwd, env=None, log_path=None, check=True):
    """Runs cmd; returns wall_s, cpu_s, tree_peak_kb, max_rss_kb, rc, output path."""
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL
    if log_path:
        out.write(("$ " + " ".join(cmd) + "\n").encode())
        out.flush()
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    peak = [0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            try:
                peak[0] = max(peak[0], tree_rss_kb(proc.pid))
            except Exception:  # a process vanishing mid-scan
                pass
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    stop.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if log_path:
        out.close()
    cpu = ru.ru_utime + ru.ru_stime
    res = {"wall_s": wall, "cpu_s": cpu, "tree_peak_kb": max(peak[0], ru.ru_maxrss), "max_rss_kb": ru.ru_maxrss,
           "rc": proc.returncode}
    if check and proc.returncode != 0:
        tail = ""
        if log_path:
            with open(log_path, "rb") as f:
                tail = f.read()[-6000:].decode(errors="replace")
        raise RuntimeError(f"command failed ({proc.returncode}) in {cwd}: {' '.join(cmd)}\n{tail}")
    return res


def combine(steps):
    return {"wall_s": sum(s["wall_s"] for s in steps), "cpu_s": sum(s["cpu_s"] for s in steps),
            "tree_peak_kb": max(s["tree_peak_kb"] for s in steps), "max_rss_kb": max(s["max_rss_kb"] for s in steps)}


def count_compiles(log_path, since):
    """Compiles in the part of log_path written after byte offset `since`: (compiled, reused)."""
    with open(log_path, "rb") as f:
        f.seek(since)
        text = f.read().decode(errors="replace")
    compiled = len(re.findall(r"Building (?:CXX|C) object", text))
    batch_compiled = len(re.findall(r"^\[\S+ \d+/\d+\] (?!FAILED).*\s\d+(?:\.\d+)?s$", text, re.M))
    reused = len(re.findall(r"^\[\S+ \d+/\d+\] .* reused$", text, re.M))
    return compiled + batch_compiled, reused


# --- projects ------------------------------------------------------------------------------------------

class Project:
    def __init__(self, name, kind, pristine, work, cmake_args, edit_cpp, edit_header, tus, info):
        self.name, self.kind, self.pristine, self.work = name, kind, pristine, work
        self.cmake_args, self.edit_cpp, self.edit_header, self.tus, self.info = cmake_args, edit_cpp, edit_header, tus, info
        self.src = os.path.join(work, "src")

    def restore(self):
        if os.path.exists(self.src):
            shutil.rmtree(self.src)
        shutil.copytree(self.pristine, self.src, symlinks=True)

    def do_edit_cpp(self):
        with open(os.path.join(self.src, self.edit_cpp), "a") as f:
            f.write("\nint nixcc_bench_edited_cpp_function(int x) { return x * 3 + 1; }\n")

    def do_edit_header(self):
        # Inside the include guard when the header has one (its last #endif): appended after it, the
        # function would be defined twice in a unit that includes the header twice (abseil's int128.h).
        path = os.path.join(self.src, self.edit_header)
        with open(path) as f:
            text = f.read()
        added = "\ninline int nixcc_bench_edited_header_function(int x) { return x * 5 + 2; }\n"
        guard_end = text.rfind("\n#endif")
        if guard_end >= 0 and not text[guard_end + 1:].split("\n", 1)[-1].strip():
            text = text[:guard_end] + added + text[guard_end:]
        else:
            text += added
        with open(path, "w") as f:
            f.write(text)

    def do_add_tu(self):
        if self.kind == "synthetic":
            subprocess.run([sys.executable, os.path.join(HERE, "gen_project.py"), "--add-tu", self.src],
                           check=True, capture_output=True)
            return
        real = self.info["real"]
        with open(os.path.join(self.src, "nixcc_bench_added.cc"), "w") as f:
            f.write(f'#include "{real["add_tu_include"]}"\n'
                    "int nixcc_bench_added_function(int x) { return x + 42; }\n")
        with open(os.path.join(self.src, "CMakeLists.txt"), "a") as f:
            f.write("\nadd_library(nixcc_bench_added STATIC nixcc_bench_added.cc)\n"
                    f"target_link_libraries(nixcc_bench_added PUBLIC {real['add_tu_link']})\n")


def synthetic_project(tus, seed, root, style_args=()):
    work = os.path.join(root, f"synthetic-{tus}")
    pristine = os.path.join(work, "pristine")
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work)
    subprocess.run([sys.executable, os.path.join(HERE, "gen_project.py"), "--tus", str(tus), "--seed", str(seed),
                    "--out", pristine] + list(style_args), check=True, capture_output=True)
    with open(os.path.join(pristine, "bench-meta.json")) as f:
        meta = json.load(f)
    info = {"generator": "bench/gen_project.py " + " ".join(style_args), "seed": seed, "targets": len(meta["targets"]),
            "template_heavy_tus": len(meta["heavy_tus"]), "edit_header_fan_in": meta["edit_header_fan_in"]}
    return Project(f"synthetic-{tus}", "synthetic", pristine, work, [], meta["edit_cpp"], meta["edit_header"], tus, info)


def fetch_real(name, cache, root):
    real = REAL_PROJECTS[name]
    os.makedirs(cache, exist_ok=True)
    if real["fetch"] == "npm":
        tgz = os.path.join(cache, f"{real['package']}-{real['version']}.tgz")
        if not os.path.exists(tgz):
            log(f"npm pack {real['package']}@{real['version']}")
            subprocess.run(["npm", "pack", f"{real['package']}@{real['version']}", "--silent"], cwd=cache, check=True,
                           capture_output=True)
        algo, want = real["integrity"].split("-", 1)
        got = base64.b64encode(hashlib.new(algo, open(tgz, "rb").read()).digest()).decode()
        if got != want:
            raise SystemExit(f"run.py: {tgz}: {algo} {got} is not the pinned {want}")
        checksum = real["integrity"]
        extract = os.path.join(root, f"real-{name}-extract")
        shutil.rmtree(extract, ignore_errors=True)
        with tarfile.open(tgz) as t:
            t.extractall(extract)
    else:
        deb = os.path.join(cache, f"{real['package']}_{real['version']}_all.deb")
        if not os.path.exists(deb):
            log(f"apt-get download {real['package']}={real['version']}")
            r = subprocess.run(["apt-get", "download", f"{real['package']}={real['version']}"], cwd=cache,
                               capture_output=True, text=True)
            if r.returncode != 0:
                raise SystemExit(f"run.py: apt-get download failed (run apt-get update first?):\n{r.stderr}")
        got = hashlib.sha256(open(deb, "rb").read()).hexdigest()
        if got != real["sha256"]:
            raise SystemExit(f"run.py: {deb}: sha256 {got} is not the pinned {real['sha256']}")
        checksum = "sha256-" + got
        extract = os.path.join(root, f"real-{name}-extract")
        shutil.rmtree(extract, ignore_errors=True)
        subprocess.run(["dpkg-deb", "-x", deb, extract], check=True)
    work = os.path.join(root, f"real-{name}")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    pristine = os.path.join(work, "pristine")
    shutil.move(os.path.join(extract, real["subdir"]), pristine)
    shutil.rmtree(extract, ignore_errors=True)
    info = {"what": real["what"], "package": real["package"], "version": real["version"], "checksum": checksum,
            "real": real}
    return Project(f"{name}", "real", pristine, work, real["cmake_args"], real["edit_cpp"], real["edit_header"],
                   None, info)


# --- contenders -------------------------------------------------------------------------------------------

class Bench:
    def __init__(self, args):
        self.args = args
        self.nixcc = args.nixcc
        self.planner = args.nixcc_plan

    def configure(self, project, contender, build, salt, log_path):
        if os.path.exists(build):
            shutil.rmtree(build)
        os.makedirs(build)
        gen = "Unix Makefiles" if contender == "make" else "Ninja"
        flags = f"-DNIXCC_BENCH_SALT={salt}"
        cmd = ["cmake", "-S", project.src, "-B", build, "-G", gen, f"-DCMAKE_BUILD_TYPE={self.args.build_type}",
               f"-DCMAKE_CXX_FLAGS={flags}", f"-DCMAKE_C_FLAGS={flags}"] + project.cmake_args
        if contender.startswith("ccache"):
            cmd += ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache", "-DCMAKE_C_COMPILER_LAUNCHER=ccache"]
        elif contender == "launcher":
            cmd += [f"-DCMAKE_CXX_COMPILER_LAUNCHER={self.nixcc}", f"-DCMAKE_C_COMPILER_LAUNCHER={self.nixcc}"]
        elif contender.startswith("nix"):
            q = os.path.join(build, ".cmake/api/v1/query/client-nixcc")
            os.makedirs(q)
            for k in ("codemodel-v2", "cache-v2", "toolchains-v1"):
                open(os.path.join(q, k), "w").close()
        run_measured(cmd, build, log_path=log_path)

    def sequence(self, project, contender, run, salt, scenarios, env, nix_jobs=NIX_JOBS):
        """One contender's scenarios on a fresh copy of the pristine tree. Returns {scenario: record}."""
        work = project.work
        tag = "nix" if contender.startswith("nix") else contender
        build = os.path.join(work, f"build-{tag}" if not contender.startswith("ccache") else "build-ccache")
        logdir = os.path.join(work, "logs")
        os.makedirs(logdir, exist_ok=True)
        log_path = os.path.join(logdir, f"{contender}-run{run}.log")
        project.restore()
        self.configure(project, contender, build, salt, log_path)
        out = {}
        plan = os.path.join(work, f"plan-{contender}")
        result = os.path.join(work, f"result-{contender}")
        extra = ["--per-file"] if contender == "nix_per_file" else []
        for sc in scenarios:
            if sc == "edit_cpp":
                project.do_edit_cpp()
            elif sc == "edit_header":
                project.do_edit_header()
            elif sc == "add_tu":
                project.do_add_tu()
            since = os.path.getsize(log_path)
            rec = {}
            if contender.startswith("nix"):
                steps = []
                if sc == "add_tu":
                    steps.append(run_measured(["cmake", build], build, env=env, log_path=log_path))
                    rec["reconfigure_s"] = steps[-1]["wall_s"]
                if sc == "cold":
                    shutil.rmtree(plan, ignore_errors=True)
                    for p in (result,):
                        if os.path.islink(p):
                            os.unlink(p)
                    pcmd = [self.planner, build, "-o", plan, "--metrics"] + extra
                else:
                    pcmd = [self.planner, build, "-o", plan, "--metrics", "--previous", result,
                            "--timings", os.path.join(result, "timings.sqlite")] + extra
                p = run_measured(pcmd, work, env=env, log_path=log_path)
                steps.append(p)
                rec["planner_s"] = p["wall_s"]
                try:
                    with open(os.path.join(plan, "metrics.json")) as f:
                        rec["planner_metrics"] = json.load(f)
                except (OSError, ValueError):
                    pass
                b = run_measured(["nix-build", plan, "-o", result] + NIX_HOST_OPTIONS + nix_jobs, work, env=env,
                                 log_path=log_path)
                steps.append(b)
                rec["nix_build_s"] = b["wall_s"]
                rec["nix_build_tree_peak_kb"] = b["tree_peak_kb"]
                with open(log_path, "rb") as f:
                    f.seek(since)
                    rec["derivations_built"] = len(re.findall(rb"^building '", f.read(), re.M))
                m = combine(steps)
            else:
                tool = ["make", "-j2"] if contender == "make" else ["ninja", "-j2"]
                m = run_measured(tool, build, env=env, log_path=log_path)
            rec.update({k: m[k] for k in ("wall_s", "cpu_s", "tree_peak_kb", "max_rss_kb")})
            rec["cpu_util"] = m["cpu_s"] / (m["wall_s"] * CORES) if m["wall_s"] > 0 else 0.0
            rec["units_compiled"], rec["units_reused"] = count_compiles(log_path, since)
            out[sc] = rec
            log(f"  {project.name} run {run} {contender:13s} {sc:12s} {m['wall_s']:8.2f} s  cpu {m['cpu_s']:7.1f} s  "
                f"tree {m['tree_peak_kb'] / 1024:7.0f} MB  compiled {rec['units_compiled']}"
                + (f" reused {rec['units_reused']}" if rec["units_reused"] else "")
                + (f"  (plan {rec['planner_s']:.2f} s)" if "planner_s" in rec else ""))
            if sc == "cold" and contender.startswith("nix") and not self.args.no_instantiate:
                out["instantiate"] = self.instantiate(plan, work, env, log_path)
        return out

    def instantiate(self, plan, work, env, log_path):
        runs = [run_measured(["nix-instantiate", plan] + NIX_HOST_OPTIONS, work, env=env, log_path=log_path)
                for _ in range(3)]
        return {"wall_s": statistics.median(r["wall_s"] for r in runs), "runs_s": [r["wall_s"] for r in runs],
                "peak_rss_kb": max(r["max_rss_kb"] for r in runs)}


# --- the run ------------------------------------------------------------------------------------------------

def units_of(contenders):
    units, seen = [], set()
    for c in contenders:
        if c in seen:
            continue
        if c in ("ccache_cold", "ccache_warm"):
            pair = [x for x in ("ccache_cold", "ccache_warm") if x in contenders]
            units.append(pair)
            seen.update(pair)
        else:
            units.append([c])
            seen.add(c)
    return units


def bench_project(bench, project, contenders, scenarios, runs, salt_base, progress=None):
    log(f"project {project.name}: contenders {','.join(contenders)}; scenarios {','.join(scenarios)}")
    per_run = {c: [] for c in contenders}
    units = units_of(contenders)
    r = 0
    planned = runs
    while r < planned:
        order = units[r % len(units):] + units[:r % len(units)]
        salt = f"{salt_base}{r}"
        ccache_dir = os.path.join(project.work, f"ccache-run{r}")
        shutil.rmtree(ccache_dir, ignore_errors=True)
        for unit in order:
            for c in unit:
                env = dict(os.environ)
                env["CCACHE_DIR"] = ccache_dir
                env["NIXCC_DB"] = os.path.join(project.work, f"launcher-run{r}.sqlite")
                env.pop("NIXCC_DISABLE", None)
                per_run[c].append(bench.sequence(project, c, r, salt, scenarios, env))
                if progress:  # a partial summary, so an interrupted run still leaves its figures
                    progress(summarize(project, {k: v for k, v in per_run.items() if v}, scenarios, r + 1))
        if r == 0 and "make" in per_run and per_run["make"][0]["cold"]["wall_s"] > 60 and planned > 1:
            log(f"{project.name}: cold make -j2 took {per_run['make'][0]['cold']['wall_s']:.0f} s > 60 s: one run only")
            planned = 1
        r += 1
    return summarize(project, per_run, scenarios, planned)


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarize(project, per_run, scenarios, runs):
    results = {}
    for sc in scenarios:
        results[sc] = {}
        for c, rs in per_run.items():
            recs = [x[sc] for x in rs if sc in x]
            if not recs:
                continue
            s = {"wall_s": med(r["wall_s"] for r in recs), "cpu_s": med(r["cpu_s"] for r in recs),
                 "cpu_util": med(r["cpu_util"] for r in recs),
                 "tree_peak_mb": med(r["tree_peak_kb"] / 1024 for r in recs),
                 "max_rss_mb": med(r["max_rss_kb"] / 1024 for r in recs),
                 "units_compiled": med(r["units_compiled"] for r in recs),
                 "units_reused": med(r["units_reused"] for r in recs),
                 "runs": [{k: v for k, v in r.items() if k != "planner_metrics"} for r in recs]}
            for k in ("planner_s", "nix_build_s", "reconfigure_s", "derivations_built"):
                if any(k in r for r in recs):
                    s[k] = med(r.get(k) for r in recs)
            if any("nix_build_tree_peak_kb" in r for r in recs):
                s["nix_build_tree_peak_mb"] = med(r.get("nix_build_tree_peak_kb", 0) / 1024 for r in recs)
            pm = [r["planner_metrics"] for r in recs if "planner_metrics" in r]
            if pm:
                s["planner_metrics"] = pm[-1]
            results[sc][c] = s
        base = results[sc].get("make")
        for c, s in results[sc].items():
            for k, rk in (("wall_s", "wall_vs_make"), ("cpu_s", "cpu_vs_make"), ("tree_peak_mb", "tree_peak_vs_make")):
                s[rk] = (s[k] / base[k]) if base and base.get(k) else None
    inst = {}
    for c, rs in per_run.items():
        xs = [x["instantiate"] for x in rs if "instantiate" in x]
        if xs:
            inst[c] = {"wall_s": med(x["wall_s"] for x in xs), "peak_rss_mb": med(x["peak_rss_kb"] / 1024 for x in xs),
                       "runs_s": [v for x in xs for v in x["runs_s"]]}
    info = {k: v for k, v in project.info.items() if k != "real"}
    return {"name": project.name, "kind": project.kind, "tus": project.tus, "runs": runs, "info": info,
            "edit_cpp": project.edit_cpp, "edit_header": project.edit_header, "results": results, "instantiate": inst}


def count_tus(project, build_type):
    """TUs of a configured tree (real projects): entries of compile_commands.json."""
    build = os.path.join(project.work, "build-count")
    project.restore()
    subprocess.run(["cmake", "-S", project.src, "-B", build, "-G", "Ninja", f"-DCMAKE_BUILD_TYPE={build_type}",
                    "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"] + project.cmake_args, check=True, capture_output=True)
    with open(os.path.join(build, "compile_commands.json")) as f:
        n = len(json.load(f))
    shutil.rmtree(build)
    return n


def evaluate_targets(projects, jobs_cmp):
    targets = []

    def add(name, target, value, met, note):
        targets.append({"name": name, "target": target, "value": value, "met": met, "note": note})

    for p in projects:
        res = p["results"]
        big = (p["tus"] or 0) >= 100
        cold = res.get("cold", {})
        if big and "nix_batched" in cold and cold["nix_batched"].get("wall_vs_make"):
            v = cold["nix_batched"]["wall_vs_make"]
            add(f"cold build, batched ({p['name']})", "<= 1.05x make -j2", round(v, 3), v <= 1.05,
                f"planner included; CPU {cold['nix_batched']['cpu_vs_make']:.2f}x make")
        e = res.get("edit_cpp", {})
        if "nix_batched" in e and e["nix_batched"].get("wall_vs_make"):
            v = e["nix_batched"]["wall_vs_make"]
            add(f"one .cpp edited, batched with reuse ({p['name']})", "<= 1.3x make -j2", round(v, 3), v <= 1.3,
                f"planner included; CPU {e['nix_batched']['cpu_vs_make']:.2f}x make")
        n = res.get("noop", {})
        if (p["tus"] or 0) >= 1000 and "nix_batched" in n:
            v = n["nix_batched"]["wall_s"]
            add(f"no-op rebuild, plan + nix-build ({p['name']})", "< 0.3 s", round(v, 3), v < 0.3,
                f"nix-build alone {n['nix_batched'].get('nix_build_s', 0):.3f} s, planner {n['nix_batched'].get('planner_s', 0):.3f} s")
        inst = p["instantiate"].get("nix_batched")
        if (p["tus"] or 0) >= 1000 and inst:
            add(f"nix-instantiate warm ({p['name']})", "< 0.25 s", round(inst["wall_s"], 3), inst["wall_s"] < 0.25,
                f"peak RSS {inst['peak_rss_mb']:.0f} MB")
        if big and "nix_batched" in cold and cold["nix_batched"].get("tree_peak_vs_make"):
            v = cold["nix_batched"]["tree_peak_vs_make"]
            add(f"peak memory, cold, nix-build tree vs make tree ({p['name']})", "<= 2x make -j2", round(v, 3), v <= 2,
                "summed RSS of the process trees, planner included")
        if "launcher" in cold and "ninja" in cold and cold["ninja"]["wall_s"]:
            v = cold["launcher"]["wall_s"] / cold["ninja"]["wall_s"]
            add(f"launcher overhead, cold ({p['name']})", "<= 1.03x ninja -j2", round(v, 3), v <= 1.03,
                f"CPU ratio {cold['launcher']['cpu_s'] / cold['ninja']['cpu_s']:.3f}")
        if "nix_batched" in cold and "nix_per_file" in cold:
            a, b = cold["nix_batched"]["wall_s"], cold["nix_per_file"]["wall_s"]
            add(f"batched vs per-file cold build ({p['name']})", "show the gap", round(b / a, 3), None,
                f"per-file {b:.1f} s vs batched {a:.1f} s ({b - a:+.1f} s)")
    if jobs_cmp:
        add("nix-build max-jobs 2 cores 1 vs max-jobs 1 cores 2 (cold, batched)", "report which is better",
            round(jobs_cmp["max_jobs_2_cores_1_s"] / jobs_cmp["max_jobs_1_cores_2_s"], 3), None,
            f"{jobs_cmp['max_jobs_2_cores_1_s']:.1f} s vs {jobs_cmp['max_jobs_1_cores_2_s']:.1f} s: {jobs_cmp['better']} is faster")
    return targets


def fmt(v, spec=".2f", none="-"):
    return none if v is None else format(v, spec)


def table(report):
    lines = []
    for p in report["projects"]:
        gen = p["info"].get("generator") or p["info"].get("what", "")
        lines.append(f"\n## {p['name']}  ({p['tus'] or '?'} TUs, {gen.strip()}; {p['runs']} run(s), median; "
                     f"ratios against make -j2 of the same run)")
        lines.append(f"{'scenario':12s} {'contender':13s} {'wall s':>8s} {'xmake':>6s} {'cpu s':>7s} {'xmake':>6s} {'util':>5s} "
                     f"{'tree MB':>8s} {'xmake':>6s} {'compiled':>8s} {'reused':>6s} {'plan s':>7s} {'drvs':>5s}")
        for sc, byc in p["results"].items():
            for c in ALL_CONTENDERS:
                if c not in byc:
                    continue
                s = byc[c]
                lines.append(f"{sc:12s} {c:13s} {fmt(s['wall_s'], '8.2f')} {fmt(s['wall_vs_make'], '6.2f')} "
                             f"{fmt(s['cpu_s'], '7.1f')} {fmt(s['cpu_vs_make'], '6.2f')} {fmt(s['cpu_util'] * 100, '4.0f')}% {fmt(s['tree_peak_mb'], '8.0f')} "
                             f"{fmt(s['tree_peak_vs_make'], '6.2f')} {fmt(s['units_compiled'], '8.0f')} "
                             f"{fmt(s['units_reused'] or None, '6.0f')} {fmt(s.get('planner_s'), '7.2f')} "
                             f"{fmt(s.get('derivations_built'), '5.0f')}")
        for c, i in p["instantiate"].items():
            lines.append(f"nix-instantiate {c}: {i['wall_s']:.3f} s warm (median of {len(i['runs_s'])}), "
                         f"peak RSS {i['peak_rss_mb']:.0f} MB")
        cold = p["results"].get("cold", {})
        for c in ("nix_batched", "nix_per_file"):
            pm = cold.get(c, {}).get("planner_metrics")
            if pm:
                ph = ", ".join(f"{k} {v:.3f}" for k, v in pm.get("phases", {}).items())
                lines.append(f"planner {c} (cold): total {pm.get('total_s', 0):.3f} s ({ph}); "
                             f"{pm.get('batches')} batches, {pm.get('derivations')} derivations")
    if report.get("nix_jobs_comparison"):
        j = report["nix_jobs_comparison"]
        lines.append(f"\nnix-build options, cold batched build of {j['project']}: max-jobs 2 cores 1 "
                     f"{j['max_jobs_2_cores_1_s']:.1f} s, max-jobs 1 cores 2 {j['max_jobs_1_cores_2_s']:.1f} s ({j['better']} is faster)")
    lines.append("\n## targets")
    for t in report["targets"]:
        met = {True: "MET", False: "MISSED", None: "info"}[t["met"]]
        lines.append(f"{met:6s} {t['name']}: {t['value']} (target {t['target']}; {t['note']})")
    return "\n".join(lines) + "\n"


def machine_facts():
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            ram_kb = int(f.readline().split()[1])
    except OSError:
        ram_kb = 0
    return {"nproc": CORES, "cpu_model": cpu, "ram_gb": round(ram_kb / 1024 / 1024, 1),
            "kernel": platform.release(), "loadavg": list(os.getloadavg())}


def versions(args):
    rev = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                           text=True).stdout.strip()
    return {"nixcc_commit": rev + ("+dirty" if dirty else ""), "nixcc": args.nixcc, "nixcc_plan": args.nixcc_plan,
            "cxx": tool_version(["c++", "--version"]), "cmake": tool_version(["cmake", "--version"]),
            "make": tool_version(["make", "--version"]), "ninja": tool_version(["ninja", "--version"]),
            "ccache": tool_version(["ccache", "--version"]), "nix": tool_version(["nix-build", "--version"]),
            "python": platform.python_version()}


def merge(paths, json_path, table_path):
    reports = []
    for p in paths:
        with open(p) as f:
            reports.append(json.load(f))
    out = dict(reports[0])
    out["date"] = min(r["date"] for r in reports)
    out["projects"] = [p for r in reports for p in r["projects"]]
    out["nix_jobs_comparison"] = next((r["nix_jobs_comparison"] for r in reports if r.get("nix_jobs_comparison")), None)
    out["complete"] = all(r.get("complete") for r in reports)
    out["merged_from"] = [{"file": os.path.basename(p), "date": r["date"], "options": r["options"],
                           "elapsed_s": r.get("elapsed_s"), "loadavg": r["machine"].get("loadavg"),
                           "loadavg_end": r["machine"].get("loadavg_end")} for p, r in zip(paths, reports)]
    out["targets"] = evaluate_targets(out["projects"], out["nix_jobs_comparison"])
    with open(json_path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    text = table(out)
    print(text)
    if table_path:
        with open(table_path, "w") as f:
            f.write(text)
    return 0


def default_bin(name):
    if os.environ.get("NIXCC_BIN_DIR"):
        return os.path.join(os.environ["NIXCC_BIN_DIR"], name)
    for b in ("build-bench", "build"):
        p = os.path.join(REPO, b, "bin", name)
        if os.path.exists(p):
            return p
    return os.path.join(REPO, "build", "bin", name)


def main():
    import signal
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still write the JSON of finished projects
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tus", default="100,1000", help="synthetic sizes, comma-separated (default 100,1000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3, help="runs per project (default 3; 1 when a cold make takes > 60 s)")
    ap.add_argument("--real", default="abseil", help="real project: abseil, googletest or none (default abseil)")
    ap.add_argument("--contenders", default=",".join(ALL_CONTENDERS))
    ap.add_argument("--scenarios", default=",".join(ALL_SCENARIOS))
    ap.add_argument("--large-from", type=int, default=1000,
                    help="synthetic sizes from this many TUs use --large-contenders and --large-scenarios, one run")
    ap.add_argument("--large-contenders", default=",".join(LARGE_CONTENDERS))
    ap.add_argument("--large-scenarios", default=",".join(LARGE_SCENARIOS))
    ap.add_argument("--heavy-scale", type=float, default=1.0,
                    help="gen_project.py --heavy-scale: template-heavy TUs' size (default 1: ~10x the median TU)")
    ap.add_argument("--tiny-from", type=int, default=10**9,
                    help="synthetic sizes from this many TUs are generated --tiny (no standard library, trivial "
                         "bodies; same targets and include graph): the build tools' own overhead at scale")
    ap.add_argument("--build-type", default="", help="CMAKE_BUILD_TYPE for every project (default empty: no -O, no -g)")
    ap.add_argument("--no-jobs-comparison", action="store_true", help="skip the nix-build max-jobs/cores comparison")
    ap.add_argument("--no-instantiate", action="store_true")
    ap.add_argument("--json", default="bench-results.json", help="JSON output (default bench-results.json)")
    ap.add_argument("--table", help="also write the table to this file")
    ap.add_argument("--work", help="scratch folder (default: a new folder under $TMPDIR, removed at the end)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    ap.add_argument("--cache", default=os.path.join(os.path.expanduser("~"), ".cache", "nixcc-bench"))
    ap.add_argument("--smoke", action="store_true",
                    help="CI smoke test: 6 synthetic --tiny TUs, one run, no real project, no 1000-TU size")
    ap.add_argument("--merge", nargs="+", metavar="JSON",
                    help="combine the reports of several invocations (e.g. run side by side) into --json and print the table")
    ap.add_argument("--nixcc", default=default_bin("nixcc"))
    ap.add_argument("--nixcc-plan", default=default_bin("nixcc-plan"))
    args = ap.parse_args()
    if args.merge:
        return merge(args.merge, os.path.abspath(args.json), args.table)
    if args.smoke:
        args.tus, args.runs, args.real, args.no_jobs_comparison = "6", 1, "none", True
    for tool in (args.nixcc, args.nixcc_plan):
        if not os.access(tool, os.X_OK):
            ap.error(f"no executable {tool} (build nixcc, or pass --nixcc/--nixcc-plan)")
    args.nixcc, args.nixcc_plan = os.path.abspath(args.nixcc), os.path.abspath(args.nixcc_plan)
    contenders = [c for c in args.contenders.split(",") if c]
    scenarios = [s for s in args.scenarios.split(",") if s]
    for c in contenders:
        if c not in ALL_CONTENDERS:
            ap.error(f"unknown contender {c}")
    for s in scenarios:
        if s not in ALL_SCENARIOS:
            ap.error(f"unknown scenario {s}")
    if "make" not in contenders:
        ap.error("make is the baseline: keep it in --contenders")
    needed = ["cmake", "make", "ninja", "nix-build", "nix-instantiate", "c++"]
    if any(c.startswith("ccache") for c in contenders):
        needed.append("ccache")
    for tool in needed:
        if not shutil.which(tool):
            ap.error(f"{tool} is not installed")
    json_path = os.path.abspath(args.json)
    sizes = [int(x) for x in args.tus.split(",") if x]
    work = os.path.abspath(args.work) if args.work else None
    if work:
        os.makedirs(work, exist_ok=True)
    else:
        import tempfile
        work = tempfile.mkdtemp(prefix="nixcc-bench.")
    salt_base = f"{int(time.time())}{os.getpid()}r"
    started = datetime.datetime.now(datetime.timezone.utc)
    report = {"format": "nixcc-bench", "version": 1, "date": started.isoformat(timespec="seconds"),
              "machine": machine_facts(), "versions": versions(args),
              "options": {"tus": sizes, "runs": args.runs, "heavy_scale": args.heavy_scale, "tiny_from": args.tiny_from, "real": args.real, "contenders": contenders,
                          "scenarios": scenarios, "build_type": args.build_type, "smoke": args.smoke,
                          "nix_build_options": " ".join(NIX_JOBS), "large_from": args.large_from},
              "projects": [], "nix_jobs_comparison": None, "targets": [], "complete": False}
    bench = Bench(args)
    t0 = time.monotonic()
    try:
        projects = []
        for n in sizes:
            projects.append(("synthetic", n))
        if args.real != "none":
            if args.real not in REAL_PROJECTS:
                ap.error(f"unknown real project {args.real} (abseil, googletest, none)")
            projects.append(("real", args.real))
        for kind, what in projects:
            if kind == "synthetic":
                style = ["--tiny"] if args.smoke else []
                if args.heavy_scale != 1.0:
                    style = ["--heavy-scale", str(args.heavy_scale)]
                if what >= args.tiny_from:
                    style = ["--tiny"]
                project = synthetic_project(what, args.seed, work, style)
                large = what >= args.large_from
                cs = [c for c in args.large_contenders.split(",") if c in contenders] if large else contenders
                ss = [s for s in args.large_scenarios.split(",") if s in scenarios] if large else scenarios
                runs = 1 if large else args.runs
            else:
                project = fetch_real(what, args.cache, work)
                project.tus = count_tus(project, args.build_type)
                project.info["tus"] = project.tus
                log(f"{what}: {project.tus} TUs ({project.info['what']}; {project.info['checksum'][:30]}... verified)")
                cs, ss, runs = contenders, scenarios, args.runs
            done = list(report["projects"])

            def progress(partial, done=done):
                report["projects"] = done + [dict(partial, partial=True)]
                with open(json_path, "w") as f:
                    json.dump(report, f, indent=1)

            summary = bench_project(bench, project, cs, ss, runs, salt_base + project.name.replace("-", ""), progress)
            report["projects"] = done
            report["projects"].append(summary)
            if (not args.no_jobs_comparison and report["nix_jobs_comparison"] is None and kind == "synthetic"
                    and "nix_batched" in cs and "cold" in ss):
                env = dict(os.environ)
                alt = bench.sequence(project, "nix_batched", 99, salt_base + "jobs", ["cold"], env, nix_jobs=NIX_JOBS_ALT)
                main_s = summary["results"]["cold"]["nix_batched"]["wall_s"]
                alt_s = alt["cold"]["wall_s"]
                report["nix_jobs_comparison"] = {
                    "project": project.name, "max_jobs_2_cores_1_s": main_s, "max_jobs_1_cores_2_s": alt_s,
                    "better": "max-jobs 2 cores 1" if main_s <= alt_s else "max-jobs 1 cores 2",
                    "note": "max-jobs 2 cores 1 is the median of the main runs; max-jobs 1 cores 2 one extra run"}
            if not args.keep:
                shutil.rmtree(project.work, ignore_errors=True)
        report["targets"] = evaluate_targets(report["projects"], report["nix_jobs_comparison"])
        report["complete"] = True
    finally:
        report["machine"]["loadavg_end"] = list(os.getloadavg())
        report["elapsed_s"] = round(time.monotonic() - t0, 1)
        with open(json_path, "w") as f:
            json.dump(report, f, indent=1, sort_keys=False)
            f.write("\n")
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)
    text = table(report)
    print(text)
    if args.table:
        with open(args.table, "w") as f:
            f.write(text)
    log(f"JSON written to {json_path} ({report['elapsed_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
