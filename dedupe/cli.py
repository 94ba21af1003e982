"""``dedupe`` command line: ``dedupe run INPUT... --out DIR`` runs the Prefect flow.

On a terminal it shows a progress bar (files processed, polled from the run's staging folder, so it
works whatever runs the tasks) and ends with a summary table.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import threading
import time
import typing
from inspect import Parameter, signature
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from dedupe.corpus import CorpusBusy, CorpusDamaged
from dedupe.document import LABELS
from dedupe.processes import supervised
from dedupe.run_folder import RunFolder
from dedupe.settings import Settings
from dedupe.stages import new_run_id

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn a folder of scraped news pages into a clean, deduplicated Parquet corpus.")
#: Exit status when another run holds the corpus (EX_TEMPFAIL: try again later).
EXIT_BUSY = 75
#: Exit status of a run that failed (nothing committed), of a usage error and of a damaged corpus.
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_DAMAGED = 3


def stage_progress(stage: Path) -> tuple[str, int | None, int, str]:
    """Where a run is, read from its run folder ``stage`` (whatever runs the tasks): the stage, its
    total (None before the plan), how much of it is done, and what is counted. Every stage's
    outputs appear by rename, complete, so counting them is counting what is done."""
    folder = RunFolder(stage)
    try:
        plan = json.loads(folder.path("plan").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "starting Prefect", None, 0, ""
    read = 0
    for batch in folder.units("read_counts"):
        with contextlib.suppress(OSError, ValueError, KeyError):
            read += json.loads(folder.path("read_counts", batch).read_text(encoding="utf-8"))["files"]
    finished = set(folder.units("documents"))
    parts = len(set(folder.units("staged_documents")) | finished)  # a part's working file gives way
    cleaned = len(folder.units("labels"))
    if read < plan["n_files"] and not cleaned:
        return "reading", plan["n_files"], read, "files"
    if cleaned < parts:
        return "cleaning", parts, cleaned, "parts"
    decided = len(folder.units("decisions"))
    if decided < parts:
        return "deduplicating", parts, decided, "parts"
    if len(finished) < parts:
        return "writing", parts, len(finished), "parts"
    return "publishing", parts, parts, "parts"


def _poll_progress(stage: Path, progress: Progress, task_id: Any, stop: threading.Event) -> None:
    """Update the bar from the staging folder (:func:`stage_progress`) until the run ends."""
    while not stop.wait(0.2):
        if not stage.is_dir() and progress.tasks[0].total is not None:
            continue  # published: the staging folder is gone
        what, total, done, unit = stage_progress(stage)
        progress.update(task_id, description=what, total=total, completed=done, unit=unit)


def _summary_table(summary: dict[str, Any]) -> Table:
    table = Table(title=f"dedupe run {summary['run_id']}", show_header=True, header_style="bold")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("input files read", f"{summary['files']:,}")
    if summary.get("unchanged"):
        table.add_row("input files unchanged since an earlier run", f"{summary['unchanged']:,}")
    table.add_row("documents", f"{summary['documents']:,}")
    if summary["same_as_earlier"]:
        table.add_row("inputs repeating an earlier document", f"{summary['same_as_earlier']:,}")
    for label in LABELS:
        table.add_row(f"blocks: {label}", f"{summary['blocks'].get(label, 0):,}")
    table.add_row("errors", f"{summary['n_errors']:,}", style="red" if summary["n_errors"] else None)
    for code, n in summary["errors"].items():
        table.add_row(f"  {code}", f"{n:,}", style="red")
    table.add_row("time", f"{summary['seconds']:.2f} s")
    return table


def _parse_settings(items: list[str]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs typed like the setting's default."""
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    out: dict[str, Any] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        if not sep or name not in fields:
            raise ValueError(f"--set takes NAME=VALUE with NAME one of: {', '.join(sorted(fields))}")
        default = getattr(Settings, name)
        try:
            if isinstance(default, bool):
                out[name] = raw.strip().lower() in ("1", "true", "yes", "on")
            elif default is None:  # an optional number (content_threshold): empty means "unset"
                out[name] = float(raw) if raw.strip() else None
            else:
                out[name] = type(default)(raw)
        except ValueError:
            kind = "a number" if isinstance(default, float | int) or default is None else "text"
            raise ValueError(f"--set {name}={raw}: {name} takes {kind}") from None
    return out


