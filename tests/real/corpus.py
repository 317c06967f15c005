#!/usr/bin/env python3
"""Differential test corpus: real CMake projects built by ninja and by nixcc, compared unit by unit.

Every project is a Debian bookworm source package pinned by version and by the sha256 of its .dsc.
For one project, `run NAME`:

  1. fetches it (`apt-get source --download-only PKG=VERSION` into the cache, after adding a deb-src
     entry for bookworm), checks the .dsc against the pinned sha256 and every file against the .dsc's
     Checksums-Sha256, and unpacks it afresh with `dpkg-source -x` (Debian's patches applied);
  2. configures it with the CMake File API query of nixcc-plan, CMake's compile database and a
     per-run salt define in CMAKE_C_FLAGS/CMAKE_CXX_FLAGS (so Nix cannot answer from an old store path);
  3. builds it with `ninja -j2` (the reference, timed) and reads `ninja -t deps`;
  4. plans the same build directory with `nixcc-plan` and builds the plan with an offline `nix-build`
     (timed);
  5. compares, for every compile unit, the set of headers ninja's depfiles name with the set nixcc's
     timing database records (RESULT/timings.sqlite); every ninja compile must have exactly one nixcc
     counterpart and the other way round;
  6. runs the project's own check (a test binary or its CLI) from RESULT/bin.

Usage (from anywhere; paths default to the repository this file lives in):

  python3 tests/real/corpus.py list
  python3 tests/real/corpus.py run lz4 [cjson ...]
  python3 tests/real/corpus.py run --smallest 2          # the two quickest projects (what CI runs)
  python3 tests/real/corpus.py run --all --json build/real/report.json
  python3 tests/real/corpus.py table build/real/report.json   # the README's table

Options of `run`:
  --work DIR       work folder (default build/real under the repository); project NAME uses DIR/NAME
  --cache DIR      downloaded source packages (default build/real/cache under the repository)
  --bin-dir DIR    a folder holding nixcc or nixcc-plan; repeatable (default: $NIXCC_BIN_DIR, else
                   build/bin under the repository)
  --json FILE      write the results as JSON
  --keep-going     run the remaining projects after a failed one (default: yes for --all/--smallest)

Needs (Debian 12, as root): cmake, ninja-build, gcc/g++, nix-bin (`bash scripts/install-deps.sh`),
a built nixcc (`cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build build`),
network access to Debian's archive for the first fetch. dpkg-dev and each project's few -dev packages
are installed with apt-get when missing.

Exit status: 0 when every project run matched ninja and passed its own check, 1 otherwise, 2 for a
usage or setup error.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[2]
DEB_SRC_LIST = Path("/etc/apt/sources.list.d/nixcc-deb-src.sources")
DEB_SRC_ENTRY = """\
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""
# The sandbox stays off here for now: json-c links with -Wl,--version-script,<source>/json-c.sym, a
# project file that a link flag names and the plan does not yet make an input of the link derivation,
# so the sandbox (rightly) hides it. Until link flags' project files are declared, the corpus runs as
# root with the sandbox off; the planner's end-to-end tests cover the sandbox.
NIX_OPTIONS = [
    "--option", "sandbox", "false",
    "--option", "build-users-group", "",
    "--option", "substituters", "",
    "--option", "max-jobs", "2",
    "--option", "cores", "1",
]


def nix_options(plan):
    """Nix's defaults, and the plan's own extra-sandbox-paths line (root may pass it per build): a
    project builds only if the line nixcc-plan printed holds every host path its compiles read."""
    line = (plan / "sandbox-paths.conf").read_text().strip()
    prefix = "extra-sandbox-paths ="
    if not line.startswith(prefix):
        raise Failure(f"{plan / 'sandbox-paths.conf'}: not an extra-sandbox-paths line: {line!r}")
    return NIX_OPTIONS + ["--option", "extra-sandbox-paths", line[len(prefix):].strip()]
MAX_DIFFS_SHOWN = 5  # differing headers printed per unit
MAX_UNITS_SHOWN = 10  # differing or unmatched units printed per project


class Failure(Exception):
    """A step of a project run failed; the message says which command and how."""


# --------------------------------------------------------------------------------------------------
# Own checks: each gets the context of a finished run and raises Failure if the project's own test
# fails. It returns the command(s) it ran, for the report.
# --------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class CheckContext:
    bin_dir: Path  # RESULT/bin
    src: Path  # the unpacked source (the CMake source root may be below it)
    scratch: Path  # an empty folder the check may use


def run_checked(cmd: list[str], cwd: Path, stdin: bytes | None = None, timeout: int = 300) -> bytes:
    """Runs cmd, returns its stdout; raises Failure with its output when it exits non-zero."""
    proc = subprocess.run(cmd, cwd=cwd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout)
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr).decode(errors="replace").strip().splitlines()[-15:]
        raise Failure(f"{shlex.join(cmd)} exited {proc.returncode}:\n    " + "\n    ".join(tail))
    return proc.stdout


