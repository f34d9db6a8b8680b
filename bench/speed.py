"""Start-up and whole-pipeline speed: cold CLI commands against jieba's own start-up, and one warm screening against
parsing plus segmentation.

    .venv/bin/python bench/speed.py                          # writes bench/results/speed.md (~5-20 minutes)
    .venv/bin/python bench/speed.py --before /tmp/old-tree    # the same commands on another checkout too, same run
    .venv/bin/python bench/speed.py --rounds 3 --runs 5       # quicker
    .venv/bin/python bench/speed.py --skip-cli --before DIR   # only the whole pipeline, before and after

(a) **Cold CLI** (issue 15). Each round runs, one after the other in fresh processes, ``python -c "import jieba;
jieba.initialize()"`` (the yardstick), ``screening check`` of a 5000字 text with the served models, the same with
``--no-model``, the same check of that text as a DOCX (it also pays python-docx), ``screening campaigns`` and
``screening --help``; the table gives each command's median wall time over the rounds, its ratio to the yardstick
*of the same rounds*, and its peak RSS (``wait4``). A first, untimed round fills the caches every later run finds
(page cache, jieba's dictionary cache, the cut tokenizers, the archive database, and the modules' byte code:
``PYTHONDONTWRITEBYTECODE`` is dropped, as an installed tree is compiled). Targets: check ≤ 3x the yardstick;
campaigns and --help ≤ 0.5 s. ``--before DIR`` repeats every command on the tree in DIR (e.g.
``git archive <commit> | tar -x -C DIR``), interleaved with ours, so before and after share the machine's load.

(b) **Whole pipeline**, warm, in a fresh process per tree and round (``--pipeline-rounds``, rounds interleave the
trees): for each of ``--runs`` 5000字 DOCX materials, (parse + jieba/spaCy segmentation) and then the full
``screen`` with ``Services.build`` (the models ``POLICY`` gives each check) and an empty archive; parse and
segmentation caches are cleared before each, so both sides pay them, and each pass ends by collecting its own
garbage (see ``whole_pipeline``; ``--organic-gc`` leaves the collector alone, as before). The ratio of the medians
over all rounds is the target (≤ 2x); the time of each step of ``screen`` is listed. RSS is the process's peak.
With ``--before DIR`` the other tree runs the same materials (this tree's bench builds them) in the same rounds,
for a before/after table.

Materials: real write-ups from ../shared/cases when present (read at run time, never copied), else generated text.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "speed.md"
CAMPAIGN = "nrta-2025-media-convergence"
TARGET_CHARS = 5000
sys.path.insert(0, str(ROOT))

from bench import reading  # noqa: E402
from bench.api import docx_of  # noqa: E402
from bench.cases import case_texts  # noqa: E402

YARDSTICK = "jieba start-up"


def material_text(index: int = 0) -> str:
    """About 5,000 characters of write-up text (cases joined in turn from ``index``; generated without them)."""
    texts, out, i = case_texts() or filler(), "", index
    while len(out) < TARGET_CHARS:
        out += texts[i % len(texts)] + "\n"
        i += 1
    return out[:TARGET_CHARS]


def filler() -> list[str]:
    from tests.factories import chinese_text

    return ["\n".join(chinese_text(TARGET_CHARS, paragraph_chars=300))]


# --- (a) cold CLI ------------------------------------------------------------------------------------------------


def cli_commands(text_file: Path) -> dict[str, list[str]]:
    """Each command as arguments to ``python``; ``-m screening`` is what the ``screening`` script runs."""
    check = ["-m", "screening", "check", str(text_file), "--campaign", CAMPAIGN]
    return {
        YARDSTICK: ["-c", "import jieba; jieba.initialize()"],
        "screening check (models)": check,
        "screening check --no-model": [*check, "--no-model"],
        # a Word file also imports python-docx, which a text file does not need (issue 15 times the text)
        "screening check of the DOCX (models)": [*check[:3], str(text_file.with_suffix(".docx")), *check[4:]],
        "screening campaigns": ["-m", "screening", "campaigns"],
        "screening --help": ["-m", "screening", "--help"],
    }


def timed_run(args: list[str], *, cwd: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) of ``python ARGS`` in a fresh process (and its
    children that it waited for)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if process.returncode != 0:
        raise RuntimeError(f"{args} exited {process.returncode}: {error[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def tree_env(tree: Path, database: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "SCREENING_DATABASE_URL": f"sqlite:///{database}",
        "SCREENING_MODEL_DIR": os.environ.get("SCREENING_MODEL_DIR", str(ROOT / "var" / "models")),
        "PYTHONPATH": str(tree),
        "COLUMNS": "120",
    }
    env.pop("SCREENING_CORPORA_DIR", None)  # each tree reads its own rulebooks
    # An installed tree runs from byte-compiled modules (pip compiles site-packages; Python writes __pycache__ for
    # the rest). With PYTHONDONTWRITEBYTECODE set (this machine's shell sets it), every module edited since the last
    # compile is compiled again by every cold run (~0.08 s of a check). The untimed first round writes them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def cold_cli(rounds: int, trees: dict[str, Path]) -> dict[str, dict[str, list[tuple[float, float, float]]]]:
    """``{tree label: {command: [(wall s, CPU s, RSS MB) per round]}}``; rounds interleave trees and commands."""
    folder = Path(tempfile.mkdtemp(prefix="bench-speed-"))
    text_file = folder / "材料.txt"
    text_file.write_text(material_text(), encoding="utf-8")
    text_file.with_suffix(".docx").write_bytes(docx_of(material_text()))
    commands = cli_commands(text_file)
    envs = {label: tree_env(tree, folder / f"{label}.db") for label, tree in trees.items()}
    results = {label: {name: [] for name in commands} for label in trees}
    for round_ in range(rounds + 1):  # round 0 fills the caches and is not counted
        for name, args in commands.items():
            for label, tree in trees.items():
                measured = timed_run(args, cwd=tree, env=envs[label])
                if round_:
                    results[label][name].append(measured)
        print(f"cold CLI: round {round_}/{rounds} done", flush=True)
    return results


def cli_table(results: dict[str, dict[str, list[tuple[float, float, float]]]]) -> list[str]:
    """Medians over the rounds; each ratio is the median of per-round ratios to the yardstick of the same round.
    CPU time (user + system) is given beside wall time: on a loaded machine the wall time mostly measures the wait
    for a core, the CPU time what the command itself costs."""
    lines = [
        "| tree | command | wall: median (min – max) | wall ratio to jieba | CPU: median | CPU ratio to jieba | "
        "peak RSS |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, commands in results.items():
        yard_wall = [w for w, _, _ in commands[YARDSTICK]]
        yard_cpu = [c for _, c, _ in commands[YARDSTICK]]
        for name, runs in commands.items():
            wall, cpu = [w for w, _, _ in runs], [c for _, c, _ in runs]
            if name == YARDSTICK:
                wall_ratio = cpu_ratio = "—"
            else:
                wall_ratio = f"**{statistics.median(w / y for w, y in zip(wall, yard_wall)):.2f}×**"
                cpu_ratio = f"**{statistics.median(c / y for c, y in zip(cpu, yard_cpu)):.2f}×**"
            lines.append(
                f"| {label} | `{name}` | {statistics.median(wall):.2f} s ({min(wall):.2f} – {max(wall):.2f}) "
                f"| {wall_ratio} | {statistics.median(cpu):.2f} s | {cpu_ratio} | "
                f"{max(r for _, _, r in runs):.0f} MB |"
            )
    return lines


# --- (b) whole pipeline ----------------------------------------------------------------------------------------


def whole_pipeline(runs: int, *, organic_gc: bool = False) -> dict:
    """Median (parse + segmentation) and full screen of ``runs`` different 5000字 DOCX materials, warm.

    Garbage is billed to the pass that made it. Reading a DOCX leaves python-docx's package behind as reference
    cycles (~100 objects holding lxml trees), which only the garbage collector frees: ~8 ms. The parse +
    segmentation pass allocates too little to trigger a collection, so with the collector left to itself (before
    2026-12-06 06:00, and ``--organic-gc``) its DOCX was freed inside the *next* full screening, which paid for two
    DOCX (15-19 ms of collection against 0 in the other pass, measured per pass with ``gc.callbacks``). Here each
    timed pass ends with ``gc.collect(1)`` (the young generations, ~0.1 ms plus what it frees), inside its time;
    and the heap built at start is frozen first (``gc.freeze``, as the server's warm-up does in
    ``api/warmup.freeze_heap``), so a full collection walking the models (~70-90 ms) does not land in a random pass.
    """
    folder = Path(tempfile.mkdtemp(prefix="bench-speed-pipeline-"))
    os.environ["SCREENING_DATABASE_URL"] = f"sqlite:///{folder / 'pipeline.db'}"
    from screening import nlp
    from screening.campaigns import get_campaign
    from screening.config import load_settings
    from screening.documents import load_document
    from screening.pipeline import screen
    from screening.services import Services

    campaign = get_campaign(CAMPAIGN)
    services = Services.build(load_settings())
    services.archive  # noqa: B018 - opened (and seeded) before timing
    materials = [docx_of(material_text(i * 3), variant=i) for i in range(runs + 1)]

    def clear_caches() -> None:
        nlp.parse.cache_clear()  # the sentences live on the cached Doc, so they go too
        embedders = vars(services.embedders).values()
        for embedder in {id(e): e for e in embedders if e is not None}.values():
            embedder.clear_cache()

    def collect() -> None:
        if not organic_gc:
            gc.collect(1)

    screen(load_document(materials[-1], filename="warm.docx"), campaign, services=services)  # loads models, index
    if not organic_gc:
        gc.collect()
        gc.freeze()
    base, full, steps, cpu_base, cpu_full = [], [], {}, [], []
    for data in materials[:runs]:
        clear_caches()
        start, cpu = time.perf_counter(), time.process_time()
        document = load_document(data, filename="material.docx")
        nlp.sentences(document.text)
        collect()
        base.append(time.perf_counter() - start)
        cpu_base.append(time.process_time() - cpu)
        clear_caches()
        with timed_steps(steps):
            start, cpu = time.perf_counter(), time.process_time()
            document = load_document(data, filename="material.docx")
            steps.setdefault("(reading the DOCX: load_document)", []).append(time.perf_counter() - start)
            screen(document, campaign, services=services)
            collected = time.perf_counter()
            collect()
            full.append(time.perf_counter() - start)
            cpu_full.append(time.process_time() - cpu)
        if not organic_gc:
            steps.setdefault("(the pass's own garbage: gc.collect(1))", []).append(full[-1] - (collected - start))
        rest = full[-1] - sum(times[-1] for name, times in steps.items() if not name.startswith("(rest"))
        steps.setdefault("(rest of screen: document part, report)", []).append(rest)
    models = services.embedders.names()
    return {
        "base": base,
        "full": full,
        "cpu_base": cpu_base,
        "cpu_full": cpu_full,
        "steps": steps,
        "models": models,
        "chars": len(material_text()),
        "rss_mb": psutil.Process().memory_info().rss / 2**20,
        "peak_rss_mb": __import__("resource").getrusage(__import__("resource").RUSAGE_SELF).ru_maxrss / 1024,
    }


def pipelines(trees: dict[str, Path], runs: int, rounds: int, *, organic_gc: bool = False) -> dict[str, dict]:
    """``whole_pipeline`` of each tree in its own process, ``rounds`` times, trees interleaved so that they share
    the machine's load; each tree's runs are pooled (``base``, ``full`` and every step: lists over all rounds)."""
    pooled: dict[str, dict] = {}
    for round_ in range(1, rounds + 1):
        for label, tree in trees.items():
            # the child picks its own empty database (whole_pipeline) and puts ``tree`` on its path itself
            env = {**tree_env(tree, Path(os.devnull)), "PYTHONPATH": ""}
            done = subprocess.run(
                [
                    sys.executable,
                    str(Path(__file__).resolve()),
                    *("--pipeline-child", str(tree), "--runs", str(runs)),
                    *(["--organic-gc"] if organic_gc else []),
                ],
                cwd=tree,
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise RuntimeError(f"whole pipeline of {tree} exited {done.returncode}: {done.stderr[-2000:]}")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            into = pooled.setdefault(
                label, {**result, "base": [], "full": [], "cpu_base": [], "cpu_full": [], "steps": {}}
            )
            for key in ("base", "full", "cpu_base", "cpu_full"):
                into[key] += result[key]
            for name, times in result["steps"].items():
                into["steps"].setdefault(name, []).extend(times)
            into["peak_rss_mb"] = max(into["peak_rss_mb"], result["peak_rss_mb"])
        print(f"whole pipeline: round {round_}/{rounds} done", flush=True)
    return pooled


def pipeline_child(tree: Path, runs: int, *, organic_gc: bool = False) -> None:
    """``--pipeline-child``: ``whole_pipeline`` on the ``screening`` package of ``tree`` (the materials come from this
    bench, so every tree screens the same ones), printed as one JSON line."""
    sys.path.insert(0, str(tree))
    print(json.dumps(whole_pipeline(runs, organic_gc=organic_gc)))


@contextmanager
def timed_steps(steps: dict[str, list[float]]) -> Iterator[None]:
    """Time each step inside the timed ``screen`` itself, by wrapping ``screening.pipeline``'s steps meanwhile.

    A second, step-by-step pass over the same material (what this bench did before) read the checks' per-text
    caches that the full pass had just filled, and put ~90 ms "outside the checks" that was really inside them.
    """
    import screening.pipeline as pipeline

    checks, later = pipeline.CHECKS, pipeline.later_steps

    def timed(name, run):
        def step(ctx):
            start = time.perf_counter()
            try:
                return run(ctx)
            finally:
                steps.setdefault(name, []).append(time.perf_counter() - start)

        return step

    pipeline.CHECKS = tuple((name, timed(name, run)) for name, run in checks)
    pipeline.later_steps = lambda: tuple((name, timed(name, run)) for name, run in later())
    try:
        yield
    finally:
        pipeline.CHECKS, pipeline.later_steps = checks, later


def pipeline_lines(results: dict[str, dict]) -> list[str]:
    """Per tree: models, the two medians and their ratio, RSS; then one step table with a column per tree."""
    lines = []
    for label, result in results.items():
        base, full = statistics.median(result["base"]), statistics.median(result["full"])
        lines += [
            f"- **{label}**: models in use (`Services.build(...).embedders`): {result['models']}",
            f"  - parse + segmentation: median **{base * 1000:.0f} ms** (min {min(result['base']) * 1000:.0f}, "
            f"max {max(result['base']) * 1000:.0f}; {len(result['base'])} screenings)",
            f"  - full screening: median **{full * 1000:.0f} ms** (min {min(result['full']) * 1000:.0f}, "
            f"max {max(result['full']) * 1000:.0f})",
            f"  - ratio: **{full / base:.2f}×** (target ≤ 2×); in CPU time of the process (all its threads): "
            f"{statistics.median(result['cpu_full']) / statistics.median(result['cpu_base']):.2f}× "
            f"({statistics.median(result['cpu_base']) * 1000:.0f} ms against "
            f"{statistics.median(result['cpu_full']) * 1000:.0f} ms)",
            f"  - RSS of the process after its runs: {result['rss_mb']:.0f} MB (peak {result['peak_rss_mb']:.0f} MB)",
        ]
    labels = list(results)
    lines += [
        "",
        "| step of the timed screening (inside it), median | " + " | ".join(labels) + " |",
        "|---|" + "---|" * len(labels),
    ]
    names = list(dict.fromkeys(name for result in results.values() for name in result["steps"]))
    for name in names:
        cells = [results[label]["steps"].get(name) for label in labels]
        lines.append(
            f"| {name} | " + " | ".join(f"{statistics.median(c) * 1000:.1f} ms" if c else "—" for c in cells) + " |"
        )
    return lines


# --- the results file -----------------------------------------------------------------------------------------


def machine() -> str:
    return (
        f"{platform.system()} {platform.release()}, {platform.machine()}, {psutil.cpu_count()} CPUs, "
        f"{psutil.virtual_memory().total / 2**30:.1f} GiB RAM, Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds of the cold CLI commands")
    parser.add_argument("--runs", type=int, default=10, help="materials for the whole-pipeline figure")
    parser.add_argument("--before", type=Path, help="another checkout to time the same commands and pipeline on")
    parser.add_argument("--pipeline-rounds", type=int, default=2, help="processes per tree for the whole pipeline")
    parser.add_argument("--skip-cli", action="store_true")
    parser.add_argument(
        "--organic-gc", action="store_true", help="whole pipeline: leave the garbage collector alone (as before 06:00)"
    )
    parser.add_argument("--pipeline-child", type=Path, help=argparse.SUPPRESS)  # see pipeline_child
    args = parser.parse_args()
    if args.pipeline_child:
        pipeline_child(args.pipeline_child, args.runs, organic_gc=args.organic_gc)
        return
    load_at_start = os.getloadavg()[0]
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    trees = {"this tree": ROOT, **({f"before ({args.before})": args.before.resolve()} if args.before else {})}
    cli = None if args.skip_cli else cold_cli(args.rounds, trees)
    pipeline = pipelines(trees, args.runs, args.pipeline_rounds, organic_gc=args.organic_gc)
    lines = [
        "# Start-up and pipeline speed (bench/speed.py)",
        "",
        f"- Command: `python bench/speed.py {' '.join(sys.argv[1:])}`",
        f"- Date: {started}",
        f"- Machine: {machine()}; load average at start {load_at_start:.2f}, at end {os.getloadavg()[0]:.2f}. "
        "The machine is shared with other engineers' jobs: absolute times are inflated and noisy, so every "
        "target is a ratio of figures taken in the same rounds.",
        f"- Material: {'real write-ups from ../shared/cases' if len(case_texts()) > 1 else 'generated text'}, "
        f"{TARGET_CHARS} characters; call {CAMPAIGN}; models from "
        f"{os.environ.get('SCREENING_MODEL_DIR', ROOT / 'var' / 'models')}",
        "",
    ]
    if cli:
        lines += [
            "## (a) Cold CLI commands",
            "",
            'Targets: `screening check` ≤ 3× `python -c "import jieba; jieba.initialize()"`; '
            "`screening campaigns` and `--help` ≤ 0.5 s.",
            "",
            *cli_table(cli),
            "",
        ]
    else:
        lines += previous_cli_section()
    lines += ["## (b) Whole pipeline on a 5000字 DOCX, warm", "", *pipeline_lines(pipeline), ""]
    reading.write(RESULTS, "\n".join(lines))
    print(RESULTS.read_text(encoding="utf-8"))


CLI_SECTION, PIPELINE_SECTION = "## (a)", "## (b)"


def previous_cli_section() -> list[str]:
    """With ``--skip-cli``: the previous file's section (a), kept, headed by the run it came from."""
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if CLI_SECTION not in old or PIPELINE_SECTION not in old:
        return []
    section = old[old.index(CLI_SECTION) : old.index(PIPELINE_SECTION)].rstrip("\n").splitlines()
    if "Kept from the run of" not in old:  # a section kept twice already names its run
        header = [
            line
            for line in old[: old.index(CLI_SECTION)].splitlines()
            if line.startswith(("- Command", "- Date", "- Machine"))
        ]
        run = "; ".join(line.removeprefix("- ") for line in header)
        section[1:1] = ["", f"Kept from the run of {run} (this run was `--skip-cli`)."]
    return [*section, ""]


if __name__ == "__main__":
    main()
