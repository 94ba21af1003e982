"""The declared stages and the run folder's table agree with each other and with what a run does."""

from __future__ import annotations

from pathlib import Path

from dedupe.run import run_stage
from dedupe.run_folder import FILE, FILES, RunFolder
from dedupe.settings import Settings
from dedupe.stages import STAGES, Counts, plan_run


def test_every_file_a_stage_reads_is_written_before_it() -> None:
    written = {f.name for f in FILES if "plan" in f.written_by}
    for stage in STAGES:
        assert set(stage.reads) | set(stage.writes) <= set(FILE), stage.name
        assert set(stage.reads) <= written | set(stage.writes), f"{stage.name} reads what nothing wrote"
        for name in stage.writes:  # the table of files names the stage that writes each
            assert stage.name in FILE[name].written_by.split(", "), (stage.name, name)
        written |= set(stage.writes)
    assert written == set(FILE)  # and no file is declared that no step writes


def test_the_run_folder_holds_what_the_stages_declare(tmp_path: Path, seeds_dir: Path) -> None:
    """Stage after stage, the files a stage declares appear (one per unit for a stage of batches
    or parts), and the counts add up to the run's figures."""
    plan = plan_run([seeds_dir], tmp_path / "out", Settings(batch_files=2, workers=1))
    folder = RunFolder(plan.staging_dir)
    assert folder.path("plan").exists() and folder.units("batch") == plan.batches
    #: Files that may rightly be missing: errors only where an input fails; the sort's working files
    #: are removed once read.
    sometimes = {"errors", "sorted_features", "run_decisions"}
    counts = Counts()
    parts: list[str] = []
    for stage in STAGES:
        counts += run_stage(stage, plan)
        parts = parts or plan.parts()  # as read made them (assemble removes the staged files)
        for name in set(stage.writes) - sometimes:
            if "{unit}" not in FILE[name].path:
                assert folder.exists(name), (stage.name, name)
                continue
            units = plan.batches if name == "read_counts" else parts
            assert set(folder.units(name)) >= set(units) and units, (stage.name, name)
    assert (counts.files, counts.documents) == (5, 5)
    assert sum(counts.blocks.values()) > 0 and counts.blocks.get("duplicate", 0) > 0
    assert not folder.units("staged_documents")  # assembled: the working files gave way


def test_the_readme_map_of_the_stages_is_the_declared_list() -> None:
    """The table of "How it is built": plan, the declared stages in order, publish; each with its
    scope and module."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it is built", 1)[1].split("\n\n1. ", 1)[0]
    rows = [[cell.strip().strip("`") for cell in line.split("|")[1:4]]
            for line in section.splitlines() if line.startswith("| ") and "`stages/" in line]
    declared = [[s.name, s.scope, s.fn.__module__.replace("dedupe.", "").replace(".", "/") + ".py"]
                for s in STAGES]
    assert rows == [["plan", "run", "stages/plan.py"], *declared, ["publish", "run", "stages/publish.py"]]