def sample_data(scratch: Path) -> Path:
    """A few hundred KiB of compressible, not trivially repetitive bytes."""
    path = scratch / "sample.bin"
    chunks = [hashlib.sha256(str(i // 7).encode()).hexdigest().encode() + b" line %d\n" % i
              for i in range(6000)]
    path.write_bytes(b"".join(chunks))
    return path


def check_lz4(ctx: CheckContext) -> str:
    sample = sample_data(ctx.scratch)
    for cli in ("lz4", "lz4c"):
        packed = ctx.scratch / f"sample.{cli}"
        unpacked = ctx.scratch / f"sample.{cli}.out"
        run_checked([str(ctx.bin_dir / cli), "-q", "-9", str(sample), str(packed)], ctx.scratch)
        run_checked([str(ctx.bin_dir / cli), "-q", "-d", str(packed), str(unpacked)], ctx.scratch)
        if unpacked.read_bytes() != sample.read_bytes() or packed.stat().st_size >= sample.stat().st_size:
            raise Failure(f"{cli} round trip did not give the original bytes back")
    run_checked([str(ctx.bin_dir / "lz4"), "-b1e3", "-i1", str(sample)], ctx.scratch)
    return "lz4 and lz4c: -9 sample, -d, compare; lz4 -b1e3"


JSONC_TESTS = ["test1", "test2", "test4", "test_cast", "test_charcase", "test_compare",
               "test_deep_copy", "test_double_serializer", "test_float", "test_int_add",
               "test_json_pointer", "test_null", "test_object_iterator", "test_parse",
               "test_parse_int64", "test_printbuf", "test_set_serializer", "test_set_value",
               "test_visit"]


def check_json_c(ctx: CheckContext) -> str:
    tests_dir = ctx.src / "tests"
    for name in JSONC_TESTS:
        out = run_checked([str(ctx.bin_dir / name)], tests_dir)
        expected = (tests_dir / f"{name}.expected").read_bytes()
        if out != expected:
            raise Failure(f"{name}: output differs from tests/{name}.expected")
    return f"{len(JSONC_TESTS)} json-c tests (tests/<name> vs tests/<name>.expected)"


CJSON_TESTS = ["cjson_add", "compare_tests", "misc_tests", "parse_array", "parse_hex4",
               "parse_number", "parse_object", "parse_string", "parse_value", "parse_with_opts",
               "print_array", "print_number", "print_object", "print_string", "print_value",
               "readme_examples", "minify_tests", "json_patch_tests", "old_utils_tests",
               "misc_utils_tests", "parse_examples", "cJSON_test"]


def check_cjson(ctx: CheckContext) -> str:
    for name in CJSON_TESTS:
        run_checked([str(ctx.bin_dir / name)], ctx.src / "tests")
    return f"{len(CJSON_TESTS)} cJSON unit-test binaries (Unity framework)"


def check_zstd(ctx: CheckContext) -> str:
    sample = sample_data(ctx.scratch)
    zstd = str(ctx.bin_dir / "zstd")
    run_checked([zstd, "-q", "-19", str(sample), "-o", str(ctx.scratch / "s.zst")], ctx.scratch)
    run_checked([zstd, "-q", "-d", str(ctx.scratch / "s.zst"), "-o", str(ctx.scratch / "s.out")], ctx.scratch)
    if (ctx.scratch / "s.out").read_bytes() != sample.read_bytes():
        raise Failure("zstd round trip did not give the original bytes back")
    run_checked([zstd, "-q", "-t", str(ctx.scratch / "s.zst")], ctx.scratch)
    run_checked([zstd, "-b1e3", "-i0", str(sample)], ctx.scratch)
    return "zstd -19 sample; zstd -d; compare; zstd -t; zstd -b1e3"


def check_spdlog(ctx: CheckContext) -> str:
    run_checked([str(ctx.bin_dir / "spdlog-utests")], ctx.scratch, timeout=600)
    run_checked([str(ctx.bin_dir / "example")], ctx.scratch)
    return "spdlog-utests (all Catch tests); example"


FMT_PROGRAM = """#include <fmt/format.h>
#include <fmt/os.h>
int main() {
  fmt::print("{}|{:.3f}|{:>5}|{}\\n", 42, 3.14159, "ab", fmt::format("{:#x}", 255));
  return 0;
}
"""


def check_fmt(ctx: CheckContext) -> str:
    # fmt's own googletest suite compiles /usr/src/googletest, outside the project (nixcc-plan refuses
    # that), so the check links a program against the Nix-built shared library instead.
    lib_dir = ctx.bin_dir.parent / "lib"
    program = ctx.scratch / "use_fmt.cc"
    program.write_text(FMT_PROGRAM)
    exe = ctx.scratch / "use_fmt"
    run_checked(["g++", "-std=c++17", f"-I{ctx.src / 'include'}", str(program), "-o", str(exe),
                 f"-L{lib_dir}", "-lfmt", f"-Wl,-rpath,{lib_dir}"], ctx.scratch)
    out = run_checked([str(exe)], ctx.scratch).decode()
    if out != "42|3.142|   ab|0xff\n":
        raise Failure(f"a program using the Nix-built libfmt printed {out!r}")
    return "g++ use_fmt.cc -lfmt (the Nix-built libfmt.so); run and compare"


UV_TESTS = ["loop_alive", "loop_stop", "timer", "timer_again", "idle_starvation", "hrtime",
            "fs_file_noent", "fs_mkdtemp", "threadpool_queue_work_simple", "async", "pipe_ping_pong",
            "tcp_ping_pong", "process_title", "getaddrinfo_basic_sync", "thread_create"]


def check_uv(ctx: CheckContext) -> str:
    # The runner spawns itself for helper processes, reads fixtures relative to the cwd, writes beside
    # them, and refuses to run as root: as root, run it as nobody in a writable copy of test/.
    shutil.copytree(ctx.src / "test", ctx.scratch / "test")
    as_user: list[str] = []
    if os.geteuid() == 0:
        for d in [ctx.scratch, *ctx.scratch.rglob("*")]:
            os.chmod(d, 0o777 if d.is_dir() else 0o666)
        as_user = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]
    for runner in ("uv_run_tests_a", "uv_run_tests"):
        for name in UV_TESTS:
            run_checked(as_user + [str(ctx.bin_dir / runner), name], ctx.scratch, timeout=120)
    return f"uv_run_tests_a and uv_run_tests: {len(UV_TESTS)} tests each" + (" (as nobody)" if as_user else "")


def check_libgit2(ctx: CheckContext) -> str:
    env_cmd = ["env", f"CLAR_TMP={ctx.scratch}"]
    # path::validate_current_user_ownership expects / not to belong to the current user: it fails as
    # root with ninja's build too.
    util_args = ["-xpath::validate_current_user_ownership"] if os.geteuid() == 0 else []
    run_checked(env_cmd + [str(ctx.bin_dir / "util_tests")] + util_args, ctx.scratch, timeout=600)
    suites = ["-score", "-sobject::raw", "-sconfig::read", "-sdiff::tree", "-srefs::create",
              "-sstatus::worktree"]
    run_checked(env_cmd + [str(ctx.bin_dir / "libgit2_tests")] + suites,
                ctx.scratch, timeout=600)
    sample = sample_data(ctx.scratch)
    data = sample.read_bytes()
    expected = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    got = run_checked([str(ctx.bin_dir / "git2_cli"), "hash-object", str(sample)], ctx.scratch).decode().strip()
    if got != expected:
        raise Failure(f"git2_cli hash-object gave {got!r}, expected {expected}")
    return "util_tests (all" + (", less one that fails as root" if util_args else "") + "); libgit2_tests " + " ".join(suites) + "; git2_cli hash-object == sha1(blob)"


# --------------------------------------------------------------------------------------------------
# The corpus.
# --------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Project:
    name: str
    package: str  # Debian source package
    version: str  # exact Debian version (with epoch)
    dsc_sha256: str
    cmake_subdir: str  # the CMake source root, relative to the unpacked package
    options: list[str]
    apt: list[str]  # Debian packages the configure/build needs beyond nixcc's own
    features: dict[str, str]  # feature key -> how it was verified
    check: Callable[[CheckContext], str] | None
    tus: int  # compile units of the configured build (measured)
    ninja_s: float  # measured cold `ninja -j2` on the reference machine (2 cores)

    @property
    def upstream_version(self) -> str:
        return self.version.split(":", 1)[-1]

    @property
    def dsc_name(self) -> str:
        return f"{self.package}_{self.upstream_version}.dsc"


FEATURE_NAMES = {
    "isystem-own": "-isystem into the project's own source tree",
    "configure_file": "header generated by configure_file",
    "custom_command": "header/source generated by add_custom_command",
    "object-lib": "OBJECT library",
    "shared-lib": "shared library",
    "two-targets": "one source compiled in two targets with different flags",
    "pch": "target_precompile_headers",
    "unity": "CMAKE_UNITY_BUILD=ON",
    "500+": "500+ translation units",
    "c++": "C++ project",
    "asm": "assembly source",
    "tests": "test binary or CLI run as the project's own check",
}

PROJECTS: list[Project] = [
    Project(
        name="lz4", package="lz4", version="1.9.4-1",
        dsc_sha256="e16302bca544d08d106efc216541f4a0403c8f8a5fad5eaac7588223a55af263",
        cmake_subdir="build/cmake", options=["-DBUILD_SHARED_LIBS=ON", "-DBUILD_STATIC_LIBS=ON"], apt=[],
        features={
            "two-targets": "lib/lz4.c etc. in lz4_shared (-Dlz4_shared_EXPORTS) and lz4_static; programs/lz4cli.c "
                           "in lz4cli and lz4c (-DENABLE_LZ4C_LEGACY_OPTIONS) (compile_commands.json)",
            "shared-lib": "add_library(lz4_shared SHARED)",
            "tests": "lz4/lz4c CLI round trip and benchmark",
        },
        check=check_lz4, tus=16, ninja_s=9),
    Project(
        name="json-c", package="json-c", version="0.16-2",
        dsc_sha256="e91baf0603ed23df4c54030df4cd5e8371a7436006e2b85efab7ee4f1d9718c1",
        cmake_subdir=".", options=["-DBUILD_TESTING=ON", "-DBUILD_STATIC_LIBS=ON", "-DBUILD_SHARED_LIBS=ON"],
        apt=[],
        features={
            "configure_file": "config.h, json_config.h, json.h configured into the build dir (CMakeLists.txt:287-431), "
                              "read from -I<build>",
            "shared-lib": "add_library(json-c) with BUILD_SHARED_LIBS=ON",
            "two-targets": "every library source in json-c (-Djson_c_EXPORTS) and json-c-static",
            "tests": "19 test programs compared with tests/*.expected",
        },
        check=check_json_c, tus=56, ninja_s=5.2),
    Project(
        name="cjson", package="cjson", version="1.7.15-1+deb12u4",
        dsc_sha256="764c2de141d680f4fb4cada30c526dacaa30ead061b9b9c34f2b81e2df0f8439",
        cmake_subdir=".",
        options=["-DCMAKE_UNITY_BUILD=ON", "-DENABLE_CJSON_TEST=ON", "-DENABLE_CJSON_UTILS=ON",
                 "-DBUILD_SHARED_AND_STATIC_LIBS=ON"],
        apt=[],
        features={
            "unity": "-DCMAKE_UNITY_BUILD=ON: every unit is <build>/.../Unity/unity_0_c.c including the real sources",
            "shared-lib": "cjson and cjson_utils SHARED",
            "two-targets": "cJSON.c (through unity files) in cjson and cjson-static",
            "tests": "22 Unity-framework test binaries",
        },
        check=check_cjson, tus=28, ninja_s=11.5),
    Project(
        name="zstd", package="libzstd", version="1.5.4+dfsg2-5",
        dsc_sha256="8f602f92b575aa8b5e979196fb6ee82d78f233521dc9636526d3ecba1f63c1b1",
        cmake_subdir="build/cmake",
        options=["-DZSTD_BUILD_PROGRAMS=ON", "-DZSTD_BUILD_SHARED=ON", "-DZSTD_BUILD_STATIC=ON",
                 "-DZSTD_BUILD_TESTS=OFF"],
        apt=[],
        features={
            "asm": "lib/decompress/huf_decompress_amd64.S in compile_commands.json",
            "shared-lib": "libzstd_shared",
            "two-targets": "lib/*.c in libzstd_shared (-Dlibzstd_shared_EXPORTS) and libzstd_static",
            "tests": "zstd CLI round trip, -t, benchmark",
        },
        check=check_zstd, tus=89, ninja_s=35),
    Project(
        name="spdlog", package="spdlog", version="1:1.10.0+ds-0.4",
        dsc_sha256="65220c192ef8e524d0687058d5d24e1bdd3e2ebc9b6e846c3ec8d43f77fe9e5c",
        cmake_subdir=".",
        options=["-DSPDLOG_ENABLE_PCH=ON", "-DSPDLOG_BUILD_SHARED=ON", "-DSPDLOG_FMT_EXTERNAL=ON",
                 "-DSPDLOG_BUILD_TESTS=ON", "-DSPDLOG_BUILD_EXAMPLE=ON"],
        apt=["libfmt-dev"],
        features={
            "pch": "SPDLOG_ENABLE_PCH=ON: target_precompile_headers(spdlog PRIVATE spdlog_pch.h) "
                   "(CMakeLists.txt:175); units get -include CMakeFiles/spdlog.dir/cmake_pch.hxx, plus the "
                   "cmake_pch.hxx.gch unit",
            "configure_file": "spdlog_pch.h configured into the build dir (CMakeLists.txt:176), read through the PCH",
            "shared-lib": "SPDLOG_BUILD_SHARED=ON",
            "c++": "C++11",
            "tests": "spdlog-utests (Catch), example",
        },
        check=check_spdlog, tus=28, ninja_s=61),
    Project(
        name="fmt", package="fmtlib", version="9.1.0+ds1-2",
        dsc_sha256="1c8982464f1281f5b7d42ca24e058d80d71db7c381b278cc22cbdb40c534f0c5",
        cmake_subdir=".",
        options=["-DFMT_SYSTEM_HEADERS=ON", "-DBUILD_SHARED_LIBS=ON", "-DFMT_TEST=OFF", "-DFMT_DOC=OFF"],
        apt=[],
        features={
            "isystem-own": "FMT_SYSTEM_HEADERS=ON: -isystem <src>/include (compile_commands.json), while "
                           "Debian's libfmt-dev has headers of the same names in /usr/include/fmt",
            "shared-lib": "BUILD_SHARED_LIBS=ON",
            "c++": "C++11",
            "tests": "a program linked against the Nix-built libfmt.so (fmt's own suite compiles "
                     "/usr/src/googletest, outside the project)",
        },
        check=check_fmt, tus=2, ninja_s=4.5),
    Project(
        name="libuv", package="libuv1", version="1.44.2-1+deb12u1",
        dsc_sha256="798be0a2bcbcd40bb85302f6ccbf02b240e1958d4ad9cf153b8101c3a82f21b9",
        cmake_subdir=".", options=["-DLIBUV_BUILD_TESTS=ON", "-DLIBUV_BUILD_BENCH=OFF"], apt=[],
        features={
            "two-targets": "src/*.c in uv (SHARED, -DBUILDING_UV_SHARED=1 -fPIC) and uv_a (STATIC)",
            "shared-lib": "add_library(uv SHARED)",
            "tests": "uv_run_tests and uv_run_tests_a, 15 tests each",
        },
        check=check_uv, tus=441, ninja_s=40),
    Project(
        name="libgit2", package="libgit2", version="1.5.1+ds-1+deb12u1",
        dsc_sha256="b4de836d38cb2aca2687420754c5fa955f719934b92a4213d787d0b7dc2abebf",
        cmake_subdir=".",
        options=["-DBUILD_TESTS=ON", "-DBUILD_CLI=ON", "-DUSE_HTTPS=OFF", "-DUSE_SSH=OFF",
                 "-DUSE_GSSAPI=OFF", "-DUSE_NTLMCLIENT=OFF", "-DUSE_HTTP_PARSER=system",
                 "-DREGEX_BACKEND=regcomp", "-DUSE_SHA1=CollisionDetection", "-DUSE_SHA256=Builtin"],
        apt=["libhttp-parser-dev", "zlib1g-dev", "python3"],
        features={
            "custom_command": "tests/{libgit2,util}: add_custom_command(OUTPUT clar.suite clar_suite.h) "
                              "runs generate.py; every test unit has -include clar_suite.h from the build dir",
            "object-lib": "add_library(util OBJECT), add_library(libgit2 OBJECT)",
            "configure_file": "git2/sys/features.h (src/CMakeLists.txt:177) in <build>/src",
            "500+": "625 units with BUILD_TESTS=ON",
            "shared-lib": "libgit2package SHARED",
            "tests": "util_tests, libgit2_tests suites, git2_cli",
        },
        check=check_libgit2, tus=625, ninja_s=80),
]
PROJECT_BY_NAME = {p.name: p for p in PROJECTS}


# --------------------------------------------------------------------------------------------------
# Small helpers.
# --------------------------------------------------------------------------------------------------


def log(msg: str) -> None:
    print(msg, flush=True)


def sh(cmd: list[str], *, cwd: Path | None = None, logfile: Path | None = None,
       env: dict[str, str] | None = None, what: str | None = None) -> None:
    """Runs cmd; output goes to logfile (or is captured). Raises Failure naming the command and the
    first error lines of its output."""
    out = open(logfile, "wb") if logfile else subprocess.DEVNULL
    try:
        proc = subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
    finally:
        if logfile:
            out.close()
    if proc.returncode != 0:
        detail = first_error_lines(logfile) if logfile else ""
        raise Failure(f"{what or cmd[0]} failed (exit {proc.returncode}): {shlex.join(cmd)}"
                      + (f"\n  log: {logfile}" if logfile else "") + (f"\n{detail}" if detail else ""))


ERROR_RE = re.compile(r"\berror\b|\bfatal\b|\bfailed\b|\bcannot\b|no such file|undefined reference", re.IGNORECASE)


def first_error_lines(logfile: Path, limit: int = 12) -> str:
    """The first lines of a log that look like errors (with one line of context), else its tail."""
    lines = logfile.read_text(errors="replace").splitlines()
    picked: list[str] = []
    for i, line in enumerate(lines):
        if ERROR_RE.search(line):
            for ctx_line in lines[max(0, i - 1):i + 2]:
                if ctx_line not in picked:
                    picked.append(ctx_line)
        if len(picked) >= limit:
            break
    if not picked:
        picked = lines[-limit:]
    return "\n".join("    " + line[:400] for line in picked[:limit])


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def dpkg_installed(package: str) -> bool:
    proc = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True)
    return proc.returncode == 0 and "install ok installed" in proc.stdout


