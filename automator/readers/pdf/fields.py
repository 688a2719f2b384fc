"""The single facts of a quote or invoice: kind, parties, date, number, totals.

Labels come from the rule (each field's zh, en and aliases, plus
`options.labels` for fields shared with workbooks, such as the client's 致 /
购买方). A label's value runs to the next label. The totals lines are read
figure by figure (`小计：¥…  税额（6%）：¥…`), and the ambiguous 合计 is
settled by what else the document states (see `_settle`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from automator.capital import CAPITAL_CHARS
from automator.document import CellRef, Value
from automator.readers.pdf.cells import MONEY_IN_TEXT, PERCENT_IN_TEXT, cell_value, parse_as
from automator.readers.pdf.lines import OTHER_LABELS, TextLine, norm, pairs
from automator.readers.pdf.table import TotalCell
from automator.rules.model import Rule

TOTAL_KEYS = ("subtotal", "tax", "total")
CAPITAL_KEY, RATE_KEY = "total_capital", "tax_rate"
AMBIGUOUS = tuple(norm(x) for x in ("合计", "合计金额", "合计金额(小写)", "Total", "总额"))
_PAREN = re.compile(r"[（(][^）)]*[）)]")
_CAPITAL_RUN = re.compile(r"[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆角分整正]{2,}")
_DATE = re.compile(r"(?<![\w/.\-])\d{4}\s*[年/.\-]\s*\d{1,2}\s*[月/.\-]\s*\d{1,2}(?![\d/.\-])\s*日?")
_NUMBER = re.compile(r"(?i)(?:^|\s)No\.?\s*[:：]?\s*([A-Z0-9][A-Z0-9\-/_]{3,})")
_COMPANY = re.compile(r"(公司|工作室|传媒|影视|文化|广告|集团|事务所|制作|Ltd|Inc|LLC|GmbH|Co\.|Corp|Studio)", re.I)
_BUYER, _SELLER = ("购买方", "购方", "买方"), ("销售方", "销方", "卖方")


@dataclass
class Found:
    key: str
    raw: str
    ref: CellRef
    order: tuple[int, float]      # (page, top): reading order
    in_table_with_tax: bool = False


def labels_of(rule: Rule, key: str) -> set[str]:
    spec = rule.field(key)
    extra = (rule.options.get("labels") or {}).get(key) or []
    base = (spec.zh, spec.en, *spec.aliases) if spec else ()
    return {norm(x) for x in (*base, *extra) if norm(str(x))}


# ---------------------------------------------------------------- kind

def titles_of(rule: Rule) -> list[str]:
    return [norm(t) for t in rule.options.get("titles") or (rule.zh, rule.en, *rule.aliases)]


def detect_kind(lines: list[TextLine], rules: list[Rule]) -> tuple[Rule, TextLine] | None:
    """The rule whose title the document shows: the biggest matching line wins, then the first."""
    best: tuple[tuple[float, int, int], Rule, TextLine] | None = None
    for line in lines:
        text = _PAREN.sub("", line.compact) or line.compact
        for rule in rules:
            for title in titles_of(rule):
                if title and title in line.compact:
                    exact = int(text == title or text.startswith(title) or text.endswith(title))
                    score = (line.size, exact, -line.number)
                    if best is None or score > best[0]:
                        best = (score, rule, line)
    return (best[1], best[2]) if best else None


# ---------------------------------------------------------------- label：value fields

def text_fields(rule: Rule, lines: list[TextLine], page_width: float) -> dict[str, Found]:
    """Non-figure fields from `label：value` pairs, first occurrence wins."""
    index: dict[str, str] = {}
    for spec in rule.fields:
        if spec.type not in ("money", "percent") and spec.key not in (CAPITAL_KEY, "doc_type"):
            for label in labels_of(rule, spec.key):
                index.setdefault(label, spec.key)
    known = set(index) | set(OTHER_LABELS) | {norm("名称")}
    for key in (*TOTAL_KEYS, CAPITAL_KEY, RATE_KEY):
        known |= labels_of(rule, key)
    pages_with = {p: " ".join(ln.compact for ln in lines if ln.page == p) for p in {ln.page for ln in lines}}
    out: dict[str, Found] = {}
    for line in lines:
        for pair in pairs(line, known):
            label = norm(pair.label)
            key = index.get(label)
            if key is None and label == norm("名称"):
                key = _party(line, pair.x, pages_with[line.page], page_width)
            if key and pair.value and key not in out:
                out[key] = Found(key, pair.value, line.ref, (line.page, line.top))
    return out


def _party(line: TextLine, x: float, page_text: str, page_width: float) -> str | None:
    """Whose 名称 this is on a 数电发票: the party named before it, else left = buyer."""
    before = "".join(t.text for t in line.tokens if t.x1 <= x + 1)
    hits = [(before.rfind(w), "client") for w in _BUYER] + [(before.rfind(w), "vendor") for w in _SELLER]
    pos, who = max(hits)
    if pos >= 0:
        return who
    if any(w in page_text for w in _BUYER) and any(w in page_text for w in _SELLER):
        return "client" if x < page_width / 2 else "vendor"
    return None


def letterhead(lines: list[TextLine], title: TextLine) -> Found | None:
    """The issuer's name printed above the title, when no label names the vendor."""
    above = [ln for ln in lines if ln.page == title.page and ln.top < title.top and ":" not in ln.text
             and "：" not in ln.text and len(ln.compact) >= 4]
    pick = next((ln for ln in above if _COMPANY.search(ln.text)), None)
    if pick is None:
        return None
    return Found("vendor", pick.text.strip(), pick.ref, (pick.page, pick.top))


