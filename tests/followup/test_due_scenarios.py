"""`automator due` on real multi-document histories, dropped and archived through the CLI: an agenda
whose report never came, overdue actions with their owners, a later report that closes one, a `_v2`
that replaces its first version's actions, urgent follow-up problems past their deadline."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli, run_json
from followkit import CLIENT, FOLDER, D, DT, actions, report_fields

REPORT_TITLE = "冬季新品上市创意提案会"


def _due(root: Path, now: str, *extra: str) -> list[dict]:  # type: ignore[type-arg]
    code, out = run_json("due", "--now", now, *extra, root=root)
    assert code == 0
    return out["due"]


def _archive(root: Path, make_workbook, key: str, name: str, **kw) -> dict:  # type: ignore[no-untyped-def,type-arg]
    path = make_workbook(root / "inbox", key, name, **kw)
    code, out = run_json("run", str(path), root=root)
    assert [r["status"] for r in out["results"]] == ["archived"], out
    return out["results"][0]


def test_an_agenda_without_its_report_is_due_24_hours_after_the_meeting(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    agenda = _archive(root, make_workbook, "agenda", "议程.xlsx")  # 2026-11-24 14:00–16:00, 制表人 李娜
    assert _due(root, "2026-11-25T15:59") == []
    late = _due(root, "2026-11-25T16:30")
    assert late == [{"kind": "report", "client": CLIENT, "what": "会议报告未归档：2026-11-24 冬季新品上市创意提案会（会后24小时内应发出）",
                     "owner": "李娜", "due": "2026-11-25T16:00", "days_late": 0, "source": agenda["outputs"][0]}]
    assert _due(root, "2026-11-28T09:00")[0]["days_late"] == 2
    # The report for that client and day arrives: nothing is owed any more.
    _archive(root, make_workbook, "contact_report", "报告.xlsx",
             tables=actions(("整理会议照片", "李娜", D(2026, 12, 30), "进行中")))
    assert _due(root, "2026-11-28T09:00") == []


def test_overdue_action_is_listed_with_its_owner_and_a_later_report_marking_it_done_closes_it(
        root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    first = _archive(root, make_workbook, "contact_report", "报告1.xlsx",
                     fields=report_fields(REPORT_TITLE, DT(2026, 11, 24, 14, 0)),
                     tables=actions(("提交 TVC 制作估价单（PE）", "李娜", D(2026, 11, 26), "进行中"),
                                    ("修改主视觉", "赵敏", D(2026, 11, 30), "进行中"),
                                    ("预约拍摄场地", "王磊", D(2026, 12, 5), "未开始")))
    late = _due(root, "2026-11-27")
    assert [(d["kind"], d["what"], d["owner"], d["due"], d["days_late"], d["source"]) for d in late] == [
        ("action", "提交 TVC 制作估价单（PE）", "李娜", "2026-11-26", 1, first["outputs"][0])]
    # Done in time on the owner's word, the day later: already-done actions are never late.
    assert [d["what"] for d in _due(root, "2026-12-01")] == ["提交 TVC 制作估价单（PE）", "修改主视觉"]

    _archive(root, make_workbook, "contact_report", "报告2.xlsx",
             fields=report_fields("估价单确认会", DT(2026, 11, 28, 10, 0)),
             tables=actions(("提交TVC制作估价单(PE)", "李娜", D(2026, 11, 28), "已完成（11/28 客户已签）"),
                            ("确认拍摄日期", "王磊", D(2026, 12, 3), "进行中")))
    assert [d["what"] for d in _due(root, "2026-12-01")] == ["修改主视觉"]
    # The latest first by days late; the closed action stays closed.
    assert [d["what"] for d in _due(root, "2026-12-10")] == ["修改主视觉", "确认拍摄日期", "预约拍摄场地"]


def test_a_v2_report_replaces_the_actions_of_its_first_version(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    fields = report_fields(REPORT_TITLE, DT(2026, 11, 24, 14, 0))
    _archive(root, make_workbook, "contact_report", "报告.xlsx", fields=fields,
             tables=actions(("交付脚本初稿", "赵敏", D(2026, 11, 25), "进行中"),
                            ("确认预算", "李娜", D(2026, 11, 26), "进行中")))
    assert {d["what"] for d in _due(root, "2026-11-30")} == {"交付脚本初稿", "确认预算"}
    second = _archive(root, make_workbook, "contact_report", "报告-更正.xlsx", fields=fields,
                      tables=actions(("交付脚本初稿（含分镜）", "赵敏", D(2026, 11, 29), "进行中")))
    assert second["version"] == 2 and second["outputs"][0].endswith("_v2.docx")
    late = _due(root, "2026-11-30")
    assert [(d["what"], d["source"]) for d in late] == [("交付脚本初稿（含分镜）", second["outputs"][0])]


def test_urgent_follow_up_problems_past_their_deadline(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    record = _archive(root, make_workbook, "followup", "回访.xlsx")  # visit 11-26; urgent 11-28 and 11-27; not urgent 12-10
    late = _due(root, "2026-12-15")
    assert [(d["kind"], d["what"], d["owner"], d["due"], d["days_late"], d["source"]) for d in late] == [
        ("problem", "估价单中拍摄天数与脚本不一致，需核对", "制作部", "2026-11-27", 18, record["outputs"][0]),
        ("problem", "主视觉在地铁灯箱样张上偏暗，产品包装看不清", "创意部", "2026-11-28", 17, record["outputs"][0])]


def test_client_filter_and_the_human_listing(root: Path, make_workbook) -> None:  # type: ignore[no-untyped-def]
    _archive(root, make_workbook, "agenda", "议程.xlsx")
    _archive(root, make_workbook, "agenda", "议程-别的客户.xlsx", fields={"client": "青禾食品（杭州）有限公司"})
    assert {d["client"] for d in _due(root, "2026-11-27")} == {CLIENT, "青禾食品（杭州）有限公司"}
    assert {d["client"] for d in _due(root, "2026-11-27", "--client", FOLDER)} == {CLIENT}
    code, out = run_cli("due", "--now", "2026-11-27", "--client", "青禾食品(杭州)有限公司", root=root)
    assert code == 0 and "逾期 1 项" in out and "[会议报告] 青禾食品（杭州）有限公司" in out and "负责：李娜" in out
    code, out = run_cli("due", "--now", "yesterday", root=root)
    assert code == 2 and "--now 'yesterday' 不是日期或日期时间" in out


def test_no_ledger_yet_means_nothing_is_due_and_none_is_made(root: Path) -> None:
    assert _due(root, "2026-11-27") == []
    assert not (root / "ledger.sqlite").exists()
