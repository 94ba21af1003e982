"""The HTML report and `dedupe inspect`, read back the way people read them: the report rendered by a
real headless Chromium (Debian's, installed by `.ci/run`), the terminal view through the CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from lxml import html as lxml_html

from dedupe.html_report import write_html_report
from dedupe.run import run_pipeline

BIN = Path(sys.executable).parent
SEED_001 = "001_927cb4e43b5f7477.txt"


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does)")
    return found


def render(report: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Chromium headless on the report file, with the flags this closed network needs."""
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'chromium-profile'}", *args, report.as_uri()]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("corpus")
    summary = run_pipeline([Path(__file__).resolve().parent.parent / "seeds"], out)
    return out, summary.run_id


def _blocks(out: Path, where: str) -> list[tuple[str, int, str]]:
    return duckdb.sql(f"select doc_id, block_idx, text from '{out}/blocks/**/*.parquet' where {where} "
                      "order by all").fetchall()


def test_report_in_chromium_shows_removed_blocks_struck_and_the_duplicate_linked_to_its_kept_copy(
        corpus: tuple[Path, str], tmp_path: Path, seeds_dir: Path) -> None:
    out, run_id = corpus
    report = out / "_reports" / f"{run_id}.html"
    assert report.exists()  # every run writes its report
    dom = lxml_html.fromstring(render(report, tmp_path, "--dump-dom").stdout)
    # Self-contained: nothing is fetched from anywhere.
    assert not dom.xpath("//script | //link | //img | //iframe")
    assert not [a for a in dom.xpath("//a/@href") if not a.startswith("#")]
    # Every padding and chrome block of the seeds is on its document's page, struck and labelled.
    for label in ("padding", "chrome"):
        blocks = _blocks(out, f"label = '{label}'")
        assert blocks, label
        for doc_id, idx, text in blocks:
            (element,) = dom.xpath(f'//*[@id="b-{doc_id}-{idx}"]')
            assert element.tag == "del" and label in element.get("class").split()
            assert element.text_content() == text
    # Seed 001, line 7, repeats line 6: its page links the duplicate to the kept block.
    lines = (seeds_dir / SEED_001).read_text(encoding="utf-8").splitlines()
    ((doc_id,),) = duckdb.sql(f"select doc_id from '{out}/documents/**/*.parquet' where path = '{SEED_001}'").fetchall()
    (duplicate,) = [e for e in dom.xpath(f'//section[@id="doc-{doc_id}"]//del[contains(@class, "duplicate")]')
                    if e.text_content() == lines[6]]
    (link,) = duplicate.getnext().xpath('.//a[@class="kept-link"]')
    (kept,) = dom.xpath(f'//*[@id="{link.get("href")[1:]}"]')
    assert kept.text_content() == lines[5] and kept.tag == "span" and "content" in kept.get("class").split()
    # The lists link to the document pages.
    assert dom.xpath('//section[@id="clusters"] | //h2[@id="clusters"]')
    assert dom.xpath(f'//a[@href="#doc-{doc_id}"]')


def test_report_screenshot(corpus: tuple[Path, str], tmp_path: Path) -> None:
    """A screenshot of the rendered report (the one in the README is made this way)."""
    out, run_id = corpus
    target = Path(os.environ.get("DEDUPE_REPORT_SCREENSHOT", tmp_path / "report.png"))
    render(out / "_reports" / f"{run_id}.html", tmp_path, f"--screenshot={target}", "--window-size=1280,1600",
           "--hide-scrollbars")
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 1600)


def test_report_of_a_large_run_pages_only_what_the_lists_link_to(tmp_path: Path, seeds_dir: Path) -> None:
    for copy in range(12):  # 60 documents, syndicated copies among them
        for seed in seeds_dir.iterdir():
            target = tmp_path / "in" / f"site{copy}" / seed.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(seed.read_text(encoding="utf-8") + f"\nEdition {copy}.\n", encoding="utf-8")
    summary = run_pipeline([tmp_path / "in"], tmp_path / "out")
    report = write_html_report(tmp_path / "out", summary.run_id, max_documents=10)
    dom = lxml_html.fromstring(report.read_text(encoding="utf-8"))
    assert len(dom.xpath('//section[@class="doc"]')) == 10
    assert "Documents (10 of 60 shown)" in dom.text_content()
    shown = {s.get("id")[4:] for s in dom.xpath('//section[@class="doc"]')}
    copied = [a.get("href")[5:] for a in dom.xpath('//h2[@id="copied"]/following-sibling::table[1]//a')]
    assert copied and set(copied) <= shown  # the most copied documents got their pages


def test_inspect_document_label_and_json(corpus: tuple[Path, str], seeds_dir: Path) -> None:
    out, _ = corpus
    env = {**os.environ, "COLUMNS": "200"}
    shown = subprocess.run([str(BIN / "dedupe"), "inspect", str(out), SEED_001], capture_output=True, text=True,
                           env=env, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert "[duplicate:exact of block 5 in 001_927cb4e43b5f7477.txt" in shown.stdout
    assert "[chrome:dateline]" in shown.stdout
    # The README's example names the file as the run was given it: with its input folder.
    as_typed = subprocess.run([str(BIN / "dedupe"), "inspect", str(out), f"seeds/{SEED_001}"], capture_output=True,
                              text=True, env=env, timeout=60)
    assert as_typed.returncode == 0 and as_typed.stdout == shown.stdout
    as_json = json.loads(subprocess.run([str(BIN / "dedupe"), "inspect", str(out), SEED_001, "--json"],
                                        capture_output=True, text=True, timeout=60).stdout)
    line_7 = next(b for b in as_json["blocks"] if b["block_idx"] == 6)
    assert line_7["label"] == "duplicate" and line_7["kept"]["block_idx"] == 5
    assert as_json["base_text"][line_7["start"]:line_7["end"]] == line_7["text"]
    padding = json.loads(subprocess.run([str(BIN / "dedupe"), "inspect", str(out), "--label", "padding", "--json"],
                                        capture_output=True, text=True, timeout=60).stdout)
    expected = _blocks(out, "label = 'padding'")
    assert sorted((p["doc_id"], p["block_idx"]) for p in padding) == sorted((d, i) for d, i, _ in expected)
    assert all(p["reason"].startswith("padding:") for p in padding)
    missing = subprocess.run([str(BIN / "dedupe"), "inspect", str(out), "no-such-doc"], capture_output=True,
                             text=True, timeout=60)
    assert missing.returncode == 1 and "no document" in missing.stdout


def test_inspect_escapes_terminal_control_sequences_in_article_text(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    story = ("The harbour council voted on Thursday to open a second ferry route between the old town pier "
             "and the northern islands, ending two years of debate over cost and noise.\n"
             "Councillors approved the plan by nine votes to four after a three-hour session.\x1b[2J\n") * 2
    (tmp_path / "in" / "evil[bold].txt").write_text(story, encoding="utf-8")
    run_pipeline([tmp_path / "in"], tmp_path / "out")
    outputs = []
    for args in (["evil[bold].txt"], ["--label", "duplicate"]):
        shown = subprocess.run([str(BIN / "dedupe"), "inspect", str(tmp_path / "out"), *args],
                               capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": "300"})
        assert shown.returncode == 0, shown.stderr
        assert "\x1b[2J" not in shown.stdout
        assert "\\x1b[2J" in shown.stdout
        outputs.append(shown.stdout)
    assert "evil[bold].txt" in outputs[0]  # the name as it is, not read as markup