def first_date(lines: list[TextLine]) -> Found | None:
    """The first real date printed above the table, when no label names it."""
    for ln in lines:
        for m in _DATE.finditer(ln.text):
            if parse_as(m.group(0), "date") is not None:
                return Found("doc_date", m.group(0), ln.ref, (ln.page, ln.top))
    return None


def first_number(lines: list[TextLine]) -> Found | None:
    for ln in lines:
        m = _NUMBER.search(ln.text)
        if m:
            return Found("number", m.group(1), ln.ref, (ln.page, ln.top))
    return None


# ---------------------------------------------------------------- totals

def _looks_like_money(token: str) -> bool:
    """¥1,000.00, 1000元, 12.8万, 1,000, 99.5 — not a bare count or an ID like 29670869006."""
    return bool(re.search(r"[¥￥$€元圆万]|RMB|CNY|人民币|\d[,，]\d{3}|\.\d{1,2}$", token.strip()))


def _classify(rule: Rule, label: str, *, exact: bool = False) -> str | None:
    """The totals field a label names; `exact`: the whole label must match (for bare integers)."""
    raw = label
    n = norm(_PAREN.sub("", label))
    n = re.sub(r"[^\w%]", "", n)
    if "小写" in raw:
        return "total"
    if not n:
        return None
    best, best_len = None, 0
    for key in (*TOTAL_KEYS, RATE_KEY):
        for lab in labels_of(rule, key):
            if (n == lab or (not exact and n.startswith(lab))) and len(lab) > best_len:
                best, best_len = key, len(lab)
    if best is None and any(n == a or (not exact and n.startswith(a)) for a in AMBIGUOUS):
        return "ambiguous"
    return best


def _capital_run(text: str) -> re.Match[str] | None:
    for m in _CAPITAL_RUN.finditer(text):
        run = m.group(0)
        if any(u in run for u in "元圆角分") and sum(ch in CAPITAL_CHARS for ch in run) == len(run):
            return m
    return None