_apt_updated = False


def apt_update() -> None:
    global _apt_updated
    if not _apt_updated:
        log("  apt-get update")
        sh(["apt-get", "update", "-qq"], what="apt-get update")
        _apt_updated = True


def apt_install(packages: list[str]) -> None:
    missing = [p for p in packages if not dpkg_installed(p)]
    if missing:
        apt_update()
        log(f"  apt-get install {' '.join(missing)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        sh(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env,
           what="apt-get install")


def ensure_deb_src() -> None:
    """Adds the bookworm deb-src entry (once) and refreshes apt's lists when it was new."""
    if not DEB_SRC_LIST.exists() or DEB_SRC_LIST.read_text() != DEB_SRC_ENTRY:
        DEB_SRC_LIST.write_text(DEB_SRC_ENTRY)
        global _apt_updated
        _apt_updated = False
        apt_update()


# --------------------------------------------------------------------------------------------------
# Fetch, verify, unpack.
# --------------------------------------------------------------------------------------------------


def dsc_files(dsc: Path) -> dict[str, str]:
    """{file name: sha256} from the .dsc's Checksums-Sha256 field."""
    files: dict[str, str] = {}
    in_field = False
    for line in dsc.read_text(errors="replace").splitlines():
        if line.startswith("Checksums-Sha256:"):
            in_field = True
            continue
        if in_field:
            if not line.startswith(" "):
                break
            digest, _size, name = line.split()
            files[name] = digest
    if not files:
        raise Failure(f"{dsc}: no Checksums-Sha256 field")
    return files