def _check_inputs(inputs: list[str]) -> None:
    """Every input exists, or is a glob that matches something: else a usage error."""
    import glob

    from dedupe.readers.discover import is_glob

    for item in inputs:
        if is_glob(item):
            if not glob.glob(item, recursive=True):
                _fail(f"no file matches {item}", EXIT_USAGE)
        elif not Path(item).exists():
            _fail(f"input not found: {item}", EXIT_USAGE)


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        _fail(f"--out {out} is a file: give a folder (new or a corpus)", EXIT_USAGE)


def _prefect_api() -> bool:
    """Prefect's settings for this command, and which API it talks to: PREFECT_API_URL when set,
    else the local server of `dedupe server start` when it runs (said on stderr), else none (a run
    starts Prefect's temporary server). Call before anything imports Prefect: it reads them once."""
    from dedupe import server

    server.prefect_environment()
    if os.environ.get("PREFECT_API_URL"):
        return True
    local = server.running()
    if local is None:
        return False
    os.environ["PREFECT_API_URL"] = local.url
    typer.secho(f"Prefect: the local server at {local.ui} (`dedupe server stop` ends it)", err=True, dim=True)
    return True


def _setting_options() -> list[Parameter]:
    """An option of `dedupe run` for every setting that declares one (:func:`dedupe.settings.setting`):
    its help and default are the setting's own, in the option's unit."""
    hints = typing.get_type_hints(Settings)
    options = []
    for f in dataclasses.fields(Settings):
        if not (name := f.metadata["option"]):
            continue
        scale = f.metadata["scale"]
        default, type_ = (f.default, hints[f.name]) if scale == 1 else (f.default / scale, float)
        options.append(Parameter(name, Parameter.KEYWORD_ONLY, default=default,
                                 annotation=Annotated[type_, typer.Option(help=f.metadata["help"])]))
    return options


def _settings_of_options(options: dict[str, Any]) -> dict[str, Any]:
    """The settings the options of :func:`_setting_options` give."""
    values = {}
    for f in dataclasses.fields(Settings):
        if (name := f.metadata["option"]) in options:
            scale = f.metadata["scale"]
            values[f.name] = options[name] if scale == 1 else int(options[name] * scale)
    return values