def text_totals(rule: Rule, text: str, ref: CellRef, order: tuple[int, float]) -> list[Found]:
    """Figures named in one line: `小计：¥1.00  税额（6%）：¥0.06`, `价税合计（大写）…（小写）¥…`."""
    out: list[Found] = []
    cap = _capital_run(text)
    if cap and ("大写" in text or cap.group(0)[-1] in "整正角分"):
        out.append(Found(CAPITAL_KEY, cap.group(0), ref, order))
        text = text[:cap.start()] + " " * len(cap.group(0)) + text[cap.end():]
    start = 0
    # A rate printed as a value of its own (`税率：6%    税额：¥5,100.00`) ends the label before the
    # next figure; one in brackets (`税额（6%）：`) is part of that label.
    rates = [m.end() for m in PERCENT_IN_TEXT.finditer(text) if not re.match(r"\s*[)）]", text[m.end():])]
    for m in MONEY_IN_TEXT.finditer(text):
        start = max([start, *(e for e in rates if e <= m.start())])
        label = text[start:m.start()]
        if not re.search(r"[^\d\s,.¥￥$]", label):
            continue  # a figure without a label of its own
        key = _classify(rule, label, exact=not _looks_like_money(m.group("money")))
        if key is None:
            continue  # not a figure we want (a date, a phone number…): its label carries on
        start = m.end()
        out.append(Found(key, m.group("money").strip(), ref, order))
        pct = PERCENT_IN_TEXT.search(label)
        if key == "tax" and pct:
            out.append(Found(RATE_KEY, pct.group(0), ref, order))
    for m in PERCENT_IN_TEXT.finditer(text):  # 税率：6%
        label = text[:m.start()].rstrip().rsplit(" ", 1)[-1]
        if _classify(rule, label) == RATE_KEY:
            out.append(Found(RATE_KEY, m.group(0), ref, order))
    return out


def table_totals(rule: Rule, cells: list[TotalCell]) -> list[Found]:
    """Figures of the table's 合计 row: the amount column and the tax column."""
    out = []
    with_tax = {(c.page, c.top) for c in cells if c.column == "tax"}
    for c in cells:
        order = (c.page, c.top)
        if c.column == "tax":
            out.append(Found("tax", c.raw, c.ref, order))
        elif c.column == "amount":
            key = _classify(rule, c.label) or "ambiguous"
            out.append(Found(key, c.raw, c.ref, order, in_table_with_tax=order in with_tax))
    return out


def settle(found: list[Found]) -> dict[str, Found]:
    """First figure per key; each ambiguous 合计 becomes the subtotal or the total.

    - a 合计 row with a tax column beside it (invoices) is the amount before tax;
    - next to a stated total (价税合计/总计) it is the subtotal, next to a stated
      小计 the total;
    - otherwise it is the total when a tax line comes before it, the subtotal when
      one follows, and both when the document states no tax at all.
    """
    out: dict[str, Found] = {}
    for f in sorted(found, key=lambda f: f.order):
        if f.key != "ambiguous":
            out.setdefault(f.key, f)
    taxes = [f for f in found if f.key == "tax"]
    for f in sorted((f for f in found if f.key == "ambiguous"), key=lambda f: f.order):
        has_sub, has_total = "subtotal" in out, "total" in out
        if f.in_table_with_tax:
            keys = [] if has_sub else ["subtotal"]
        elif has_sub and not has_total:
            keys = ["total"]
        elif has_total and not has_sub:
            keys = ["subtotal"]
        elif not has_sub and not has_total:
            if any(t.order < f.order for t in taxes):
                keys = ["total"]
            elif taxes:
                keys = ["subtotal"]
            else:
                keys = ["subtotal", "total"]
        else:
            keys = []
        for key in keys:
            out[key] = Found(key, f.raw, f.ref, f.order)
    return out


def to_value(rule: Rule, f: Found) -> Value:
    spec = rule.field(f.key)
    type_ = spec.type if spec else "text"
    return cell_value(f.key, f.raw, type_, f.ref)
