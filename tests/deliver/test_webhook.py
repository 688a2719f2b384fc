"""The webhook against a real HTTP receiver on loopback: one POST per result, three formats,
retried until the receiver takes it, never twice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import run_cli, run_json
from .kit import Hook, configure, deliveries


@pytest.fixture
def hook() -> Iterator[Hook]:
    receiver = Hook()
    yield receiver
    receiver.stop()


def test_one_json_post_per_result(root: Path, hook: Hook, make_workbook) -> None:  # type: ignore[no-untyped-def]
    configure(root, hook=hook.url, pdf=False)
    make_workbook(root / "inbox", "agenda")
    make_workbook(root / "inbox", "contact_report", rows={"actions": {1: {"owner": None}}})
    (root / "inbox" / "坏.xlsx").write_bytes(b"garbage")
    code, out = run_json("run", root=root)
    assert code == 1
    assert sorted(p[1]["status"] for p in hook.posts) == ["archived", "rejected", "review"]
    for headers, data in hook.posts:
        assert {"status", "input", "client", "doc_type", "reason", "outputs"} <= set(data)
        assert headers["X-Automator-Delivery"] == data["id"]
    archived = next(d for _, d in hook.posts if d["status"] == "archived")
    result = next(r for r in out["results"] if r["status"] == "archived")
    assert archived["outputs"] == result["outputs"] and archived["doc_type"] == "agenda"
    rejected = next(d for _, d in hook.posts if d["status"] == "rejected")
    assert rejected["reason"] and rejected["input"] == "inbox/坏.xlsx"
    run_cli("run", root=root)
    assert len(hook.posts) == 3  # nothing twice


@pytest.mark.parametrize("fmt", ["wecom", "dingtalk"])
def test_robot_formats(root: Path, hook: Hook, make_workbook, fmt: str) -> None:  # type: ignore[no-untyped-def]
    configure(root, hook=hook.url, fmt=fmt, pdf=False)
    make_workbook(root / "inbox", "agenda")
    run_cli("run", root=root)
    ((_, data),) = hook.posts
    assert data["msgtype"] == "markdown"
    text = data["markdown"]["content" if fmt == "wecom" else "text"]
    assert "已归档" in text and "会议议程" in text and "星河乳业" in text
    if fmt == "dingtalk":
        assert data["markdown"]["title"].startswith("✓ 已归档")


def test_a_failing_receiver_is_retried_and_shown(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    receiver = Hook(answers=[503])
    try:
        configure(root, hook=receiver.url, pdf=False)
        make_workbook(root / "inbox", "agenda")
        code, out = run_cli("run", root=root)
        assert "通知未发出" in out and receiver.posts == []
        code, status = run_json("status", root=root)
        (waiting,) = status["deliveries"]
        assert waiting["kind"] == "webhook" and "503" in waiting["last_error"]
        run_cli("deliver", root=root)
        assert len(receiver.posts) == 1 and [d["state"] for d in deliveries(root)] == ["sent"]
    finally:
        receiver.stop()
