#!/usr/bin/env python3
"""Helper of bench/toolchain_closure.sh: the path arithmetic it needs, kept out of bash.

  line ANSWERS OUT      only the queried paths and the extra-sandbox-paths entries
  analyse ANSWERS OUT   the compilers' answers (saved by the shell script) -> the queried paths, the
                        extra-sandbox-paths entries, the files named one by one, the files a traced
                        hello world opened, the Debian packages owning those, and those packages' files
  stage LIST DEST       copies the files of LIST (one path a line) into DEST laid out like / (merged
                        /usr: bin, lib, lib64, sbin are symlinks into usr/ as on the host); symlinks are
                        kept as symlinks, absolute targets made relative so that they resolve inside DEST
  elf-interp DIR        lists the files under DIR that are ELF programs with an interpreter (PT_INTERP)

Everything here only reads the host; nothing is run.
"""

import json
import os
import re
import functools
import shutil
import struct
import sys

# Where a file's package files live and what is left out of a package's files when it is imported:
# documentation, manuals, translations (/usr/share) and configuration (/etc) are not read by a compile.
DPKG_INFO = "/var/lib/dpkg/info"
PACKAGE_SKIP = ("/usr/share/", "/etc/")
TRACE_SKIP = ("/tmp/", "/proc/", "/dev/", "/sys/", "/etc/", "/run/", "/var/")


def norm(p):
    p = os.path.normpath(p)
    return "/" + p.lstrip("/") if p.startswith("//") else p


def exists(p):
    return os.path.lexists(p)


def chain(path):
    """Every symlink met while resolving `path` (each as the path that names it) and the real path at
    the end: what a sandbox must show, one entry each, for `path` to resolve as on the host."""
    out, todo, seen = [], [norm(path)], set()
    while todo:
        q = todo.pop()
        if q in seen or len(seen) > 64:
            continue
        seen.add(q)
        parts = [x for x in q.split("/") if x]
        cur = ""
        for i, part in enumerate(parts):
            cur = cur + "/" + part
            if os.path.islink(cur):
                out.append(cur)
                target = os.readlink(cur)
                rest = "/".join(parts[i + 1:])
                todo.append(norm(os.path.join(os.path.dirname(cur), target, rest)))
                break
        else:
            if exists(q):
                out.append(q)
    return out


def is_within(p, folder):
    return p == folder or p.startswith(folder.rstrip("/") + "/")


def without_nested(paths):
    kept = []
    for p in sorted(set(paths)):
        if kept and is_within(p, kept[-1]):
            continue
        kept.append(p)
    return kept


def parse_ldd(text):
    libs = []
    for line in text.splitlines():
        path = line.split("=> ", 1)[1] if "=> " in line else line
        path = path.strip().split(" (", 1)[0]
        if path.startswith("/"):
            libs.append(path)
    return libs


def parse_search_dirs(text, key):
    dirs = []
    for line in text.splitlines():
        if line.startswith(key + ": ="):
            for d in line[len(key) + 3:].split(":"):
                if d:
                    n = norm(d)
                    if n not in dirs:
                        dirs.append(n)
    return dirs


def parse_include_dirs(text):
    dirs, inside = [], False
    for line in text.splitlines():
        if line.startswith("#include <...> search starts here:"):
            inside = True
        elif line.startswith("End of search list."):
            inside = False
        elif inside and line.startswith(" "):
            dirs.append(norm(line.strip()))
    return dirs


LINKER_SCRIPT_FILE = re.compile(r"(/[^\s()]+)")