def run(
    inputs: Annotated[list[str], typer.Argument(help="Folders, files or glob patterns to read.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Corpus folder to write.")] = Path("parquet"),
    setting: Annotated[list[str] | None, typer.Option(
        "--set", help="Any other setting, NAME=VALUE (see dedupe/settings.py).")] = None,
    runner: Annotated[str, typer.Option(
        help="Where tasks run: local (every core of this machine), dask or ray (an existing cluster "
             "at --address, through prefect-dask / prefect-ray).")] = "local",
    address: Annotated[str | None, typer.Option(
        help="The cluster: tcp://HOST:8786 (Dask scheduler), ray://HOST:10001 or auto (Ray).")] = None,
    progress: Annotated[bool, typer.Option(help="Progress bar (only on a terminal).")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    debug: Annotated[bool, typer.Option(help="Print the traceback of a failure.")] = False,
    **options: Any,
) -> None:
    """Run the pipeline (as a Prefect flow) over INPUTS and write the corpus to --out.

    Exit status: 0 done; 1 the run failed (nothing committed; traceback in OUT/_corpus/last-error.log);
    2 usage; 3 the corpus is damaged (see `dedupe verify`); 75 another run holds the corpus.
    """
    values = _settings_of_options(options)
    # Usage errors first, in one line each, before Prefect or any process starts.
    try:
        values.update(_parse_settings(setting or []))
        settings = Settings.from_mapping(values)
    except ValueError as exc:
        _fail(str(exc), EXIT_USAGE)
    _check_inputs(inputs)
    _check_out(out)
    _prefect_api()
    from flows.runners import task_runner_for

    try:
        task_runner = task_runner_for(runner, address)
    except ValueError as exc:
        _fail(str(exc), EXIT_USAGE)

    if out.is_dir():  # a busy or damaged corpus says so before anything starts (the run checks again)
        from dedupe.corpus import CorpusLock
        from dedupe.verify import quick_check

        try:
            with CorpusLock(out, timeout=settings.lock_timeout):
                quick_check(out)
        except CorpusBusy as exc:
            _fail(str(exc), EXIT_BUSY)
        except CorpusDamaged as exc:
            _fail(str(exc), EXIT_DAMAGED)

    def work() -> int:
        return _run_flow(list(inputs), out, settings, task_runner, progress=progress, as_json=as_json,
                         debug=debug)

    raise typer.Exit(supervised(work))


# The options of the settings come from the settings' own declarations (one place for each).
_run_signature = signature(run, eval_str=True)
run.__signature__ = _run_signature.replace(parameters=[  # type: ignore[attr-defined]
    *(p for p in _run_signature.parameters.values() if p.kind is not Parameter.VAR_KEYWORD),
    *_setting_options()])
app.command()(run)


def _say(message: str) -> None:
    """A message for the user on stderr, in red on a terminal, never wrapped (it names paths)."""
    typer.secho(printable(message), err=True, fg=typer.colors.RED)


def _fail(message: str, status: int) -> NoReturn:
    _say(message)
    raise typer.Exit(status)


def _write_traceback(out: Path) -> Path:
    """The current exception's traceback in ``OUT/_corpus/last-error.log`` (else a temporary file)."""
    import tempfile
    import traceback

    text = traceback.format_exc()
    try:
        (out / "_corpus").mkdir(parents=True, exist_ok=True)
        path = out / "_corpus" / "last-error.log"
        path.write_text(text, encoding="utf-8")
    except OSError:
        fd, name = tempfile.mkstemp(prefix="dedupe-error-", suffix=".log")
        os.write(fd, text.encode())
        os.close(fd)
        path = Path(name)
    return path


def _run_flow(inputs: list[str], out: Path, settings: Settings, task_runner: Any, *, progress: bool,
              as_json: bool, debug: bool = False) -> int:
    """The flow run of ``dedupe run``, with its progress bar and summary; returns the exit status."""
    from flows.dedupe_flow import dedupe_flow  # imports Prefect: only when a run starts

    flow = dedupe_flow if task_runner is None else dedupe_flow.with_options(task_runner=task_runner)
    console = Console(stderr=True)
    run_id = new_run_id()
    stop = threading.Event()
    show = progress and console.is_terminal and not as_json
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[unit]}"), TimeElapsedColumn(), console=console, disable=not show,
                   transient=True)
    with bar:
        task_id = bar.add_task("starting Prefect", total=None, unit="")
        poller = threading.Thread(target=_poll_progress,
                                  args=(RunFolder.of(out, run_id).root, bar, task_id, stop), daemon=True)
        poller.start()
        started = time.perf_counter()
        try:
            summary = flow(inputs=inputs, out=str(out), settings=settings, run_id=run_id,
                           distributed=task_runner is not None)
        except CorpusBusy as exc:
            _say(str(exc))
            return EXIT_BUSY
        except CorpusDamaged as exc:
            _say(str(exc))
            return EXIT_DAMAGED
        except Exception as exc:  # a failure of ours: one line here, the traceback in a file
            if debug:
                raise
            log = _write_traceback(out)
            _say(f"the run failed: {type(exc).__name__}: {str(exc)[:300]}\n"
                 f"nothing was committed; the traceback is in {log} (or run with --debug)")
            return EXIT_FAILED
        finally:
            stop.set()
            poller.join()
    summary["seconds"] = time.perf_counter() - started
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
    else:
        Console().print(_summary_table(summary))
        if summary["n_errors"]:
            Console().print(f"[red]{summary['n_errors']} input(s) could not be used[/]: see "
                            f"{out}/errors/run={summary['run_id']}/")
        if summary["files"] == 0 and summary["n_errors"] == 0:
            Console().print(f"nothing new: {out}/ is unchanged")
        else:
            Console().print(f"corpus written to {out}/ (run={summary['run_id']})")
        if summary.get("report"):
            Console().print(f"report: {summary['report']}")
    return 0


