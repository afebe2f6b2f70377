"""Benchmark archlint against import-linter and tach (a script, not a test).

Usage (from the repository root; see tests/benchmark/README.md and docs/performance.md):

    python tests/benchmark/benchmark.py                # Django, sympy, synthetic 10k; 5 runs
    python tests/benchmark/benchmark.py --quick        # CI smoke: archlint on 200 modules, 1 run
    python tests/benchmark/benchmark.py --scaling --sizes 1000,5000,10000

The script owns a work directory (default ``.bench/`` in the repository): a virtual environment
with pinned import-linter and tach plus archlint installed from this repository, the downloaded
wheels, the generated targets and one JSON file of results per run. Every tool gets equivalent
layers contracts for every target. Tools run one at a time (never in parallel); each run is a
fresh process whose wall time and peak memory are measured by a small wrapper process.

Exit code: 0 when every run ended with exit code 0 or 1 (kept or broken), without a traceback,
and every sanity check passed (each tool saw the whole package); 1 otherwise; 2 for bad usage
or a failed setup step.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Pinned versions (current on PyPI when this script was written).
IMPORT_LINTER = "import-linter==2.17"
GRIMP = "grimp==3.20"  # import-linter's graph engine, pinned for reproducible numbers
TACH = "tach==0.35.3"
DJANGO = "Django==5.2.19"
SYMPY = "sympy==1.14.0"

TOOLS = ("archlint", "import-linter", "tach")
SEED = 20240601
LAYER_COUNT = 10
PACKAGE_SIZE = 80  # modules per generated package
IMPORTS_PER_MODULE = 6
QUICK_MODULES = 200

# Realistic, hand-picked layerings (highest first; "a | b" are independent siblings). Neither
# package was written against them, so every tool finds violations: that is intended, it makes
# each tool do its whole job (find, explain and print the broken imports).
DJANGO_LAYERS = (
    "django.contrib",
    "django.test",
    "django.views",
    "django.middleware",
    "django.templatetags",
    "django.forms",
    "django.template",
    "django.urls",
    "django.http",
    "django.dispatch",
)
SYMPY_LAYERS = (
    "sympy.physics | sympy.stats | sympy.vector",
    "sympy.plotting",
    "sympy.solvers",
    "sympy.integrals",
    "sympy.series",
    "sympy.simplify",
    "sympy.matrices",
    "sympy.polys",
)

# Runs one command in a fresh process and prints {"rc", "wall", "maxrss", "tree_pss"} as JSON.
# wall: time.perf_counter() around the child, whose exit is seen at once (blocking wait).
# maxrss: ru_maxrss of RUSAGE_CHILDREN, i.e. the largest single process among the tool and the
# descendants it waited for (KiB on Linux, bytes on macOS): it undercounts worker pools.
# tree_pss: the peak, sampled by a thread (every 20 ms for 0.5 s, then every 100 ms, to keep its
# own CPU use small), of the summed proportional set size (PSS: shared pages split between the
# processes sharing them) of the tool's whole process tree, read from /proc (Linux only; 0
# elsewhere). A peak shorter than the interval can be missed.
WRAPPER = """
import json, os, resource, subprocess, sys, threading, time
out, err, cwd = sys.argv[1:4]
peak = [0]
def children(root):
    found, parents = [root], {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                parents.setdefault(ppid, []).append(int(name))
            except (OSError, IndexError, ValueError):
                pass
    for pid in found:
        found += parents.get(pid, [])
    return found
def pss(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
def sample(proc, done):
    tick, pids = 0, [proc.pid]
    while not done.wait(0.02 if tick < 25 else 0.1):
        if tick % 5 == 0:
            pids = children(proc.pid)
        tick += 1
        peak[0] = max(peak[0], sum(pss(pid) for pid in pids))
with open(out, "wb") as o, open(err, "wb") as e:
    start = time.perf_counter()
    proc = subprocess.Popen(sys.argv[4:], cwd=cwd, stdout=o, stderr=e)
    done = threading.Event()
    sampler = threading.Thread(target=sample, args=(proc, done), daemon=True)
    if os.path.exists("/proc/self/smaps_rollup"):
        sampler.start()
    rc = proc.wait()
    wall = time.perf_counter() - start
    done.set()
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"rc": rc, "wall": wall, "maxrss": rss, "tree_pss": peak[0]}))
"""


class SetupError(Exception):
    """A setup step (venv, pip, download) failed; the benchmark cannot run."""


@dataclass(frozen=True)
class Target:
    """A directory with one top-level package and a layers contract for every tool."""

    name: str
    root: Path  # the source root: contains the package and the tools' configuration files
    package: str
    layers: tuple[str, ...]  # highest first; "a | b" are independent siblings
    files: int  # .py files in the package
    regular_files: int  # those not below a directory without __init__.py (what grimp sees)
    planted: int | None = None  # known upward imports (synthetic targets only)


@dataclass
class Cell:
    """All runs of one tool in one mode on one target."""

    target: str
    tool: str
    mode: str  # "cold", "warm" or "changed" (one module edited before each run)
    walls: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)
    pss_mib: list[float] = field(default_factory=list)
    exit_codes: list[int] = field(default_factory=list)
    load: list[float] = field(default_factory=list)  # 1-minute load average before each run
    planned_runs: int = 0
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def best(self) -> float:
        return min(self.walls)

    @property
    def peak(self) -> float:
        return max(self.rss_mib)

    @property
    def tree_peak(self) -> float:
        return max(self.pss_mib)

    @property
    def memory(self) -> float:
        """Peak memory for comparisons: the whole tree's PSS where sampled, else the RSS."""
        return self.tree_peak or self.peak