def verified(project: Project, cache: Path) -> bool:
    """True when the cache holds the pinned .dsc and every file it names, all with the right sha256."""
    dsc = cache / project.dsc_name
    if not dsc.exists() or sha256_of(dsc) != project.dsc_sha256:
        return False
    return all((cache / name).exists() and sha256_of(cache / name) == digest
               for name, digest in dsc_files(dsc).items())


def fetch(project: Project, cache_root: Path, logdir: Path) -> Path:
    """The verified .dsc in the cache, downloading the package first when needed."""
    cache = cache_root / f"{project.package}_{project.upstream_version}"
    if verified(project, cache):
        log(f"  source: cached {cache / project.dsc_name}")
        return cache / project.dsc_name
    ensure_deb_src()
    apt_install(["dpkg-dev"])
    cache.mkdir(parents=True, exist_ok=True)
    log(f"  apt-get source --download-only {project.package}={project.version}")
    cmd = ["apt-get", "source", "--download-only", f"{project.package}={project.version}"]
    try:
        sh(cmd, cwd=cache, logfile=logdir / "fetch.log", what="apt-get source")
    except Failure:
        # The deb-src entry may be older than apt's lists: refresh once and try again.
        apt_update()
        sh(cmd, cwd=cache, logfile=logdir / "fetch.log", what="apt-get source")
    dsc = cache / project.dsc_name
    if not dsc.exists():
        raise Failure(f"apt-get source did not write {dsc}")
    actual = sha256_of(dsc)
    if actual != project.dsc_sha256:
        raise Failure(f"{dsc}: sha256 {actual}, pinned {project.dsc_sha256}")
    if not verified(project, cache):
        raise Failure(f"{cache}: a file named in {dsc.name} is missing or has the wrong sha256")
    return dsc


