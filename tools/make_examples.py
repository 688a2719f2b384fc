"""Write examples/*.xlsx: one realistic, complete workbook per document type.

Run: python tools/make_examples.py   (the files are committed; rerun after changing rules)
Values are typed the way AEs type them: real dates and numbers mixed with text
forms (2026年11月21日, ¥12,800.00, 8折), so the examples exercise the parser too.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from automator.rules import load_rules  # noqa: E402
from automator.sample import write_workbook  # noqa: E402

CLIENT, BRAND = "星河乳业（上海）有限公司", "星河酸奶"
ATTENDEES = [
    {"name": "陈思远", "company": CLIENT, "title": "市场总监"},
    {"name": "刘佳", "company": CLIENT, "title": "品牌经理"},
    {"name": "王磊", "company": "华夏智联广告", "title": "客户总监"},
    {"name": "李娜", "company": "华夏智联广告", "title": "客户执行"},
    {"name": "赵敏", "company": "华夏智联广告", "title": "创意总监"},
]

EXAMPLES = {
    "agenda": dict(
        fields={"client": CLIENT, "brand": BRAND, "meeting_title": "冬季新品上市创意提案会",
                "meeting_date": dt.date(2026, 11, 24), "start_time": dt.time(14, 0), "end_time": "16:00",
                "venue": "星河乳业上海总部 3 楼 301 会议室", "chair": "王磊", "prepared_by": "李娜",
                "sent_at": "2026-11-24 09:30"},
        tables={"items": [
            {"no": 1, "topic": "项目背景与传播目标回顾", "presenter": "王磊", "minutes": 15},
            {"no": 2, "topic": "消费者洞察与核心诉求", "presenter": "李娜", "minutes": 20},
            {"no": 3, "topic": "创意方案 A/B 提案（含 15 秒 TVC 脚本）", "presenter": "赵敏", "minutes": 45},
            {"no": 4, "topic": "客户反馈与讨论", "presenter": "陈思远", "minutes": 25},
            {"no": 5, "topic": "下一步工作与时间表确认", "presenter": "李娜", "minutes": 15}],
            "attendees": ATTENDEES}),
    "contact_report": dict(
        fields={"client": CLIENT, "brand": BRAND, "meeting_title": "冬季新品上市创意提案会",
                "meeting_date": dt.datetime(2026, 11, 24, 14, 0), "venue": "星河乳业上海总部 3 楼 301 会议室",
                "report_date": "2026年11月25日", "author": "李娜",
                "distribution": "全体与会人员；星河乳业市场部 陈思远、刘佳；华夏智联项目组"},
        tables={"attendees": ATTENDEES,
                "decisions": [
                    {"no": 1, "item": "创意方向", "decision": "采用方案 B「暖暖的，刚刚好」，主视觉改用暖色调"},
                    {"no": 2, "item": "TVC 时长", "decision": "15 秒主片 + 6 秒剪辑版，不做 30 秒版"},
                    {"no": 3, "item": "上市时间", "decision": "维持 12 月 1 日上市，不变"}],
                "actions": [
                    {"no": 1, "action": "按会议意见修改方案 B 主视觉", "owner": "赵敏", "due": dt.date(2026, 11, 28), "status": "进行中"},
                    {"no": 2, "action": "提交 TVC 制作估价单（PE）供客户审批", "owner": "李娜", "due": "2026-11-27", "status": "未开始"},
                    {"no": 3, "action": "确认产品包装最终稿并提供高清图", "owner": "刘佳", "due": "2026/11/26", "status": "未开始"},
                    {"no": 4, "action": "预约导演及拍摄场地", "owner": "王磊", "due": dt.date(2026, 12, 2), "status": "未开始"}],
                "budget": [
                    {"item": "15 秒 TVC 拍摄制作", "amount": 180000},
                    {"item": "平面主视觉及延展", "amount": "¥60,000.00"},
                    {"item": "社交媒体内容", "amount": "6万"}]},
        totals={"budget": {"amount": 300000}}),
    "creative_brief": dict(
        fields={"client": CLIENT, "brand": BRAND, "project": "星河酸奶冬季新品上市", "brief_date": dt.date(2026, 11, 2),
                "ae": "李娜",
                "background": "冬季是酸奶消费淡季，消费者普遍认为酸奶只能冷藏饮用。星河推出可温热饮用的新品「暖酸奶」，需在 12 月上市前建立认知。",
                "objective": "上市三个月内，目标人群对「暖酸奶」的认知度达到 30%，试饮转化率达到 8%。",
                "target_audience": "25–35 岁一线及新一线城市白领女性，注重健康，冬季手脚易凉。",
                "insight": "冬天也想喝点酸奶，可一想到冰凉的口感就作罢。",
                "proposition": "温热也好喝的酸奶。",
                "support": "专利耐温菌种，45℃ 温热后活菌数仍达标；第三方口味测试 82% 偏好。",
                "tone": "温暖、轻松、有生活气息", "mandatories": "品牌标识、产品包装特写、「可温热饮用」字样",
                "budget_total": "¥350,000.00", "first_review": "2026年11月16日", "final_deadline": dt.date(2026, 12, 15)},
        tables={"deliverables": [
            {"item": "15 秒 TVC", "spec": "1920×1080，含 6 秒剪辑版", "qty": 1, "unit_price": 180000, "amount": 180000, "due": dt.date(2026, 12, 10)},
            {"item": "平面主视觉", "spec": "横版/竖版各一", "qty": 3, "unit_price": 20000, "amount": 60000, "due": dt.date(2026, 11, 30)},
            {"item": "社交媒体海报", "spec": "1080×1440", "qty": 12, "unit_price": 5000, "amount": 60000, "due": "2026-12-05"},
            {"item": "H5 互动页面", "spec": "移动端", "qty": 1, "unit_price": 50000, "amount": 50000, "due": dt.date(2026, 12, 15)}]},
        totals={"deliverables": {"amount": 350000}}),
    "media_brief": dict(
        fields={"client": CLIENT, "brand": BRAND, "campaign": "星河暖酸奶冬季上市投放", "brief_date": dt.date(2026, 11, 2),
                "campaign_start": dt.date(2026, 12, 1), "campaign_end": "2027-01-31", "budget_total": "120万",
                "target_audience": "25–35 岁一线及新一线城市白领女性",
                "objectives": "上市期覆盖目标人群 60% 以上，平均接触频次 3 次",
                "kpi": "总曝光 8,000 万次；小红书互动 50 万次"},
        tables={"plan": [
            {"media": "分众电梯屏", "format": "15 秒视频", "start": dt.date(2026, 12, 1), "end": dt.date(2026, 12, 31),
             "spots": 300, "unit_price": 2000, "discount": "8折", "net": 480000, "share": "40%"},
            {"media": "抖音信息流", "format": "竖版视频", "start": dt.date(2026, 12, 1), "end": dt.date(2027, 1, 31),
             "spots": 1, "unit_price": 400000, "discount": 0.9, "net": 360000, "share": 0.3},
            {"media": "小红书达人", "format": "图文笔记", "start": dt.date(2026, 12, 10), "end": dt.date(2027, 1, 20),
             "spots": 20, "unit_price": 12000, "discount": "无折扣", "net": 240000, "share": "20%"},
            {"media": "上海地铁灯箱", "format": "12 封灯箱", "start": dt.date(2027, 1, 1), "end": dt.date(2027, 1, 31),
             "spots": 40, "unit_price": 3750, "discount": "80%", "net": 120000, "share": "10%"}]},
        totals={"plan": {"net": 1200000, "share": "100%"}}),
    "followup": dict(
        fields={"client": CLIENT, "brand": BRAND, "visit_date": dt.date(2026, 11, 26), "visitor": "李娜",
                "contact": "陈思远", "method": "上门",
                "summary": "客户对方案 B 的创意方向满意；对地铁灯箱的画面亮度和上市排期有顾虑。"},
        tables={"problems": [
            {"no": 1, "problem": "主视觉在地铁灯箱样张上偏暗，产品包装看不清", "urgency": "紧急",
             "department": "创意部", "deadline": dt.date(2026, 11, 28), "status": "处理中"},
            {"no": 2, "problem": "希望每周收到一次投放数据简报", "urgency": "不紧急",
             "department": "媒介部", "deadline": "2026-12-10", "status": "未开始"},
            {"no": 3, "problem": "估价单中拍摄天数与脚本不一致，需核对", "urgency": "紧急",
             "department": "制作部", "deadline": "2026年11月27日", "status": "未开始"}]}),
}

NAMES = {"agenda": "会议议程-冬季新品提案会.xlsx", "contact_report": "客户会议报告-冬季新品提案会.xlsx",
         "creative_brief": "创意简报-星河暖酸奶.xlsx", "media_brief": "媒介简报-星河暖酸奶.xlsx",
         "followup": "客户回访记录-星河乳业.xlsx"}


def main() -> None:
    ruleset = load_rules(ROOT / "rules")
    for key, data in EXAMPLES.items():
        path = write_workbook(ruleset.rules[key], ROOT / "examples" / NAMES[key], **data)
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