@app.command()
def serve(
    inputs: Annotated[list[str], typer.Argument(help="Folders, files or glob patterns to read.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Corpus folder to grow.")] = Path("parquet"),
    cron: Annotated[str, typer.Option(help="Schedule, in cron syntax.")] = "0 * * * *",
    name: Annotated[str, typer.Option(help="Deployment name.")] = "scheduled",
    setting: Annotated[list[str] | None, typer.Option(
        "--set", help="A setting of the runs, NAME=VALUE (see dedupe/settings.py).")] = None,
) -> None:
    """Serve the flow on a schedule (needs a Prefect server: `dedupe server start`, or PREFECT_API_URL).

    Runs until stopped (SIGTERM, Ctrl-C). Trigger a run by hand with `prefect deployment run dedupe/NAME`.
    """
    try:
        settings = Settings.from_mapping(_parse_settings(setting or []))
    except ValueError as exc:
        _fail(str(exc), EXIT_USAGE)
    _check_inputs(inputs)
    _check_out(out)
    has_api = _prefect_api()
    from prefect.client.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    try:
        CronSchedule(cron=cron)
    except ValidationError as exc:
        _fail(f"--cron {cron!r} is not a cron schedule ({exc.errors()[0]['msg']}); e.g. \"*/15 * * * *\"",
              EXIT_USAGE)
    if not has_api:
        _fail("schedules need a Prefect server that outlives this command: `dedupe server start` "
              "(or set PREFECT_API_URL)", EXIT_USAGE)
    parameters = {"inputs": [str(Path(i).resolve()) for i in inputs], "out": str(out.resolve()),
                  "settings": dataclasses.asdict(settings)}

    def work() -> int:
        from flows.dedupe_flow import dedupe_flow

        dedupe_flow.serve(name=name, cron=cron, parameters=parameters)
        return 0

    # Stops on SIGTERM/SIGINT within seconds, the run in flight and every process it started with it.
    raise typer.Exit(supervised(work))


#: Control characters other than newline and tab (C0, DEL, C1): a scraped page may hold escape
#: sequences that would clear or take over the terminal of whoever inspects it.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    r"""``text`` with its control characters shown as escapes, safe to print on a terminal.

    >>> printable("a\x1b[2Jb\tc")
    'a\\x1b[2Jb\tc'
    """
    return _CONTROL_CHARS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


#: How each label looks in the terminal: kept text plain, removed text struck through and coloured.
LABEL_STYLES = {"content": "", "title": "bold cyan", "chrome": "strike grey50", "padding": "strike magenta",
                "duplicate": "strike yellow"}


def _document_text(view: dict[str, Any]) -> Text:
    """The document's text with each block styled by label, and why beside what was removed."""
    base: str = view["base_text"]
    out = Text()
    out.append("legend: ", style="dim")
    for label, style in LABEL_STYLES.items():
        out.append(label, style=style or "default")
        out.append("  ")
    out.append("\n\n")
    prev_end = 0
    for b in view["blocks"]:
        out.append(printable(base[prev_end:b["start"]]))
        out.append(printable(b["text"]), style=LABEL_STYLES.get(b["label"], ""))
        if b["label"] not in ("content", "title"):
            note = f"  [{b['reason']}"
            kept = b.get("kept")
            if b["duplicate_of_doc"]:
                where = kept["path"] if kept else b["duplicate_of_doc"][:12]
                note += (f" of block {b['duplicate_of_block']} in {where} (doc {b['duplicate_of_doc'][:12]})"
                         f", similarity {b['similarity']:.2f}")
            elif b.get("score") is not None and b["reason"] in ("chrome:model", "body:guard", "body:bridge"):
                note += f", score {b['score']:.2f}"  # the model's: the user's cut-off may differ
            out.append(printable(note) + "]", style="dim italic")
        prev_end = b["end"]
    out.append(printable(base[prev_end:]))
    return out