def unpack(dsc: Path, dest: Path, logdir: Path) -> None:
    apt_install(["dpkg-dev"])
    if dest.exists():
        shutil.rmtree(dest)
    sh(["dpkg-source", "--no-copy", "-x", str(dsc), str(dest)], logfile=logdir / "unpack.log",
       what="dpkg-source -x")


# --------------------------------------------------------------------------------------------------
# Configure and the two builds.
# --------------------------------------------------------------------------------------------------


def write_file_api_query(build: Path) -> None:
    query = build / ".cmake" / "api" / "v1" / "query" / "client-nixcc"
    query.mkdir(parents=True, exist_ok=True)
    for name in ("codemodel-v2", "cache-v2", "toolchains-v1"):
        (query / name).write_bytes(b"")


def configure(project: Project, src: Path, build: Path, salt: str, logdir: Path) -> None:
    write_file_api_query(build)
    cmd = ["cmake", "-S", str(src / project.cmake_subdir), "-B", str(build), "-G", "Ninja",
           "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON",
           f"-DCMAKE_C_FLAGS=-DNIXCC_REAL_SALT={salt}", f"-DCMAKE_CXX_FLAGS=-DNIXCC_REAL_SALT={salt}",
           *project.options]
    sh(cmd, logfile=logdir / "configure.log", what="cmake configure")


def cmake_paths(build: Path) -> tuple[Path, Path]:
    """(source dir, build dir) as CMake's File API codemodel names them."""
    reply = build / ".cmake" / "api" / "v1" / "reply"
    models = sorted(reply.glob("codemodel-v2-*.json"))
    if not models:
        raise Failure(f"no File API codemodel reply in {reply}")
    paths = json.loads(models[-1].read_text())["paths"]
    return Path(paths["source"]), Path(paths["build"])


