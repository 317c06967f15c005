#!/usr/bin/env python3
"""Synthetic C++ CMake project for nixcc's benchmarks (python3 standard library only).

    python3 bench/gen_project.py --tus N --seed S --out DIR        write a project of N translation units
    python3 bench/gen_project.py --add-tu DIR                      add one TU to an existing project

The project is deterministic from (N, seed): the same arguments give the same bytes.

- Targets: a few static libraries (2 for small N, up to 8) and executables (1 to 3). The first library,
  `core`, is a dependency of every other library; every executable links every library.
- Include fan-in: `common/config.h` and `common/types.h` are included by every TU and `common/util.h` by
  nearly every one (the few headers included everywhere); `core/api.h` by every `core` TU and about a
  quarter of all others (the widely included header the header-edit scenario edits); each library has
  about one local header per two TUs, each TU including 1 to 4 of them with Zipf-like weights, so a few
  local headers are included by many TUs and most by a handful. Local headers may include an earlier
  header of their library (include chains).
- Compile cost: ordinary TUs hold 1 to 6 small functions over the standard containers (a spread of
  costs); about one TU in twelve (at least one) is template-heavy (<regex>, std::variant visitation,
  a tuple of std::function, recursive templates), about ten times the median TU.
- `bench-meta.json` lists targets, sources, the header fan-in, and the files the benchmark's edit
  scenarios touch (a median-cost .cpp, the widely included header, the library a new TU joins).
- Sources of each target are listed in `<target dir>/sources.cmake`, included by CMakeLists.txt, so
  adding a TU edits that list and make/ninja re-run CMake on their own, as in a real project.
"""
import argparse
import json
import os
import random
import sys

LIB_NAMES = ["core", "net", "store", "text", "math", "io", "geo", "ui"]
APP_NAMES = ["server", "cli", "tool"]
STD_POOL = ["<map>", "<unordered_map>", "<set>", "<memory>", "<functional>", "<array>", "<optional>",
            "<deque>", "<list>", "<tuple>", "<utility>", "<cstring>"]

GLOBAL_HEADERS = {
    "include/common/config.h": """#pragma once
#define NIXCC_BENCH_VERSION 1
#define NIXCC_BENCH_LIKELY(x) __builtin_expect(!!(x), 1)
#define NIXCC_BENCH_UNUSED(x) (void)(x)
""",
    "include/common/types.h": """#pragma once
#include <cstdint>
#include <string>
#include <vector>
namespace bench {
using Id = std::uint64_t;
struct Item {
  std::string name;
  int weight = 0;
  Id id = 0;
};
using Items = std::vector<Item>;
}  // namespace bench
""",
    "include/common/util.h": """#pragma once
#include <algorithm>
#include <numeric>
#include <string>
#include <vector>
#include "common/types.h"
namespace bench {
template <class T, class F>
std::vector<T> sorted_by(std::vector<T> v, F key) {
  std::sort(v.begin(), v.end(), [&](const T& a, const T& b) { return key(a) < key(b); });
  return v;
}
template <class T, class F>
long long sum_of(const std::vector<T>& v, F f) {
  return std::accumulate(v.begin(), v.end(), 0LL, [&](long long acc, const T& x) { return acc + f(x); });
}
inline Items make_items(int n, int salt) {
  Items items;
  for (int k = 0; k < n; ++k) items.push_back({std::to_string(k * salt), (k * 7919 + salt) % 101, Id(k)});
  return items;
}
}  // namespace bench
""",
    "include/common/heavy.h": """#pragma once
#include <functional>
#include <map>
#include <regex>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>
namespace bench::heavy {
template <int... Is>
auto make_table(std::integer_sequence<int, Is...>) {
  return std::make_tuple(std::function<long(long)>([](long x) { return x * (Is + 1) + Is; })...);
}
template <int N> struct Fib { static constexpr long long v = Fib<N - 1>::v + Fib<N - 2>::v; };
template <> struct Fib<1> { static constexpr long long v = 1; };
template <> struct Fib<0> { static constexpr long long v = 0; };
template <int N> struct Tag { static constexpr int value = N; };
template <int... Is>
using TagVariant = std::variant<Tag<Is>...>;
template <int... Is>
long visit_all(std::integer_sequence<int, Is...>) {
  long total = 0;
  (void)std::initializer_list<int>{((total += std::visit([](auto t) { return long(decltype(t)::value); },
                                                             TagVariant<Is...>(Tag<Is>{}))), 0)...};
  return total;
}
}  // namespace bench::heavy
""",
}


