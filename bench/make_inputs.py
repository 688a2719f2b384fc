"""N distinct, valid contact-report workbooks for the benchmark.

    python bench/make_inputs.py N OUT_DIR [--seed 1]

Starts from tools/make_examples.py's contact report and varies client, title,
dates, people, actions and budget lines, so every workbook has different bytes
(no duplicates) and passes every check (each one archives cleanly). The same
seed gives the same N workbooks.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from automator.rules import load_rules  # noqa: E402
from automator.sample import write_workbook  # noqa: E402
from make_examples import EXAMPLES  # noqa: E402

CLIENTS = ["星河乳业（上海）有限公司", "青禾食品（杭州）有限公司", "远山户外用品有限公司", "蓝鲸科技（深圳）有限公司",
           "云起茶业（福建）有限公司", "金穗粮油集团", "悦动运动服饰有限公司", "白鹭航空服务有限公司"]
BRANDS = ["星河酸奶", "青禾果汁", "远山登山鞋", "蓝鲸手机", "云起白茶", "金穗大米", "悦动跑鞋", "白鹭假期"]
TOPICS = ["冬季新品上市创意提案会", "年度传播策略沟通会", "双十一电商大促复盘会", "品牌焕新视觉提案会",
          "春节营销方案讨论会", "KOL 投放效果复盘会", "线下快闪活动筹备会", "新品包装设计评审会"]
PEOPLE = [("陈思远", "市场总监"), ("刘佳", "品牌经理"), ("周晓", "电商经理"), ("孙倩", "数字营销主管"),
          ("王磊", "客户总监"), ("李娜", "客户执行"), ("赵敏", "创意总监"), ("钱峰", "媒介经理")]
ACTIONS = ["按会议意见修改主视觉", "提交制作估价单（PE）供客户审批", "确认产品包装最终稿并提供高清图",
           "预约导演及拍摄场地", "整理竞品投放数据", "更新项目时间表并发送全员", "准备达人名单供客户挑选",
           "输出活动现场效果图"]
BUDGET_ITEMS = ["TVC 拍摄制作", "平面主视觉及延展", "社交媒体内容", "达人合作费用", "线下活动搭建", "H5 互动页面"]
STATUSES = ["未开始", "进行中", "已完成"]


def contact_report(i: int, rng: random.Random) -> dict[str, Any]:
    """The i-th workbook's data: the example, varied (dates stay in order, sums stay right)."""
    data = copy.deepcopy(EXAMPLES["contact_report"])
    c = i % len(CLIENTS)
    client, brand = CLIENTS[c], BRANDS[c]
    meeting = dt.datetime(2026, 1, 5, 9, 0) + dt.timedelta(days=(i * 7) % 330, hours=rng.randrange(0, 8))
    agency = [p for p in PEOPLE if p[1] in ("客户总监", "客户执行", "创意总监", "媒介经理")]
    client_side = [p for p in PEOPLE if p not in agency]
    attendees = ([{"name": n, "company": client, "title": t} for n, t in rng.sample(client_side, rng.randint(1, 3))]
                 + [{"name": n, "company": "华夏智联广告", "title": t} for n, t in rng.sample(agency, rng.randint(2, 4))])
    actions = [{"no": k, "action": a, "owner": rng.choice(attendees)["name"],
                "due": (meeting + dt.timedelta(days=rng.randint(1, 20))).date(), "status": rng.choice(STATUSES)}
               for k, a in enumerate(rng.sample(ACTIONS, rng.randint(2, 6)), start=1)]
    lines = [{"item": item, "amount": rng.randrange(10, 300) * 1000}
             for item in rng.sample(BUDGET_ITEMS, rng.randint(2, 5))]
    data["fields"].update(
        client=client, brand=brand, meeting_title=f"{TOPICS[i % len(TOPICS)]}（第 {i + 1} 次）",
        meeting_date=meeting, report_date=(meeting + dt.timedelta(days=1)).date(),
        author=attendees[-1]["name"], venue=f"{client[:4]}总部 {rng.randint(2, 30)} 楼会议室")
    data["tables"].update(attendees=attendees, actions=actions, budget=lines)
    data["totals"] = {"budget": {"amount": sum(line["amount"] for line in lines)}}
    return data


def make_inputs(n: int, out: Path, *, seed: int = 1) -> list[Path]:
    """Write n workbooks into `out` (created if needed); returns their paths."""
    rule = load_rules(ROOT / "rules").rules["contact_report"]
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        data = contact_report(i, rng)
        paths.append(write_workbook(rule, out / f"客户会议报告-{i + 1:05d}.xlsx", **data))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    paths = make_inputs(args.n, args.out, seed=args.seed)
    print(f"{len(paths)} workbooks in {args.out}")


if __name__ == "__main__":
    main()