def parse_ninja_deps(text: str) -> dict[str, list[str]]:
    """`ninja -t deps` output as {output: [dependency, ...]} (paths as ninja wrote them)."""
    deps: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if not line.strip():
            current = None
        elif line.startswith((" ", "\t")):
            if current is not None:
                current.append(line.strip())
        else:
            head = re.match(r"(.+): #deps \d+", line)
            current = deps.setdefault(head.group(1), []) if head else None
    return deps


TARGET_DIR_RE = re.compile(r"(?:^|/)CMakeFiles/([^/]+)\.dir/")


@dataclasses.dataclass
class Unit:
    target: str
    source: str  # realpath
    label: str  # for messages: the object path
    headers: set[str]


def output_of(entry: dict) -> str:
    """The object a compile_commands.json entry writes: its "output" field is CMake >= 3.26 only, so
    read the command's -o."""
    args = entry.get("arguments") or shlex.split(entry["command"])
    for i, arg in enumerate(args[:-1]):
        if arg == "-o":
            return args[i + 1]
    raise Failure(f"compile_commands.json: no -o in the command for {entry['file']}")


def ninja_units(build: Path, deps: dict[str, list[str]]) -> tuple[list[Unit], list[str]]:
    """Every compile of compile_commands.json with ninja's dependency set; and problems found."""
    problems: list[str] = []
    units: list[Unit] = []
    for entry in json.loads((build / "compile_commands.json").read_text()):
        directory = Path(entry["directory"])
        source = os.path.realpath(directory / entry["file"])
        output = entry.get("output") or output_of(entry)
        m = TARGET_DIR_RE.search(output)
        if not m:
            problems.append(f"ninja: cannot tell the target of {output}")
            continue
        abs_output = os.path.normpath(directory / output)
        key = os.path.relpath(abs_output, build)
        dep_list = deps.get(key, deps.get(output, deps.get(abs_output)))
        if dep_list is None:
            problems.append(f"ninja recorded no deps for {output}")
            dep_list = []
        headers = {os.path.realpath(d if os.path.isabs(d) else build / d) for d in dep_list}
        headers.discard(source)
        # GCC's depfile for a unit that uses a precompiled header names neither the .gch nor what it
        # was made from: note the .gch, which expand_precompiled_headers replaces by those headers.
        args = entry.get("arguments") or shlex.split(entry["command"])
        for flag, value in zip(args, args[1:]):
            if flag == "-include" and os.path.basename(value).startswith("cmake_pch."):
                headers.add(os.path.realpath(directory / (value + ".gch")))
        units.append(Unit(m.group(1), source, output, headers))
    return expand_precompiled_headers(units, build), problems


def expand_precompiled_headers(units: list[Unit], build: Path) -> list[Unit]:
    """target_precompile_headers: ninja compiles the header to a .gch and its users read that. nixcc
    plans no such compile (a batch's units read the header itself, which GCC guarantees is the same),
    so the .gch compiles are left out and a user's .gch stands for the headers it was made from
    (cmake_pch.hxx, the project's header and everything it includes)."""
    pch = {os.path.realpath(build / u.label): u for u in units if u.label.endswith(".gch")}
    out = []
    for u in units:
        if u.label.endswith(".gch"):
            continue
        headers = set(u.headers)
        for gch in [h for h in headers if h in pch]:
            headers |= pch[gch].headers
            headers.discard(gch)
        out.append(Unit(u.target, u.source, u.label, headers))
    return out


def nixcc_units(db: Path, src: Path, build: Path) -> list[Unit]:
    """Every compile recorded in the nixcc result's timing database, headers mapped to real paths.
    The database names each path relative to its root: CMake's source directory `src`, the build
    directory `build`, or none (absolute)."""

    def absolute(root: str, path: str) -> str:
        if root == "source":
            return os.path.realpath(src / path)
        if root == "build":
            return os.path.realpath(build / path)
        return os.path.realpath(path)

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        headers: dict[int, set[str]] = {}
        for compile_id, root, path in con.execute("SELECT compile_id, root, path FROM headers"):
            headers.setdefault(compile_id, set()).add(absolute(root, path))
        units = []
        for compile_id, root, source, obj in con.execute(
                "SELECT id, source_root, source, object FROM compiles ORDER BY id"):
            source_abs = absolute(root, source)
            hs = headers.get(compile_id, set())
            hs.discard(source_abs)
            units.append(Unit(obj.split("/", 1)[0], source_abs, obj, hs))
        return units
    finally:
        con.close()


def compare(ninja: list[Unit], nixcc: list[Unit]) -> tuple[int, list[str]]:
    """(number of units that differ or are unmatched, messages)."""
    by_key: dict[tuple[str, str], list[Unit]] = {}
    for u in nixcc:
        by_key.setdefault((u.target, u.source), []).append(u)
    messages: list[str] = []
    bad = 0
    seen: set[tuple[str, str]] = set()
    for n in ninja:
        key = (n.target, n.source)
        seen.add(key)
        matches = by_key.get(key, [])
        if len(matches) != 1:
            bad += 1
            messages.append(f"{n.label}: {len(matches)} nixcc units for target {n.target}, source {n.source}")
            continue
        x = matches[0]
        only_ninja = sorted(n.headers - x.headers)
        only_nixcc = sorted(x.headers - n.headers)
        if only_ninja or only_nixcc:
            bad += 1
            msg = [f"{n.label} (nixcc {x.label}): {len(only_ninja)} headers only in ninja's set, "
                   f"{len(only_nixcc)} only in nixcc's"]
            msg += [f"      only ninja: {h}" for h in only_ninja[:MAX_DIFFS_SHOWN]]
            msg += [f"      only nixcc: {h}" for h in only_nixcc[:MAX_DIFFS_SHOWN]]
            messages.append("\n".join(msg))
    for key, units in by_key.items():
        if key not in seen:
            bad += len(units)
            for u in units:
                messages.append(f"{u.label}: nixcc unit with no ninja compile (target {key[0]}, source {key[1]})")
    return bad, messages