TINY_GLOBAL_HEADERS = {
    "include/common/config.h": GLOBAL_HEADERS["include/common/config.h"],
    "include/common/types.h": "#pragma once\nnamespace bench {\nusing Id = unsigned long;\nstruct Item { int weight; Id id; };\n}\n",
    "include/common/util.h": ("#pragma once\n#include \"common/types.h\"\nnamespace bench {\n"
                              "template <class T> T twice(T x) { return x + x; }\n}\n"),
    "include/common/heavy.h": ("#pragma once\nnamespace bench::heavy {\ntemplate <int N> struct Fib "
                               "{ static constexpr long long v = Fib<N - 1>::v + Fib<N - 2>::v; };\n"
                               "template <> struct Fib<1> { static constexpr long long v = 1; };\n"
                               "template <> struct Fib<0> { static constexpr long long v = 0; };\n}\n"),
}


def zipf_pick(rng, n, k):
    """k distinct indices in [0, n) with weights 1/(i+1): a few are picked often, most rarely."""
    weights = [1.0 / (i + 1) for i in range(n)]
    chosen = []
    pool = list(range(n))
    for _ in range(min(k, n)):
        total = sum(weights[i] for i in pool)
        r = rng.random() * total
        for i in pool:
            r -= weights[i]
            if r <= 0:
                break
        chosen.append(i)
        pool.remove(i)
    return sorted(chosen)