@app.command()
def inspect(
    corpus: Annotated[Path, typer.Argument(help="The corpus folder (what --out wrote).")],
    document: Annotated[str | None, typer.Argument(help="A doc_id or a path as in documents/.")] = None,
    label: Annotated[str | None, typer.Option(help="List every block with this label instead.")] = None,
    limit: Annotated[int, typer.Option(help="With --label: at most this many blocks (0: all).")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (for scripts).")] = False,
) -> None:
    """Show what the pipeline did, from the corpus alone: a document's text with every block coloured
    by label and the reason for each removal (duplicates: the kept block they repeat), or with
    --label every block of that label. Without either: the corpus in figures."""
    from dedupe import inspect as look

    if not (corpus / "_corpus").exists() and not (corpus / "documents").exists():
        raise typer.BadParameter(f"{corpus} is not a dedupe corpus (no documents/ inside)")
    console = Console()
    if label is not None:
        try:
            rows = look.blocks_with_label(corpus, label, limit or None)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
        if as_json:
            typer.echo(json.dumps(rows, indent=1, ensure_ascii=False))
            return
        table = Table(title=f"blocks labelled {label}", show_lines=False)
        for column in ("path", "block", "reason", "text"):
            table.add_column(column, overflow="fold")
        for r in rows:
            text = r["text"] if len(r["text"]) <= 120 else r["text"][:117] + "…"
            table.add_row(printable(r["path"]), str(r["block_idx"]), r["reason"], printable(text))
        console.print(table)
        return
    if document is None:
        overview = look.corpus_overview(corpus)
        if as_json:
            typer.echo(json.dumps(overview, indent=1))
        else:
            console.print(f"{overview['documents']:,} documents; blocks: " + ", ".join(
                f"{n:,} {label}" for label, n in overview["blocks"].items()))
        return
    try:
        view = look.document_view(corpus, document)
    except look.NotFound as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(view, indent=1, ensure_ascii=False, default=str))
        return
    counts = ", ".join(f"{view[f'n_{label}']} {label}" for label in LABELS)
    path, site = (escape(printable(view[key] or "-")) for key in ("path", "source"))  # no markup either
    console.print(f"[bold]{path}[/]  doc {view['doc_id']}  site {site}  "
                  f"run {view['run_id']}\nblocks: {counts}; duplicate ratio {view['duplicate_ratio']:.2f}"
                  + (f", copy of {view['near_duplicate_of']}" if view["near_duplicate_of"] else ""))
    console.print(_document_text(view))


@app.command()
def report(
    corpus: Annotated[Path, typer.Argument(help="The corpus folder (what --out wrote).")],
    run_id: Annotated[str | None, typer.Option("--run", help="A committed run (default: the last).")] = None,
    max_documents: Annotated[int, typer.Option(help="Document pages in the report, at most.")] = 200,
) -> None:
    """Write the HTML report of a committed run to CORPUS/_reports/RUN.html and print its path."""
    from dedupe.corpus import Manifest
    from dedupe.html_report import write_html_report

    runs = [r["run_id"] for r in Manifest.load(corpus).runs]
    if not runs:
        raise typer.BadParameter(f"{corpus} has no committed run")
    if run_id is not None and run_id not in runs:
        raise typer.BadParameter(f"run {run_id} is not committed in {corpus}; runs: {', '.join(runs)}")
    typer.echo(write_html_report(corpus, run_id or runs[-1], max_documents=max_documents))


@app.command()
def verify(
    corpus: Annotated[Path, typer.Argument(help="The corpus folder (what --out wrote).")],
    repair: Annotated[bool, typer.Option(help="Repair what can safely be repaired (README).")] = False,
) -> None:
    """Check the corpus against its manifest: every committed file there, readable, with its rows and
    schema, and the duplicate index against the blocks. Exit status 0 when sound, 3 when damaged."""
    from dedupe import verify as checks
    from dedupe.corpus import CorpusLock
    from dedupe.schema import TABLES

    if not corpus.is_dir() or not any((corpus / name).is_dir() for name in ("_corpus", *TABLES)):
        _fail(f"{corpus} is not a dedupe corpus (no _corpus/ and no table folders in it)", EXIT_USAGE)

    def show(line: str, red: bool = False) -> None:  # plain lines: paths are never wrapped
        typer.secho(printable(line), fg=typer.colors.RED if red else None)

    try:
        with CorpusLock(corpus, timeout=0):
            problems = checks.verify(corpus)
            for problem in problems:
                show(str(problem), red=True)
            if problems and repair:
                for action in checks.repair(corpus):
                    show(action)
                problems = checks.verify(corpus)
                for problem in problems:
                    show(f"still: {problem}", red=True)
    except CorpusBusy:
        _fail(f"a run is writing {corpus}: verify it when the run has finished", EXIT_BUSY)
    if problems:
        if not repair:
            show(f"{len(problems)} problem(s); `dedupe verify {corpus} --repair` repairs what it safely can")
        raise typer.Exit(EXIT_DAMAGED)
    show(f"{corpus}: sound")