def nixcc_binaries(bin_dirs: list[Path]) -> tuple[Path, Path]:
    found = {}
    for name in ("nixcc", "nixcc-plan"):
        for d in bin_dirs:
            if (d / name).is_file() and os.access(d / name, os.X_OK):
                found[name] = (d / name).resolve()
                break
        else:
            raise Failure(f"no executable {name} in {', '.join(map(str, bin_dirs))}: build nixcc first "
                          "(cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build build)"
                          " or pass --bin-dir")
    return found["nixcc"], found["nixcc-plan"]


# --------------------------------------------------------------------------------------------------
# One project.
# --------------------------------------------------------------------------------------------------


def run_project(project: Project, work: Path, cache: Path, nixcc: Path, planner: Path) -> dict:
    result = {
        "project": project.name, "package": project.package, "debian_version": project.version,
        "dsc_sha256": project.dsc_sha256, "tus": None,
        "features": {k: project.features[k] for k in project.features},
        "ninja_seconds": None, "nixcc_seconds": None, "nixcc_plan_seconds": None,
        "nix_build_seconds": None, "header_sets": "not compared", "header_differences": [],
        "own_check": {"command": None, "result": "not run"}, "result": "failed", "failure": None,
    }
    root = work / project.name
    if root.exists():
        shutil.rmtree(root)
    logdir = root / "logs"
    logdir.mkdir(parents=True)
    src, build, plan, out, scratch = (root / d for d in ("src", "build", "plan", "result", "check"))
    step = "fetch"
    try:
        dsc = fetch(project, cache, logdir)
        apt_install(project.apt)
        step = "unpack"
        unpack(dsc, src, logdir)
        step = "configure"
        salt = str(time.time_ns())
        log(f"  configure (salt {salt})")
        configure(project, src, build, salt, logdir)
        cmake_src, cmake_build = cmake_paths(build)

        step = "ninja"
        t0 = time.monotonic()
        sh(["ninja", "-C", str(build), "-j2"], logfile=logdir / "ninja.log", what="ninja")
        result["ninja_seconds"] = round(time.monotonic() - t0, 1)
        log(f"  ninja -j2: {result['ninja_seconds']} s")
        deps_text = subprocess.run(["ninja", "-C", str(build), "-t", "deps"], stdout=subprocess.PIPE,
                                   check=True, text=True).stdout
        ninja, problems = ninja_units(build, parse_ninja_deps(deps_text))
        result["tus"] = len(ninja)

        step = "nixcc-plan"
        t0 = time.monotonic()
        sh([str(planner), str(build), "-o", str(plan), "--nixcc", str(nixcc)],
           logfile=logdir / "plan.log", what="nixcc-plan")
        result["nixcc_plan_seconds"] = round(time.monotonic() - t0, 1)
        step = "nix-build"
        t1 = time.monotonic()
        try:
            sh(["nix-build", str(plan), "-o", str(out), *nix_options(plan)], logfile=logdir / "nix-build.log",
               what="nix-build")
        except Failure:
            # Still compare what was compiled: the plan's `timings` attribute needs only the batches,
            # not the links. The project has failed all the same.
            try:
                sh(["nix-build", str(plan), "-A", "timings", "-o", str(root / "timings"), *nix_options(plan)],
                   logfile=logdir / "nix-build-timings.log", what="nix-build -A timings")
                bad, _ = compare_headers(result, ninja, problems, root / "timings" / "timings.sqlite",
                                         cmake_src, cmake_build)
                log(f"  (batches alone: header sets {result['header_sets']})")
            except Failure as e:
                log(f"  (batches alone did not build either: {str(e).splitlines()[0]})")
            raise
        result["nix_build_seconds"] = round(time.monotonic() - t1, 1)
        result["nixcc_seconds"] = round(time.monotonic() - t0, 1)
        log(f"  nixcc-plan + nix-build: {result['nixcc_seconds']} s")

        step = "header sets"
        bad, _ = compare_headers(result, ninja, problems, out / "timings.sqlite", cmake_src, cmake_build)

        step = "own check"
        if project.check:
            scratch.mkdir()
            ctx = CheckContext(out / "bin", src, scratch)
            try:
                result["own_check"] = {"command": project.check(ctx), "result": "ok"}
            except (Failure, subprocess.TimeoutExpired, OSError) as e:
                result["own_check"] = {"command": project.check.__name__, "result": f"failed: {e}"}
                raise Failure(f"own check failed: {e}") from None
        if bad:
            step = "header sets"
            raise Failure(f"{bad} of {len(ninja)} units differ between ninja and nixcc")
        result["result"] = "ok"
    except Failure as e:
        result["failure"] = {"step": step, "message": str(e)}
        log(f"  FAILED at {step}: {e}")
    return result


def compare_headers(result: dict, ninja: list[Unit], problems: list[str], db: Path, src: Path,
                    build: Path) -> tuple[int, list[str]]:
    """Compares ninja's units with those of a nixcc timing database; records and prints the outcome."""
    bad, messages = compare(ninja, nixcc_units(db, src, build))
    messages = problems + messages
    bad += len(problems)
    result["header_sets"] = "ok" if bad == 0 else f"{bad} units differ"
    result["header_differences"] = messages
    for m in messages[:MAX_UNITS_SHOWN]:
        log("    " + m.replace("\n", "\n    "))
    if len(messages) > MAX_UNITS_SHOWN:
        log(f"    ... and {len(messages) - MAX_UNITS_SHOWN} more (see --json)")
    return bad, messages