def linker_script_files(path):
    """The absolute files a GNU ld script (libc.so, libm.so) names; [] for a binary file."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return []
    if head.startswith(b"\x7fELF") or b"\0" in head:
        return []
    text = head.decode("utf-8", "replace")
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    out = []
    for m in LINKER_SCRIPT_FILE.finditer(text):
        if exists(m.group(1)):
            out.append(m.group(1))
    return out


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def parse_trace(path, workdir):
    """Paths a successful open/openat/execve/stat/access/readlink of an `strace -f` log names, that
    exist on the host as files (not folders), outside the scratch folder and the kernel's."""
    found = set()
    quoted = re.compile(r'"(/[^"]*)"')
    for line in read(path).splitlines():
        if " = -1 " in line or "resumed>" in line:
            continue
        m = quoted.search(line)
        if not m:
            continue
        p = norm(m.group(1))
        if is_within(p, workdir) or p.startswith(TRACE_SKIP):
            continue
        if os.path.isfile(p):
            found.add(p)
    return sorted(found)


def dpkg_owners():
    """path -> package, from dpkg's file lists (what `dpkg -S` reads), keyed by real path so that
    /lib/x86_64-linux-gnu/libc.so.6 (as dpkg lists it) and /usr/lib/... (as merged /usr has it) meet."""
    owner, files = {}, {}
    for name in sorted(os.listdir(DPKG_INFO)):
        if not name.endswith(".list"):
            continue
        pkg = name[:-5]
        listed = read(os.path.join(DPKG_INFO, name)).splitlines()
        files[pkg] = listed
        for p in listed:
            if p and p != "/.":
                owner.setdefault(real_dir_path(p), pkg)
    return owner, files


@functools.lru_cache(maxsize=None)
def realpath(p):
    return os.path.realpath(p)


def real_dir_path(p):
    """`p` with its folder resolved (the file itself left as it is, a symlink stays a symlink)."""
    d, b = os.path.split(norm(p))
    return os.path.join(realpath(d), b)


def analyse(answers, out, line_only=False):
    a = lambda name: read(os.path.join(answers, name)) if exists(os.path.join(answers, name)) else ""
    drivers = a("drivers").split()
    workdir = a("workdir").strip()
    executables = [e for e in a("executables").split("\n") if e]
    libs, dirs, incdirs = [], [], []
    for exe in executables:
        libs += parse_ldd(a("ldd/" + exe.replace("/", "_")))
    for d in drivers:
        sd = a(f"search-dirs.{d}")
        for key in ("programs", "libraries"):
            dirs += [x for x in parse_search_dirs(sd, key) if exists(x)]
        for lang in ("c", "c++"):
            incdirs += [x for x in parse_include_dirs(a(f"include-dirs.{d}.{lang}")) if exists(x)]
    # What HostToolchain::paths() gives: executables (and the real file a symlink names), the
    # libraries they load, the folders the compilers search, plus the include folders.
    queried = set()
    for exe in executables:
        queried.add(norm(exe))
        queried.add(os.path.realpath(exe))
    queried.update(norm(x) for x in libs + dirs + incdirs)
    queried_paths = without_nested(queried)
    # The line: the same, with every symlink on the way to each entry named too (/lib -> usr/lib,
    # /usr/bin/g++ -> g++-12 -> x86_64-linux-gnu-g++-12, /lib64/ld-linux-x86-64.so.2 -> ...).
    line_entries = set()
    for p in queried:
        line_entries.add(p)
        line_entries.update(chain(p))
    line_paths = without_nested(line_entries)
    if line_only:
        write(out, {"queried_paths": queried_paths, "line_paths": line_paths})
        return
    # Files named one by one: programs, libraries, the link inputs the drivers name
    # (-print-file-name) and the files their linker scripts name.
    link_inputs = [x.strip() for x in a("link-inputs").splitlines() if x.strip().startswith("/") and exists(x.strip())]
    for f in list(link_inputs):
        link_inputs += linker_script_files(f)
    named = set()
    for p in executables + libs + link_inputs:
        named.update(chain(p))
    traced = parse_trace(os.path.join(answers, "trace"), workdir) if exists(os.path.join(answers, "trace")) else []
    traced_files = set()
    for p in traced:
        traced_files.update(chain(p))
    owner, pkg_files = dpkg_owners()
    packages, unowned = set(), []
    for p in sorted(named | traced_files):
        if os.path.isdir(p):  # a folder, or a symlink to one (/lib): many packages list it
            continue
        pkg = owner.get(real_dir_path(p)) or owner.get(os.path.realpath(p))
        if pkg:
            packages.add(pkg)
        else:
            unowned.append(p)
    package_files = set()
    for pkg in sorted(packages):
        for p in pkg_files[pkg]:
            # Folders are not taken as such (their files are listed one by one), nor the merged-/usr
            # symlinks to folders that packages list (/bin, /lib, /lib64): the tree has its own.
            if not p or p == "/." or p.startswith(PACKAGE_SKIP) or not exists(p) or os.path.isdir(p):
                continue
            package_files.update(chain(p))
    # Files the package tree leaves out but the traced compile read (should be none).
    package_real = {os.path.realpath(p) for p in package_files}
    uncovered = sorted(p for p in traced_files if not os.path.islink(p) and os.path.realpath(p) not in package_real)
    result = {
        "queried_paths": queried_paths,
        "line_paths": line_paths,
        "search_dirs": sorted(set(dirs)),
        "include_dirs": sorted(set(incdirs)),
        "executables": executables,
        "named_files": sorted(named),
        "traced_files": sorted(traced_files),
        "packages": sorted(packages),
        "unowned": unowned,
        "package_files": sorted(package_files),
        "traced_not_in_packages": uncovered,
    }
    write(out, result)