@dataclass
class Tools:
    """How to run each tool, and what archlint's CLI supports."""

    commands: dict[str, list[str]]
    archlint_cache: bool  # `archlint check --no-cache` exists
    archlint_cache_dir: bool  # `archlint check --cache-dir` exists
    versions: dict[str, str]


# ---------------------------------------------------------------------------------------------
# Setup: virtual environment, downloads, targets


def run_checked(cmd: Sequence[str | Path], cwd: Path | None = None) -> str:
    """Run a setup command; raise SetupError with its output if it fails."""
    result = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        shown = " ".join(str(c) for c in cmd)
        raise SetupError(f"{shown} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result.stdout


def venv_bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def ensure_venv(workdir: Path, reinstall: bool) -> Path:
    """Create (or reuse) the benchmark venv with the pinned peers and archlint from REPO."""
    venv = workdir / "venv"
    python = venv_bin(venv, "python")
    pins = [IMPORT_LINTER, GRIMP, TACH]
    marker = venv / "bench-pins.txt"
    if not python.exists():
        log(f"creating {venv}")
        run_checked([sys.executable, "-m", "venv", venv])
    wanted = "\n".join([*pins, f"archlint from {REPO}"])
    if not marker.exists() or marker.read_text() != wanted:
        log(f"installing {', '.join(pins)} and archlint from {REPO}")
        run_checked([python, "-m", "pip", "install", "-q", *pins, REPO])
        marker.write_text(wanted)
    elif reinstall:
        log(f"reinstalling archlint from {REPO} (non-editable)")
        run_checked([python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", REPO])
    return venv


def download_wheel(python: Path, requirement: str, downloads: Path) -> Path:
    """The wheel of a pinned requirement, downloaded with pip once."""
    name, version = requirement.split("==")
    prefix = f"{name.lower()}-{version}-"
    found = [w for w in downloads.glob("*.whl") if w.name.lower().startswith(prefix)]
    if not found:
        log(f"downloading {requirement}")
        downloads.mkdir(parents=True, exist_ok=True)
        run_checked(
            [
                python,
                *("-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:"),
                *("-d", downloads, requirement),
            ]
        )
        found = [w for w in downloads.glob("*.whl") if w.name.lower().startswith(prefix)]
    if not found:
        raise SetupError(f"pip downloaded no wheel for {requirement} into {downloads}")
    return found[0]


def extract_package(wheel: Path, package: str, root: Path) -> None:
    """Extract only the package directory of a wheel into root (once)."""
    if (root / package / "__init__.py").exists():
        return
    log(f"extracting {package} from {wheel.name}")
    root.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        members = [m for m in archive.namelist() if m.startswith(f"{package}/")]
        archive.extractall(root, members)


def count_py(package: Path) -> tuple[int, int]:
    """The .py files of a package, all of them and those in regular packages only.

    grimp (and so import-linter) skips directories without ``__init__.py`` (namespace
    packages) inside a package; archlint scans them.
    """
    files = [p for p in package.rglob("*.py") if "__pycache__" not in p.parts]
    regular = [
        p
        for p in files
        if all((package / d / "__init__.py").exists() for d in _dirs(p.relative_to(package)))
    ]
    return len(files), len(regular)


def _dirs(relative: Path) -> list[Path]:
    """The directories from the package root down to the file's parent (the root is '.')."""
    parents = list(relative.parents)  # e.g. a/b/c.py -> a/b, a, .
    return list(reversed(parents))


def real_target(
    name: str, requirement: str, package: str, layers: Sequence[str], python: Path, workdir: Path
) -> Target:
    wheel = download_wheel(python, requirement, workdir / "downloads")
    root = workdir / "targets" / name
    extract_package(wheel, package, root)
    return Target(name, root, package, tuple(layers), *count_py(root / package))


def generate_synthetic(root: Path, modules: int, seed: int = SEED) -> Target:
    """A layered package ``synth`` of ``modules`` modules, deterministic for a given seed.

    ``synth.l0`` (lowest) to ``synth.l9`` (highest), each split into packages of about
    PACKAGE_SIZE modules. Each module has about IMPORTS_PER_MODULE imports: within its package,
    across packages of its layer and down to lower layers, in every common form (absolute,
    ``from`` and relative, function-level and ``TYPE_CHECKING``). One module in a thousand
    (below 2,000 modules: one in ``modules // 2``) also imports a module of a higher layer,
    unless it is in the top layer: the planted violations.
    """
    package = "synth"
    layers = min(LAYER_COUNT, max(2, modules // 10))
    rng = random.Random(seed)
    per_layer = [modules // layers + (1 if i < modules % layers else 0) for i in range(layers)]
    names: list[list[list[str]]] = []  # layer -> package -> dotted module names
    for layer, count in enumerate(per_layer):
        n_packs = max(1, -(-count // PACKAGE_SIZE))
        sizes = [count // n_packs + (1 if i < count % n_packs else 0) for i in range(n_packs)]
        names.append(
            [
                [f"{package}.l{layer}.p{p:02d}.m{m:03d}" for m in range(size)]
                for p, size in enumerate(sizes)
            ]
        )
    every = [
        (lay, p, m)
        for lay, packs in enumerate(names)
        for p, mods in enumerate(packs)
        for m in range(len(mods))
    ]
    planted_every = 1000 if modules >= 2000 else max(2, modules // 2)
    meta = root / "synthetic.json"
    want = {"modules": modules, "seed": seed, "layers": layers, "version": 1}
    planted = 0
    files: dict[Path, str] = {}
    for index, (lay, p, m) in enumerate(every):
        me = names[lay][p][m]
        lines = ['"""Generated module."""', "", "from __future__ import annotations", ""]
        type_only: list[str] = []
        deferred: list[str] = []
        for k in range(IMPORTS_PER_MODULE):
            roll = rng.random()
            if k < 2 or (lay == 0 and roll < 0.5):  # same package
                mods = names[lay][p]
                other = rng.randrange(len(mods))
                if other == m:
                    other = (other + 1) % len(mods)
                if other == m:
                    continue
                target = mods[other]
                if k == 0:
                    lines.append(f"from . import {target.rsplit('.', 1)[1]}")
                    continue
            elif lay == 0 or roll < 0.2:  # another package of the same layer (cross import)
                packs = names[lay]
                target = rng.choice(rng.choice(packs))
            else:  # a lower layer
                packs = names[rng.randrange(lay)]
                target = rng.choice(rng.choice(packs))
            if target == me:
                continue
            form = rng.random()
            if form < 0.1:
                type_only.append(f"    from {target} import Model as _T{k}")
            elif form < 0.2:
                deferred.append(f"    from {target} import helper as _h{k}")
            elif form < 0.55:
                lines.append(f"import {target}")
            elif form < 0.8:
                parent, leaf = target.rsplit(".", 1)
                lines.append(f"from {parent} import {leaf}")
            else:
                lines.append(f"from {target} import helper as helper{k}")
        if index % planted_every == planted_every - 1 and lay < layers - 1:
            higher = names[rng.randrange(lay + 1, layers)]
            lines.append(f"import {rng.choice(rng.choice(higher))}  # planted upward import")
            planted += 1
        if type_only:
            lines += ["from typing import TYPE_CHECKING", "", "if TYPE_CHECKING:", *type_only]
        lines += [
            "",
            "",
            "class Model:",
            f'    name = "{me}"',
            "",
            "    def describe(self) -> str:",
            '        return f"{self.name}:{len(self.name)}"',
            "",
            "",
            "def helper(value: int = 0) -> int:",
            *(deferred or ["    pass"]),
            f"    return value + {index}",
            "",
        ]
        files[root / Path(*me.split(".")).with_suffix(".py")] = "\n".join(lines)
    packages = {root / package} | {f.parent for f in files} | {f.parent.parent for f in files}
    for directory in packages:
        files[directory / "__init__.py"] = ""
    total = len(files)  # every directory has an __init__.py: all files are regular
    if meta.exists() and json.loads(meta.read_text()) == {**want, "planted": planted}:
        return Target(
            f"synthetic-{modules}", root, package, layer_names(layers), total, total, planted
        )
    log(f"generating {modules} modules in {root}")
    shutil.rmtree(root, ignore_errors=True)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    meta.write_text(json.dumps({**want, "planted": planted}))
    return Target(f"synthetic-{modules}", root, package, layer_names(layers), total, total, planted)


def layer_names(layers: int) -> tuple[str, ...]:
    return tuple(f"synth.l{i}" for i in reversed(range(layers)))


# ---------------------------------------------------------------------------------------------
# Equivalent contracts


def levels(target: Target) -> list[list[str]]:
    return [[name.strip() for name in level.split("|")] for level in target.layers]


def write_configs(target: Target) -> None:
    """One layers contract, written for each tool in its own configuration file."""
    quoted = ",\n".join(f'    "{level}"' for level in target.layers)
    (target.root / "pyproject.toml").write_text(
        "[tool.archlint]\n"
        'source-roots = ["."]\n'
        f'root-packages = ["{target.package}"]\n\n'
        "[[tool.archlint.layers]]\n"
        f'name = "{target.package} layers"\n'
        f"layers = [\n{quoted},\n]\n"
    )
    il_levels = "\n".join(f"    {level}" for level in target.layers)
    (target.root / ".importlinter").write_text(
        "[importlinter]\n"
        f"root_package = {target.package}\n\n"
        "[importlinter:contract:layers]\n"
        f"name = {target.package} layers\n"
        "type = layers\n"
        f"layers =\n{il_levels}\n"
    )
    # tach: one module per layer entry, one tach layer per level. Modules of one level declare
    # no dependency (depends_on = []), so siblings stay independent; lower levels need no
    # declaration. Code outside these modules (the root module) is not checked.
    lines = [
        'source_roots = ["."]',
        'exclude = ["**/__pycache__"]',  # tach's defaults would skip tests/ and docs/
        "ignore_type_checking_imports = false",
        'root_module = "ignore"',
        "layers = [" + ", ".join(f'"level{i}"' for i in range(len(target.layers))) + "]",
        "",
    ]
    for i, level in enumerate(levels(target)):
        for module in level:
            lines += [
                "[[modules]]",
                f'path = "{module}"',
                "depends_on = []",
                f'layer = "level{i}"',
                "",
            ]
    (target.root / "tach.toml").write_text("\n".join(lines))


# ---------------------------------------------------------------------------------------------
# Running and measuring


def resolve_tools(venv: Path | None) -> Tools:
    """The command of each tool; archlint from the venv, or from this interpreter without one."""
    commands: dict[str, list[str]] = {}
    if venv is not None:
        commands["archlint"] = [str(venv_bin(venv, "archlint"))]
        commands["import-linter"] = [str(venv_bin(venv, "lint-imports")), "--no-logo"]
        commands["tach"] = [str(venv_bin(venv, "tach"))]
    else:
        import importlib.util

        if importlib.util.find_spec("archlint") is not None:
            commands["archlint"] = [sys.executable, "-m", "archlint"]
        elif shutil.which("archlint"):
            commands["archlint"] = [str(shutil.which("archlint"))]
        else:
            raise SetupError(
                f"archlint is not installed for {sys.executable} and not on PATH; "
                "install it (pip install -e .) or run without --quick"
            )
    help_text = subprocess.run(
        [*commands["archlint"], "check", "--help"], capture_output=True, text=True, check=False
    ).stdout
    versions = {}
    for tool, command in commands.items():
        asked = [command[0]] if tool == "import-linter" else command
        out = subprocess.run([*asked, "--version"], capture_output=True, text=True, check=False)
        versions[tool] = (out.stdout.strip() or out.stderr.strip() or "?").splitlines()[-1]
    return Tools(commands, "--no-cache" in help_text, "--cache-dir" in help_text, versions)


def tool_command(tools: Tools, tool: str, mode: str, target: Target, cache: Path) -> list[str]:
    base = tools.commands[tool]
    if tool == "archlint":
        flags = ["--no-cache"] if mode == "cold" and tools.archlint_cache else []
        if mode != "cold" and tools.archlint_cache_dir:
            flags = ["--cache-dir", str(cache / "archlint")]
        return [*base, "check", *flags, "."]
    if tool == "import-linter":
        flags = ["--no-cache"] if mode == "cold" else ["--cache-dir", str(cache / "import-linter")]
        return [*base, *flags, ".importlinter"]
    return [*base, "check"]


@dataclass(frozen=True)
class Outcome:
    rc: int
    wall: float
    rss_mib: float
    pss_mib: float
    stdout: str
    stderr: str


def measure(command: list[str], cwd: Path, logs: Path) -> Outcome:
    """Run command once in a fresh wrapper process; its wall time, peak RSS and output."""
    out, err = logs / "stdout.txt", logs / "stderr.txt"
    logs.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(out), str(err), str(cwd), *command],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(result.stdout)
    divisor = 1024 * 1024 if sys.platform == "darwin" else 1024
    return Outcome(
        data["rc"],
        data["wall"],
        data["maxrss"] / divisor,
        data["tree_pss"] / 1024,
        out.read_text(errors="replace"),
        err.read_text(errors="replace"),
    )


def sanity(tool: str, target: Target, outcome: Outcome) -> list[str]:
    """Problems with one run: a crash, or signs that the tool did not see the whole package."""
    problems: list[str] = []
    text = outcome.stdout + outcome.stderr
    if outcome.rc not in (0, 1):
        problems.append(f"exit code {outcome.rc}")
    if "Traceback (most recent call last)" in text:
        problems.append("traceback in the output")
    if target.planted and outcome.rc == 0:
        problems.append(f"exit code 0, but {target.planted} violation(s) were planted")
    if problems:
        return problems
    if tool == "archlint":
        summary = re.search(r"(\d+) violations? \| (\d+) files", text)
        clean = re.search(r"(\d+) files, \d+ modules", text)
        files = int(summary.group(2)) if summary else int(clean.group(1)) if clean else None
        if files != target.files:
            problems.append(f"archlint read {files} files, the package has {target.files}")
        if target.planted is not None and summary and int(summary.group(1)) != target.planted:
            problems.append(f"archlint: {summary.group(1)} violations, planted {target.planted}")
    elif tool == "import-linter":
        match = re.search(r"Analyzed (\d+) files", text)
        files = int(match.group(1)) if match else None
        if files != target.regular_files:
            problems.append(
                f"import-linter analysed {files} files, the package has {target.regular_files}"
                " outside namespace directories"
            )
    elif tool == "tach":
        failures = len(re.findall(r"^\[FAIL\]", text, flags=re.MULTILINE))
        if target.planted is not None and failures != target.planted:
            problems.append(f"tach: {failures} failures, planted {target.planted}")
        if outcome.rc == 1 and failures == 0:
            problems.append("tach exited 1 without reporting a failure")
    return problems


def warm_up_files(target: Target) -> None:
    """Read every file once, so that no tool pays for the first disk read."""
    for path in (target.root / target.package).rglob("*.py"):
        path.read_bytes()


def clear(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def bench_target(
    target: Target,
    tools: Tools,
    selected: Sequence[str],
    args: argparse.Namespace,
    workdir: Path,
    problems: list[str],
) -> list[Cell]:
    write_configs(target)
    warm_up_files(target)
    cache = workdir / "caches" / target.name
    logs = workdir / "logs" / target.name
    modes = ["cold", "warm", "changed"]
    cells: list[Cell] = []
    edited = changed_file(target)
    original = edited.read_bytes()
    for mode in modes:
        active = [t for t in selected if warm_mode_exists(t, tools) or mode == "cold"]
        if mode == "warm":
            for tool in active:  # fill each tool's cache, untimed
                clear(cache / tool)
                command = tool_command(tools, tool, mode, target, cache)
                log(f"{target.name}: filling the {tool} cache")
                outcome = measure(command, target.root, logs / f"{tool}-fill")
                report_problems(tool, target, outcome, "cache fill", problems)
        row = {t: Cell(target.name, t, mode, planned_runs=args.runs) for t in active}
        for run in range(args.runs):
            for tool in active:
                cell = row[tool]
                if run >= cell.planned_runs:
                    continue
                if tool == "tach":
                    clear(target.root / ".tach")
                if mode == "changed":  # a new edit before every run: the file is always new
                    edited.write_bytes(original + f"\n# benchmark edit {tool} {run}\n".encode())
                command = tool_command(tools, tool, mode, target, cache)
                load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
                outcome = measure(command, target.root, logs / f"{tool}-{mode}-{run}")
                cell.load.append(load)
                cell.walls.append(outcome.wall)
                cell.rss_mib.append(outcome.rss_mib)
                cell.pss_mib.append(outcome.pss_mib)
                cell.exit_codes.append(outcome.rc)
                log(
                    f"{target.name}: {tool} {mode} run {run + 1}/{cell.planned_runs}: "
                    f"{outcome.wall:.2f} s, RSS {outcome.rss_mib:.0f} MiB, "
                    f"tree PSS {outcome.pss_mib:.0f} MiB, exit {outcome.rc}, load {load:.1f}"
                )
                report_problems(tool, target, outcome, f"{mode} run {run + 1}", problems)
                if run == 0 and outcome.wall > args.slow_seconds and args.runs > args.slow_runs:
                    cell.planned_runs = args.slow_runs
                    runs = f"{args.slow_runs} run{'s' if args.slow_runs > 1 else ''}"
                    cell.note = f"{runs}: the first took over {args.slow_seconds:g} s"
                    log(f"{target.name}: {tool} {mode} is slow; {args.slow_runs} runs only")
        cells += row.values()
        edited.write_bytes(original)
    cold, warm = (logs / f"archlint-{mode}-0" / "stdout.txt" for mode in ("cold", "warm"))
    # the cache must not change the report
    ran = "archlint" in selected and tools.archlint_cache and cold.exists() and warm.exists()
    if ran and cold.read_bytes() != warm.read_bytes():
        problems.append(f"{target.name}: archlint's report differs between cold and warm")
        log(f"PROBLEM {target.name}: archlint's report differs between {cold} and {warm}")
    verdicts = {c.tool: set(c.exit_codes) for c in cells}
    if len({frozenset(v) for v in verdicts.values()}) > 1:
        log(f"{target.name}: note: the tools' exit codes differ: {verdicts}")
    return cells


def changed_file(target: Target) -> Path:
    """The module edited before each run of the "changed" mode: the middle one by path."""
    files = sorted(target.root.rglob("*.py"))
    return files[len(files) // 2]


def warm_mode_exists(tool: str, tools: Tools) -> bool:
    if tool == "archlint":
        return tools.archlint_cache
    return tool == "import-linter"  # tach check has no cache of its own


def report_problems(
    tool: str, target: Target, outcome: Outcome, what: str, problems: list[str]
) -> None:
    for problem in sanity(tool, target, outcome):
        message = f"{target.name}: {tool} {what}: {problem}"
        log(f"PROBLEM {message}\n{indent(outcome.stdout[-2000:])}{indent(outcome.stderr[-2000:])}")
        problems.append(message)


# ---------------------------------------------------------------------------------------------
# Output


def table(cells: Sequence[Cell], targets: Sequence[Target]) -> str:
    files = {t.name: t.files for t in targets}
    head = ["target", "files", "tool", "mode", "runs", "median s", "min s", "RSS MiB", "tree MiB"]
    rows = [[*head, "note"]]
    for c in cells:
        if not c.walls:
            continue
        rows.append(
            [
                c.target,
                str(files[c.target]),
                c.tool,
                c.mode,
                str(len(c.walls)),
                f"{c.median:.2f}",
                f"{c.best:.2f}",
                f"{c.peak:.0f}",
                f"{c.tree_peak:.0f}" if c.tree_peak else "-",
                c.note,
            ]
        )
    text = markdown(rows)
    ratios = [
        ["target", "mode", "archlint / import-linter", "archlint / tach", "memory / import-linter"]
    ]
    found = {(c.target, c.tool, c.mode): c for c in cells if c.walls}
    for target in dict.fromkeys(c.target for c in cells):
        for mode in ("cold", "warm", "changed"):
            mine = found.get((target, "archlint", mode))
            if mine is None:
                continue
            il = found.get((target, "import-linter", mode))
            tach = found.get((target, "tach", "cold"))  # tach has only one mode
            if il is None and tach is None:
                continue
            ratios.append(
                [
                    target,
                    mode,
                    f"{mine.median / il.median:.2f}x" if il else "-",
                    f"{mine.median / tach.median:.2f}x" if tach else "-",
                    f"{mine.memory / il.memory:.2f}x" if il else "-",
                ]
            )
    if len(ratios) > 1:
        text += (
            "\nRatios of median wall times (tach has one mode: its cold time is used for all;"
            ' "changed" edits one module before each run, caches warm)'
            " and of peak memory (tree MiB where sampled):\n\n"
        )
        text += markdown(ratios)
    return text


def markdown(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "| " + " | ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    lines.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
    return "\n".join(lines) + "\n"


def indent(text: str) -> str:
    return "".join(f"    {line}\n" for line in text.splitlines())


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def git_revision() -> str:
    result = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or "unknown"


# ---------------------------------------------------------------------------------------------
# Command line


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=REPO / ".bench", help="default: .bench/")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per cell (default 5)")
    parser.add_argument("--modules", type=int, default=10_000, help="synthetic package size")
    parser.add_argument(
        "--targets",
        default="django,sympy,synthetic",
        help="comma-separated subset of django,sympy,synthetic",
    )
    parser.add_argument(
        "--tools", default=",".join(TOOLS), help="comma-separated subset of " + ",".join(TOOLS)
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"CI smoke run: {QUICK_MODULES} synthetic modules, 1 run, archlint only, no downloads",
    )
    parser.add_argument(
        "--with-peers", action="store_true", help="with --quick: run import-linter and tach too"
    )
    parser.add_argument(
        "--scaling", action="store_true", help="archlint cold and warm on synthetic --sizes"
    )
    parser.add_argument("--sizes", default="1000,5000,10000,50000", help="for --scaling")
    parser.add_argument(
        "--slow-seconds",
        type=float,
        default=90.0,
        help="a cell whose first run takes longer gets --slow-runs runs (default 90)",
    )
    parser.add_argument("--slow-runs", type=int, default=3, help="default 3")
    parser.add_argument(
        "--no-reinstall",
        action="store_true",
        help="keep the archlint already installed in the venv (default: reinstall from the repo)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.slow_runs < 1 or args.modules < 20:
        parser.error("--runs and --slow-runs must be at least 1, --modules at least 20")
    unknown = set(args.tools.split(",")) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    if args.quick:
        args.runs = 1
        args.modules = QUICK_MODULES
        args.targets = "synthetic"
        if not args.with_peers:
            args.tools = "archlint"
    elif args.scaling and not args.with_peers and args.tools == ",".join(TOOLS):
        args.tools = "archlint"
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    workdir: Path = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    selected = [t for t in TOOLS if t in args.tools.split(",")]
    try:
        needs_venv = not (args.quick and not args.with_peers)
        venv = ensure_venv(workdir, not args.no_reinstall) if needs_venv else None
        tools = resolve_tools(venv)
        targets: list[Target] = []
        if args.scaling:
            sizes = [int(s) for s in args.sizes.split(",")]
            targets += [
                generate_synthetic(workdir / "targets" / f"synthetic-{n}", n) for n in sizes
            ]
        else:
            wanted = args.targets.split(",")
            python = venv_bin(venv, "python") if venv else Path(sys.executable)
            if "django" in wanted:
                targets.append(
                    real_target("django", DJANGO, "django", DJANGO_LAYERS, python, workdir)
                )
            if "sympy" in wanted:
                targets.append(real_target("sympy", SYMPY, "sympy", SYMPY_LAYERS, python, workdir))
            if "synthetic" in wanted:
                name = f"synthetic-{args.modules}"
                targets.append(generate_synthetic(workdir / "targets" / name, args.modules))
    except SetupError as exc:
        log(f"setup failed: {exc}")
        return 2
    if not tools.archlint_cache:
        log("archlint check has no --no-cache (no scan cache yet): every archlint run is cold")
    log(
        f"tools: {tools.versions}; python {platform.python_version()}; "
        f"{os.cpu_count()} CPUs; archlint from {git_revision()}"
    )
    problems: list[str] = []
    cells: list[Cell] = []
    for target in targets:
        planted = f", {target.planted} planted violations" if target.planted else ""
        log(f"{target.name}: {target.files} files{planted}; {target.root}")
        cells += bench_target(target, tools, selected, args, workdir, problems)
    print(table(cells, targets))
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "archlint_revision": git_revision(),
        "versions": tools.versions,
        "archlint_cache": tools.archlint_cache,
        "targets": [{**asdict(t), "root": str(t.root)} for t in targets],
        "cells": [asdict(c) for c in cells],
        "problems": problems,
        "seconds": time.perf_counter() - started,
    }
    out = workdir / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2))
    log(f"results written to {out}; {time.perf_counter() - started:.1f} s in all")
    if problems:
        log(f"{len(problems)} problem(s):\n" + indent("\n".join(problems)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