def summary_line(r: dict) -> str:
    def secs(v):
        return "-" if v is None else f"{v:.1f}s"
    check = r["own_check"]["result"]
    check = check if len(check) < 40 else check[:37] + "..."
    line = (f"{r['project']:<10} {r['result'].upper():<6} tus={r['tus'] if r['tus'] is not None else '-':<4} "
            f"ninja={secs(r['ninja_seconds']):<7} nixcc={secs(r['nixcc_seconds']):<7} "
            f"headers={r['header_sets']:<14} check={check}")
    if r["failure"]:
        line += f"  [failed at {r['failure']['step']}]"
    return line


# --------------------------------------------------------------------------------------------------
# Command line.
# --------------------------------------------------------------------------------------------------


def cmd_list() -> int:
    for p in PROJECTS:
        log(f"{p.name:<8} {p.package + '=' + p.version:<30} tus={p.tus:<4} ninja -j2 ~{p.ninja_s:>4.0f}s  "
            f"features: {', '.join(p.features)}")
    covered = {f for p in PROJECTS for f in p.features}
    missing = [f for f in FEATURE_NAMES if f not in covered]
    log(f"features covered: {len(covered)} of {len(FEATURE_NAMES)}" + (f" (missing {missing})" if missing else ""))
    return 0


def cmd_table(results_file: Path) -> int:
    """The README's table, in Markdown, from the JSON of a `run`."""
    try:
        data = json.loads(results_file.read_text())
    except (OSError, ValueError) as e:
        raise Failure(f"{results_file}: cannot read results: {e}") from None
    results = data["results"] if isinstance(data, dict) else data
    print("| project | Debian version | TUs | features covered | ninja -j2 | nixcc-plan + nix-build | header sets | result | the project's own check |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        features = ", ".join(k for k in r["features"] if k != "tests")
        secs = lambda v: "-" if v is None else f"{v:.1f} s"  # noqa: E731
        check = r["own_check"]["command"] or "-"
        print(f"| {r['project']} | {r['package']}={r['debian_version']} | {r['tus'] if r['tus'] is not None else '-'} | "
              f"{features} | {secs(r['ninja_seconds'])} | {secs(r['nixcc_seconds'])} | {r['header_sets']} | "
              f"{r['result']} | {check} ({r['own_check']['result']}) |")
    return 0


def default_bin_dirs() -> list[Path]:
    return [Path(os.environ["NIXCC_BIN_DIR"])] if os.environ.get("NIXCC_BIN_DIR") else [REPO / "build" / "bin"]


def cmd_run(args: argparse.Namespace) -> int:
    if args.all:
        chosen = list(PROJECTS)
    elif args.smallest:
        chosen = sorted(PROJECTS, key=lambda p: p.ninja_s)[:args.smallest]
    else:
        unknown = [n for n in args.names if n not in PROJECT_BY_NAME]
        if unknown or not args.names:
            log(f"corpus: unknown or no project {unknown}; known: {', '.join(PROJECT_BY_NAME)}")
            return 2
        chosen = [PROJECT_BY_NAME[n] for n in args.names]
    try:
        nixcc, planner = nixcc_binaries([Path(d) for d in args.bin_dir] or default_bin_dirs())
    except Failure as e:
        log(f"corpus: {e}")
        return 2
    for tool in ("cmake", "ninja", "nix-build", "apt-get"):
        if not shutil.which(tool):
            log(f"corpus: {tool} not found on PATH (bash scripts/install-deps.sh installs it)")
            return 2
    work, cache = Path(args.work).resolve(), Path(args.cache).resolve()
    keep_going = args.keep_going or args.all or bool(args.smallest) or len(chosen) > 1
    log(f"corpus: {', '.join(p.name for p in chosen)}; nixcc {nixcc}, nixcc-plan {planner}; work {work}")
    results = []
    for p in chosen:
        log(f"== {p.name} ({p.package}={p.version})")
        results.append(run_project(p, work, cache, nixcc, planner))
        if args.json:
            Path(args.json).parent.mkdir(parents=True, exist_ok=True)
            Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
        if results[-1]["result"] != "ok" and not keep_going:
            break
    log("")
    for r in results:
        log(summary_line(r))
    failed = [r for r in results if r["result"] != "ok"]
    if failed:
        log(f"corpus: {len(failed)} of {len(results)} projects FAILED: "
            + "; ".join(f"{r['project']} at {r['failure']['step']}" for r in failed))
        return 1
    log(f"corpus: all {len(results)} projects built by nixcc exactly like ninja")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="print the projects, their size and the features they cover")
    run = sub.add_parser("run", help="build projects with ninja and nixcc and compare")
    run.add_argument("names", nargs="*", help="project names (see list)")
    pick = run.add_mutually_exclusive_group()
    pick.add_argument("--all", action="store_true", help="every project")
    pick.add_argument("--smallest", type=int, metavar="N", help="the N projects quickest to build")
    run.add_argument("--work", default=str(REPO / "build" / "real"), help="work folder (default %(default)s)")
    run.add_argument("--cache", default=str(REPO / "build" / "real" / "cache"),
                     help="source package cache (default %(default)s)")
    run.add_argument("--bin-dir", action="append", default=[], help="folder with nixcc / nixcc-plan (repeatable)")
    run.add_argument("--json", help="write results as JSON to this file")
    run.add_argument("--keep-going", action="store_true", help="continue after a failed project")
    table = sub.add_parser("table", help="print the README's Markdown table from a run's --json file")
    table.add_argument("json_file", help="the JSON a run wrote")
    args = parser.parse_args(argv)
    if args.command == "list":
        return cmd_list()
    if args.command == "table":
        try:
            return cmd_table(Path(args.json_file))
        except Failure as e:
            print(f"corpus: {e}", file=sys.stderr)
            return 2
    if (args.all or args.smallest) and args.names:
        parser.error("name projects or use --all/--smallest, not both")
    return cmd_run(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