def write(out, result):
    os.makedirs(out, exist_ok=True)
    for key, value in result.items():
        with open(os.path.join(out, key + ".txt"), "w") as f:
            f.write("".join(v + "\n" for v in value))
    print(json.dumps({k: len(v) for k, v in result.items()}))


def stage(listfile, dest):
    os.makedirs(dest, exist_ok=True)
    # Merged /usr as on the host: the top-level symlinks into usr/.
    for name in os.listdir("/"):
        p = "/" + name
        if os.path.islink(p) and not exists(os.path.join(dest, name)):
            target = os.readlink(p)
            if not target.startswith("/"):
                os.symlink(target, os.path.join(dest, name))
    files = [x for x in read(listfile).splitlines() if x]
    for p in files:
        real = real_dir_path(p)  # the file's place in the tree: its folder with symlinks resolved
        to = dest + real
        if exists(to):
            continue
        os.makedirs(os.path.dirname(to), exist_ok=True)
        if os.path.islink(p):
            target = os.readlink(p)
            if target.startswith("/"):
                # Absolute targets would name the host's file inside the store; relative ones resolve
                # inside the tree.
                target = os.path.relpath(target, os.path.dirname(real))
            os.symlink(target, to)
        elif os.path.isfile(p):
            shutil.copy2(p, to)
    for name in os.listdir(dest):  # top-level symlinks into folders the tree does not have
        p = os.path.join(dest, name)
        if os.path.islink(p) and not os.path.exists(p):
            os.unlink(p)


def elf_interp(root):
    for d, subdirs, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            try:
                with open(p, "rb") as f:
                    head = f.read(64)
                    if head[:4] != b"\x7fELF" or head[4] != 2:
                        continue
                    phoff, = struct.unpack_from("<Q", head, 32)
                    phentsize, phnum = struct.unpack_from("<HH", head, 54)
                    f.seek(phoff)
                    table = f.read(phentsize * phnum)
            except OSError:
                continue
            for i in range(phnum):
                if struct.unpack_from("<I", table, i * phentsize)[0] == 3:  # PT_INTERP
                    print(p)
                    break


def main(argv):
    if len(argv) == 3 and argv[0] in ("analyse", "line"):
        analyse(argv[1], argv[2], line_only=argv[0] == "line")
    elif len(argv) == 3 and argv[0] == "stage":
        stage(argv[1], argv[2])
    elif len(argv) == 2 and argv[0] == "elf-interp":
        elf_interp(argv[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
