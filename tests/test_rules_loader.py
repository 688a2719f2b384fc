"""Rule files: the shipped ones load; a mistake is named by file, line and what is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from automator.errors import ConfigError
from automator.rules import load_rules

REPO = Path(__file__).resolve().parent.parent


def test_shipped_rules_load(ruleset) -> None:  # type: ignore[no-untyped-def]
    assert {"agenda", "contact_report", "creative_brief", "media_brief"} <= set(ruleset.rules)
    assert ruleset.rules["contact_report"].category == "会议纪要"
    assert ruleset.by_name("Contact report").key == "contact_report"
    assert ruleset.by_name("会晤报告").key == "contact_report"
    assert "机密" in ruleset.words["sensitive"]
    assert ruleset.agency["name"]


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(REPO / "rules", folder)
    return folder


def _break(path: Path, old: str, new: str) -> int:
    """Plant a mistake; returns the line number it is on."""
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    return text[:text.index(old)].count("\n") + 1


def test_a_wrong_type_names_file_line_and_field(rules: Path) -> None:
    line = _break(rules / "agenda.yaml", "type: minutes", "type: minuets")
    with pytest.raises(ConfigError) as err:
        load_rules(rules)
    message = str(err.value)
    assert f"agenda.yaml:{line}: tables[0].columns[3].type: Input should be" in message
    assert "'minuets'" in message


def test_an_unknown_key_is_an_error_not_ignored(rules: Path) -> None:
    line = _break(rules / "media_brief.yaml", "category: 媒介", "catagory: 媒介\ncategory: 媒介")
    with pytest.raises(ConfigError, match=rf"media_brief.yaml:{line}: catagory: Extra inputs are not permitted"):
        load_rules(rules)


def test_yaml_syntax_error_names_the_line(rules: Path) -> None:
    _break(rules / "creative_brief.yaml", "category: 策略", "category: [策略")
    with pytest.raises(ConfigError, match=r"creative_brief.yaml:\d+: YAML syntax error"):
        load_rules(rules)


def test_output_name_must_use_known_fields(rules: Path) -> None:
    _break(rules / "agenda.yaml", "{meeting_title}\"", "{meeting_titel}\"")
    with pytest.raises(ConfigError, match=r"agenda.yaml:\d+: .*meeting_titel"):
        load_rules(rules)


def test_every_problem_is_listed_at_once(rules: Path) -> None:
    _break(rules / "agenda.yaml", "type: minutes", "type: minuets")
    _break(rules / "media_brief.yaml", "category: 媒介", "category: 媒介\ncatagory: 媒介")
    with pytest.raises(ConfigError, match=r"2 problem\(s\) in the rules"):
        load_rules(rules)


def test_no_and_dates_stay_text(ruleset) -> None:  # type: ignore[no-untyped-def]
    # YAML 1.1 would read `key: no` as False and `example: 2026-11-20` as a date.
    items = ruleset.rules["agenda"].table("items")
    assert items.columns[0].key == "no"
    assert ruleset.rules["agenda"].field("meeting_date").example == "2026-11-20"