def plan_layout(tus, rng):
    n_libs = max(2, min(len(LIB_NAMES), tus // 20))
    n_apps = max(1, min(len(APP_NAMES), tus // 40))
    app_tus = max(n_apps, round(tus * 0.1))
    lib_tus = tus - app_tus
    if lib_tus < n_libs:
        raise SystemExit(f"gen_project.py: --tus {tus} is too small (at least {n_libs + n_apps})")
    # Library sizes: one TU each, the rest spread with random weights (core gets a double share).
    sizes = [1] * n_libs
    weights = [2.0] + [rng.uniform(0.5, 1.5) for _ in range(n_libs - 1)]
    for _ in range(lib_tus - n_libs):
        r = rng.random() * sum(weights)
        for i, w in enumerate(weights):
            r -= w
            if r <= 0:
                break
        sizes[i] += 1
    app_sizes = [1] * n_apps
    for k in range(app_tus - n_apps):
        app_sizes[k % n_apps] += 1
    return LIB_NAMES[:n_libs], sizes, APP_NAMES[:n_apps], app_sizes


WORK_SNIPPETS = [
    # Each takes (name, k) and returns a function body computing an int from `x`.
    lambda f, k: f"""int {f}(int x) {{
  auto items = bench::make_items(x % 50 + {k + 3}, {k + 11});
  auto s = bench::sorted_by(items, [](const bench::Item& it) {{ return it.weight; }});
  return int(bench::sum_of(s, [](const bench::Item& it) {{ return it.weight; }}));
}}
""",
    lambda f, k: f"""int {f}(int x) {{
  std::map<std::string, std::vector<int>> groups;
  for (int i = 0; i < x % 64 + {k + 5}; ++i) groups[std::to_string(i % {k % 7 + 3})].push_back(i * {k + 1});
  int total = 0;
  for (const auto& [key, values] : groups) total += int(key.size()) + int(values.size());
  return total;
}}
""",
    lambda f, k: f"""int {f}(int x) {{
  std::vector<std::string> words;
  for (int i = 0; i < x % 40 + {k + 2}; ++i) words.push_back("w" + std::to_string(i * {k + 7}));
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  std::string joined;
  for (const auto& w : words) joined += w;
  return int(joined.size());
}}
""",
    lambda f, k: f"""struct Point{k} {{ double x, y; }};
int {f}(int x) {{
  std::vector<Point{k}> pts;
  for (int i = 0; i < x % 30 + {k + 4}; ++i) pts.push_back({{i * 0.5, i * {k % 5 + 1}.25}});
  std::stable_sort(pts.begin(), pts.end(), [](const Point{k}& a, const Point{k}& b) {{ return a.y < b.y; }});
  double acc = 0;
  for (const auto& p : pts) acc += p.x * p.y;
  return int(acc);
}}
""",
]


SNIPPET_NEEDS = ['"common/util.h"', "<map>", "<algorithm>", "<algorithm>"]


def tiny_source(ns, tu_name, includes, rng, heavy):
    lines = [f'#include "{h}"' for h in includes] + [f"namespace {ns} {{"]
    k = rng.randrange(1000)
    extra = f" + int(bench::heavy::Fib<{30 + k % 10}>::v % 7)" if heavy else ""
    lines.append(f"int {tu_name}(int x) {{\n  int acc = {k};\n  for (int i = 0; i < x; ++i) acc = acc * 31 + i;\n"
                 f"  return acc{extra};\n}}\n}}  // namespace {ns}")
    return "\n".join(lines) + "\n"


def tu_source(ns, tu_name, includes, rng, heavy, light=False):
    if light == "tiny":
        return tiny_source(ns, tu_name, includes, rng, heavy)
    lines = [f'#include "{h}"' for h in includes]
    body = []
    if heavy:
        n = rng.randint(32, 44)
        if light:
            n = max(2, round(n * (light if isinstance(light, float) else 0.1)))
        body.append(f"""int {tu_name}_heavy(const std::string& text) {{
  std::regex re("([a-z]+)([0-9]*)_{tu_name}");
  std::map<std::string, std::vector<std::pair<int, std::string>>> groups;
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it)
    groups[(*it)[1]].emplace_back(int(it->position()), (*it)[2]);
  auto table = bench::heavy::make_table(std::make_integer_sequence<int, {n}>{{}});
  long total = std::apply([](auto&... f) {{ return (f(1) + ...); }}, table);
  total += bench::heavy::visit_all(std::make_integer_sequence<int, {n // 2}>{{}});
  return int(total) + int(groups.size()) + int(bench::heavy::Fib<{40 + n % 20}>::v % 1000);
}}
""")
        calls = [f"{tu_name}_heavy(std::to_string(x))"]
    else:
        calls = []
    n_funcs = min(6, max(1, int(rng.lognormvariate(0.3, 0.6))))
    for i in range(n_funcs):
        fname = f"{tu_name}_f{i}"
        which = rng.randrange(len(WORK_SNIPPETS))
        body.append(WORK_SNIPPETS[which](fname, rng.randrange(1000)))
        need = f"#include {SNIPPET_NEEDS[which]}"
        if need not in lines:
            lines.append(need)
        calls.append(f"{fname}(x + {i})")
    lines.append(f"namespace {ns} {{")
    body.append(f"int {tu_name}(int x) {{\n  return " + " + ".join(calls) + ";\n}\n")
    lines.append("\n".join(body).rstrip())
    lines.append(f"}}  // namespace {ns}")
    return "\n".join(lines) + "\n"


def generate(tus, seed, out, light=False):
    rng = random.Random(seed)
    libs, lib_sizes, apps, app_sizes = plan_layout(tus, rng)
    files = dict(TINY_GLOBAL_HEADERS if light == "tiny" else GLOBAL_HEADERS)
    fan_in = {h: 0 for h in GLOBAL_HEADERS}
    targets = []
    n_heavy = max(1, round(tus / 12))
    heavy_ids = set(rng.sample(range(tus), n_heavy))
    tu_index = 0
    lib_headers = {}
    all_lib_tus = []  # (lib, function name) callable from apps
    sources_of = {}

    for lib, size in zip(libs, lib_sizes):
        n_headers = max(1, size // 2)
        headers = [f"libs/{lib}/include/{lib}/h{j:03d}.h" for j in range(n_headers)]
        api = f"libs/{lib}/include/{lib}/api.h"
        files[api] = (f"#pragma once\n#include \"common/types.h\"\nnamespace {lib} {{\n"
                      f"struct Api {{ bench::Id id; {'int' if light == 'tiny' else 'std::string'} name; }};\n"
                      f"inline int api_version() {{ return 1; }}\n}}  // namespace {lib}\n")
        fan_in[api] = 0
        for j, h in enumerate(headers):
            std_incs = rng.sample(STD_POOL, rng.randint(1, 3))
            if light == "tiny":
                std_incs = []
            inc = [f"#include {s}" for s in sorted(std_incs)] + ['#include "common/types.h"']
            if j > 0 and rng.random() < 0.4:
                inc.append(f'#include "{lib}/h{rng.randrange(j):03d}.h"')
            files[h] = ("#pragma once\n" + "\n".join(inc) + f"\nnamespace {lib} {{\n"
                        f"struct Local{j} {{ int a = {j}; {'int' if light == 'tiny' else 'std::string'} b; }};\n"
                        f"inline int local{j}(int x) {{ return x * {j + 1} + {rng.randrange(100)}; }}\n"
                        f"}}  // namespace {lib}\n")
            fan_in[h] = 0
        lib_headers[lib] = (api, headers)
        srcs = []
        for k in range(size):
            name = f"{lib}_tu{k:04d}"
            heavy = tu_index in heavy_ids
            tu_index += 1
            includes = ["common/config.h", "common/types.h"]
            if rng.random() < 0.95 or heavy:
                includes.append("common/util.h")
            if heavy:
                includes.append("common/heavy.h")
            if lib == "core" or rng.random() < 0.25:
                includes.append("core/api.h")
            if lib != "core":
                includes.append(f"{lib}/api.h")
            for j in zipf_pick(rng, n_headers, rng.randint(1, 4)):
                includes.append(f"{lib}/h{j:03d}.h")
            path = f"libs/{lib}/src/{name}.cpp"
            files[path] = tu_source(lib, name, includes, rng, heavy, light)
            for h in includes:
                key = h if h.startswith("common/") else None
                if key:
                    fan_in["include/" + h] += 1
                else:
                    owner = h.split("/")[0]
                    fan_in[f"libs/{owner}/include/{h}"] += 1
            srcs.append((path, heavy, len(includes)))
            all_lib_tus.append((lib, name))
        sources_of[lib] = srcs
        deps = [] if lib == "core" else ["core"] + ([libs[libs.index(lib) - 1]] if libs.index(lib) > 1 else [])
        targets.append({"name": lib, "kind": "static_library", "dir": f"libs/{lib}", "deps": deps})

    for app, size in zip(apps, app_sizes):
        srcs = []
        names = []
        for k in range(size - 1):
            name = f"{app}_tu{k:04d}"
            heavy = tu_index in heavy_ids
            tu_index += 1
            lib, fn = all_lib_tus[rng.randrange(len(all_lib_tus))]
            includes = ["common/config.h", "common/types.h", "common/util.h"]
            if heavy:
                includes.append("common/heavy.h")
            if rng.random() < 0.5:
                includes.append("core/api.h")
            text = tu_source(app, name, includes, rng, heavy, light)
            text += f"namespace {lib} {{ int {fn}(int); }}\nnamespace {app} {{\nint {name}_calls(int x) {{ return {name}(x) + {lib}::{fn}(x); }}\n}}  // namespace {app}\n"
            path = f"apps/{app}/{name}.cpp"
            files[path] = text
            for h in includes:
                fan_in[("include/" + h) if h.startswith("common/") else "libs/core/include/" + h] += 1
            srcs.append((path, heavy, len(includes)))
            names.append(name)
        decls = "".join(f"int {n}_calls(int);\n" for n in names)
        calls = " + ".join([f"{n}_calls(argc)" for n in names] or ["0"])
        files[f"apps/{app}/main.cpp"] = (f'#include "common/config.h"\nnamespace {app} {{\n{decls}}}\n'
                                          f"int main(int argc, char**) {{\n  using namespace {app};\n"
                                          f"  return ({calls}) == 123456789 ? 1 : 0;\n}}\n")
        fan_in["include/common/config.h"] += 1
        srcs.append((f"apps/{app}/main.cpp", False, 1))
        sources_of[app] = srcs
        targets.append({"name": app, "kind": "executable", "dir": f"apps/{app}", "deps": list(libs)})

    # CMake: one sources.cmake per target, included by the top-level list.
    cm = ["cmake_minimum_required(VERSION 3.16)", "project(nixcc_bench_synth CXX)",
          "set(CMAKE_CXX_STANDARD 17)", "set(CMAKE_CXX_STANDARD_REQUIRED ON)", "set(CMAKE_CXX_EXTENSIONS OFF)", ""]
    for t in targets:
        name, d = t["name"], t["dir"]
        rel = [p[len(d) + 1:] for p, _, _ in sources_of[name]]
        files[f"{d}/sources.cmake"] = f"set({name}_SOURCES\n" + "".join(f"  {d}/{r}\n" for r in rel) + ")\n"
        cm.append(f"include({d}/sources.cmake)")
        if t["kind"] == "static_library":
            cm.append(f"add_library({name} STATIC ${{{name}_SOURCES}})")
            cm.append(f"target_include_directories({name} PUBLIC include {d}/include)")
        else:
            cm.append(f"add_executable({name} ${{{name}_SOURCES}})")
            cm.append(f"target_include_directories({name} PRIVATE include)")
        if t["deps"]:
            cm.append(f"target_link_libraries({name} PUBLIC {' '.join(t['deps'])})")
        cm.append("")
    files["CMakeLists.txt"] = "\n".join(cm)

    all_tus = [(p, h, n) for t in targets for (p, h, n) in sources_of[t["name"]]]
    # The .cpp the edit scenario touches: an ordinary core TU of median size.
    core_plain = sorted((len(files[p]), p) for p, h, _ in sources_of["core"] if not h)
    edit_cpp = core_plain[len(core_plain) // 2][1] if core_plain else sources_of["core"][0][0]
    meta = {
        "format": "nixcc-bench-synth", "version": 1, "tus": tus, "seed": seed, "light": light,
        "targets": [dict(t, sources=[p for p, _, _ in sources_of[t["name"]]]) for t in targets],
        "heavy_tus": sorted(p for p, h, _ in all_tus if h),
        "header_fan_in": dict(sorted(fan_in.items())),
        "edit_cpp": edit_cpp,
        "edit_header": "libs/core/include/core/api.h",
        "edit_header_fan_in": fan_in["libs/core/include/core/api.h"],
        "add_tu": {"target": libs[-1], "dir": f"libs/{libs[-1]}"},
    }
    files["bench-meta.json"] = json.dumps(meta, indent=1, sort_keys=True) + "\n"

    os.makedirs(out, exist_ok=True)
    if os.listdir(out):
        raise SystemExit(f"gen_project.py: {out} is not empty")
    for rel, text in sorted(files.items()):
        path = os.path.join(out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return meta


def add_tu(out):
    """Adds libs/<last lib>/src/added_NNN.cpp and lists it in that target's sources.cmake."""
    with open(os.path.join(out, "bench-meta.json"), encoding="utf-8") as f:
        meta = json.load(f)
    target, d = meta["add_tu"]["target"], meta["add_tu"]["dir"]
    k = 0
    while os.path.exists(os.path.join(out, d, "src", f"added_{k:03d}.cpp")):
        k += 1
    name = f"{target}_added_{k:03d}"
    rel = f"{d}/src/added_{k:03d}.cpp"
    rng = random.Random(f"{meta['seed']}-added-{k}")
    includes = ["common/config.h", "common/types.h", "common/util.h", "core/api.h", f"{target}/api.h"]
    if target == "core":
        includes.remove("core/api.h")
    with open(os.path.join(out, rel), "w", encoding="utf-8") as f:
        f.write(tu_source(target, name, includes, rng, False, meta.get("light", False)))
    with open(os.path.join(out, d, "sources.cmake"), "a", encoding="utf-8") as f:
        f.write(f"list(APPEND {target}_SOURCES {rel})\n")
    return rel


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tus", type=int, help="number of translation units (at least 3)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--out", help="output folder (must be empty or absent)")
    ap.add_argument("--light", action="store_true",
                    help="template-heavy TUs with a tenth of the instantiations (smoke tests: fast, same shape)")
    ap.add_argument("--heavy-scale", type=float, default=1.0,
                    help="scale the template-heavy TUs' instantiation counts (default 1: about 10x the median TU)")
    ap.add_argument("--tiny", action="store_true",
                    help="same targets and project include graph, but no standard library and trivial bodies "
                         "(for measuring the build system's own overhead at large sizes)")
    ap.add_argument("--add-tu", metavar="DIR", help="add one TU to the project in DIR and print its path")
    args = ap.parse_args()
    if args.add_tu:
        print(add_tu(args.add_tu))
        return 0
    if not args.tus or not args.out:
        ap.error("--tus and --out are required (or --add-tu DIR)")
    style = "tiny" if args.tiny else (0.1 if args.light else (args.heavy_scale if args.heavy_scale != 1.0 else False))
    meta = generate(args.tus, args.seed, args.out, style)
    print(f"{args.out}: {meta['tus']} TUs, {len(meta['targets'])} targets, {len(meta['heavy_tus'])} template-heavy, "
          f"{meta['edit_header']} included by {meta['edit_header_fan_in']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
