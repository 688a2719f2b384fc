"""The search index: what it finds (Chinese, 2-character names, cells, file names), that it
holds the newest version, that it is rebuilt from the ledger alone, and that it never costs
a document its filing."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from automator.archive.ledger import Ledger
from automator.pipeline.stages import STAGES
from automator.search import query
from automator.search.index import FILE, SearchIndex, bigrams, catch_up, record
from automator.settings import Settings

from conftest import run_cli
from .site import ARCHIVED, EVIL, JINMAI, LATEST, REPORT_V2, maker


def _titles(root: Path, q: str, **filters: str) -> list[str]:
    db = query.connect(Settings.from_root(root))
    assert db is not None
    with db:
        return sorted(h.title for h in query.search(db, q, **filters))


@pytest.mark.parametrize(("q", "found"), [
    ("金麦", ["金麦春季新品沟通会"]),                         # 2 characters: the 2-character index
    ("金麦春季", ["金麦春季新品沟通会"]),                     # ≥ 3: trigram
    ("麦", ["金麦春季新品沟通会"]),                           # 1 character: a scan, still exact
    ("抖音信息流", ["星河暖酸奶冬季上市投放"]),               # a table cell (媒介排期)
    ("抖音", ["星河暖酸奶冬季上市投放"]),
    ("金麦上海办公室", ["金麦春季新品沟通会"]),                # a field the second version changed
    ("金麦-沟通会-改.xlsx", ["金麦春季新品沟通会"]),           # the dropped file's name
    ("创意简报-星河暖酸奶", ["星河酸奶冬季新品上市"]),
    ("星河暖酸奶", ["星河暖酸奶冬季上市投放", "星河酸奶冬季新品上市"]),
    ("小红书达人 分众", ["星河暖酸奶冬季上市投放"]),           # every term must be there
    ("金麦 抖音", []), ("没有的词", []),
    ("ALERT(1)", ["<img src=x onerror=\"alert(2)\">春季沟通会"]),  # case-insensitive
])
def test_what_a_query_finds(site: Path, q: str, found: list[str]) -> None:
    assert _titles(site, q) == found


QUERIES = ["金麦", "麦", "星河", "星河乳业（上海）", "星河乳业(上海)", "ＴＶＣ", "tvc 星河", "%", "_", '"', "%%", "a%b",
           "2026-11", "*", "NEAR", "AND", "金麦 OR 星河", "(", "'", "\\", "1", "00", "陈思远 赵敏", "x" * 150]


def test_every_way_of_matching_agrees_with_a_plain_substring_search(site: Path) -> None:
    """Trigram, 2-character index and LIKE each give exactly the documents whose text holds every term,
    so query syntax (FTS operators, LIKE wildcards, quotes) is only ever text."""
    db = query.connect(Settings.from_root(site))
    assert db is not None
    bodies = db.execute("SELECT id, body FROM docs WHERE latest=1").fetchall()
    for q in QUERIES:
        expected = sorted(i for i, body in bodies if all(t in body for t in query.terms(q)))
        assert sorted(h.id for h in query.search(db, q)) == expected, q


def test_filters_by_client_type_and_year(site: Path) -> None:
    assert _titles(site, "冬季", client="星河乳业(上海)有限公司", doc_type="agenda") == ["冬季新品上市创意提案会"]
    assert _titles(site, "冬季", year="2025") == []
    assert _titles(site, "", client=JINMAI) == ["金麦春季新品沟通会"]
    db = query.connect(Settings.from_root(site))
    assert db is not None
    choices = query.choices(db)
    assert ("contact_report", "客户会议报告") in choices["doc_types"] and choices["years"] == [("2026", "2026")]
    assert {c for c, _ in choices["clients"]} == {"星河乳业(上海)有限公司", JINMAI, "_script_alert(1)__script_"}


def test_bigrams_are_pairs_of_letters_or_digits() -> None:
    assert bigrams("金麦食品 kol-2026") == "金麦 麦食 食品 ko ol 20 02 26"


def test_only_the_newest_version_is_found_and_both_are_kept(site: Path) -> None:
    db = query.connect(Settings.from_root(site))
    assert db is not None
    [hit] = query.search(db, "金麦")
    assert hit.path == REPORT_V2 and hit.version == 2
    assert [v.version for v in query.versions(db, hit.doc_key)] == [2, 1]


def _rows(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT * FROM docs ORDER BY id").fetchall()


def test_rebuilt_from_the_ledger_it_is_the_same_index(site: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(site, root)
    before = _rows(root / FILE)
    assert len(before) == ARCHIVED  # every archived ledger row (one document in two versions)
    (root / FILE).unlink()
    settings = Settings.from_root(root)
    with Ledger(settings.ledger, readonly=True) as ledger:
        assert catch_up(settings, ledger) == ARCHIVED
        assert catch_up(settings, ledger) == 0            # caught up: nothing twice
        assert catch_up(settings, ledger, rebuild=True) == ARCHIVED
    assert _rows(root / FILE) == before
    assert _titles(root, "金麦") == ["金麦春季新品沟通会"]


def test_adding_any_version_again_in_any_order_keeps_the_index_whole(site: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(site, root)
    settings = Settings.from_root(root)
    with Ledger(settings.ledger, readonly=True) as ledger:
        entries = ledger.since(0, status="archived", limit=100)
    v1, v2 = (e for e in entries if e.client == JINMAI)
    with SearchIndex(root / FILE) as index:
        for entry in (v1, v2, v1, v1, v2, v2, v1):  # the stage, the chore and a rebuild may all add one row
            with index.transaction():
                index.add(record(settings, entry))  # type: ignore[arg-type]
    test_every_way_of_matching_agrees_with_a_plain_substring_search(root)
    assert _titles(root, "金麦春季") == ["金麦春季新品沟通会"]
    with sqlite3.connect(root / FILE) as db:
        assert db.execute("SELECT COUNT(*) FROM grams").fetchone()[0] == LATEST  # one per latest document
        assert db.execute("SELECT COUNT(*) FROM text WHERE text MATCH '\"沟通会\"'").fetchone()[0] == 2


def test_a_file_gone_from_the_outbox_is_not_indexed(site: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(site, root)
    (root / REPORT_V2).unlink()
    settings = Settings.from_root(root)
    with Ledger(settings.ledger, readonly=True) as ledger:
        catch_up(settings, ledger, rebuild=True)
    db = query.connect(settings)
    assert db is not None
    [hit] = query.search(db, "金麦")
    assert hit.version == 1  # the first version stands in for the document whose newest file was removed


def test_the_index_stage_runs_after_the_commit() -> None:
    [stage] = [s for s in STAGES if s.name == "index"]
    assert stage.phase == "after" and stage is STAGES[-1]


def test_a_broken_index_never_costs_a_document_its_filing(root: Path) -> None:
    (root / FILE).mkdir()  # not a database at all
    maker()(root / "inbox", "contact_report", "x.xlsx", fields={"client": "某某", "meeting_title": "周会"})
    code, out = run_cli("run", root=root)
    assert code == 0 and "已归档" in out
    assert "index failed after the document was filed" in (root / "automator.log").read_text("utf-8")
    assert list((root / "outbox" / "某某").rglob("*.docx"))


def test_the_chore_heals_what_the_stage_missed(root: Path) -> None:
    make = maker()
    (root / FILE).mkdir()
    make(root / "inbox", "contact_report", "x.xlsx", fields={"client": "某某", "meeting_title": "周会"})
    run_cli("run", root=root)
    (root / FILE).rmdir()
    make(root / "inbox", "agenda", "y.xlsx", fields={"client": "某某", "meeting_title": "月会"})
    run_cli("run", root=root)  # its stage indexes y; the chore at the end of the run adds x
    assert _titles(root, "某某") == ["周会", "月会"]


def test_a_dry_run_writes_no_index(root: Path) -> None:
    maker()(root / "inbox", "contact_report", "x.xlsx", fields={"client": "某某"})
    run_cli("run", "--dry-run", root=root)
    assert not (root / FILE).exists()


def test_an_evil_client_is_stored_as_written(site: Path) -> None:
    db = query.connect(Settings.from_root(site))
    assert db is not None
    [hit] = query.search(db, "alert(1)")
    assert hit.client == EVIL and hit.client_dir == "_script_alert(1)__script_"


def test_a_damaged_index_is_rebuilt_when_the_server_starts(site: Path, tmp_path: Path) -> None:
    from automator.web.serve import update_index

    root = tmp_path / "root"
    shutil.copytree(site, root)
    for extra in root.glob(f"{FILE}-*"):
        extra.unlink()
    data = bytearray((root / FILE).read_bytes())
    data[4096:8192] = b"\xff" * 4096          # a page of it garbled (a power cut mid-checkpoint)
    (root / FILE).write_bytes(bytes(data))
    assert update_index(Settings.from_root(root)) == ARCHIVED
    assert _titles(root, "金麦") == ["金麦春季新品沟通会"]
    (root / FILE).write_bytes(b"not sqlite at all" * 500)
    assert update_index(Settings.from_root(root)) == ARCHIVED