@app.command()
def sql(
    corpus: Annotated[Path, typer.Argument(help="The corpus folder (what --out wrote).")],
    query: Annotated[str | None, typer.Argument(help="A DuckDB query over the views (documents...).")] = None,
    csv: Annotated[bool, typer.Option(help="Print the result as CSV.")] = False,
) -> None:
    """Query the committed corpus with DuckDB: one view per table over the files of committed runs,
    columns described as in the contract. Without a query: how to open the views elsewhere."""
    from dedupe.views import VIEWS_FILE, connect, write_views

    if not (corpus / "_corpus" / "manifest.json").is_file():
        _fail(f"{corpus} is not a dedupe corpus (no _corpus/manifest.json)", EXIT_USAGE)
    if query is None:
        path = write_views(corpus)
        typer.echo(f"views of every table: {path}\n  duckdb -init {path}\n  "
                   f"python: duckdb.connect().execute(open({str(path)!r}).read())")
        return
    import duckdb

    try:
        result = connect(corpus).sql(query)
    except duckdb.Error as exc:
        _fail(f"query failed: {str(exc).splitlines()[0]} (views: {corpus}/_corpus/{VIEWS_FILE})", EXIT_USAGE)
    if result is None:
        return
    if csv:
        import csv as csv_module
        import sys

        writer = csv_module.writer(sys.stdout)
        writer.writerow(result.columns)
        writer.writerows(result.fetchall())
        return
    table = Table(show_header=True, header_style="bold")
    for column in result.columns:
        table.add_column(column, overflow="fold")
    for row in result.fetchall():
        table.add_row(*(escape(printable("" if v is None else str(v))) for v in row))
    Console().print(table)


server_app = typer.Typer(help="A local Prefect server for fast runs and schedules: start, stop, status.",
                         no_args_is_help=True)
app.add_typer(server_app, name="server")


@server_app.command("start")
def server_start(port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 4200) -> None:
    """Start a Prefect server on loopback that later `dedupe run` and `dedupe serve` use (seconds
    faster per run than Prefect's temporary server); it runs until `dedupe server stop`."""
    from dedupe import server

    try:
        local = server.start(port)
    except RuntimeError as exc:
        _fail(str(exc), EXIT_FAILED)
    typer.echo(f"Prefect server running: UI {local.ui}, API {local.url} (pid {local.pid}, log {local.log}); "
               "`dedupe server stop` ends it")


@server_app.command("stop")
def server_stop() -> None:
    """Stop the server `dedupe server start` started, and every process of it."""
    from dedupe import server

    stopped = server.stop()
    typer.echo("no local Prefect server was running" if stopped is None else
               f"stopped the Prefect server at {stopped.ui} (pid {stopped.pid})")


@server_app.command("status")
def server_status() -> None:
    """Whether the local Prefect server runs (exit status 0) or not (1)."""
    from dedupe import server

    local = server.running()
    if local is None:
        typer.echo("no local Prefect server is running (`dedupe server start` starts one)")
        raise typer.Exit(1)
    typer.echo(f"running: UI {local.ui}, API {local.url} (pid {local.pid})")


@app.command()
def schema(
    readme: Annotated[Path | None, typer.Option(help="Rewrite the contract section of this README.")] = None,
) -> None:
    """Print the output contract (tables, columns, meaning) as Markdown."""
    from dedupe.schema import schema_markdown, update_readme

    if readme is None:
        typer.echo(schema_markdown())
    else:
        update_readme(readme)


if __name__ == "__main__":
    app()
