"""The one thing every lint check returns: a problem, placed where a Word user can find it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LintProblem:
    where: str        # 第12段 / 表格2 第3行第1列 / 页眉 / 文件
    tag: str          # the offending tag or text, "" when none
    message: str      # what is wrong and what to do, in Chinese
    severity: str = "error"   # "warning": the template still renders correctly

    def __str__(self) -> str:
        tag = f"「{self.tag}」" if self.tag else ""
        return f"{self.where}{tag}：{self.message}"
