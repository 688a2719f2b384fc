"""Which Chinese fonts LibreOffice draws with, written into a fresh profile before soffice
first reads it. Standard library only: the UNO helper (outside our virtualenv) imports it too."""

from __future__ import annotations

import subprocess
from pathlib import Path

# Templates ask for Windows' Chinese fonts. Where one is missing and a Simplified Chinese
# Noto face is there, use it: LibreOffice's own fallback draws 宋体 with a sans face (and
# its "only when missing" switch takes fontconfig's stand-in for the real font).
SUBSTITUTES = {"宋体": "Noto Serif CJK SC", "SimSun": "Noto Serif CJK SC", "新宋体": "Noto Serif CJK SC",
               "仿宋": "Noto Serif CJK SC", "FangSong": "Noto Serif CJK SC", "楷体": "Noto Serif CJK SC",
               "黑体": "Noto Sans CJK SC", "SimHei": "Noto Sans CJK SC", "微软雅黑": "Noto Sans CJK SC",
               "Microsoft YaHei": "Noto Sans CJK SC", "等线": "Noto Sans CJK SC", "DengXian": "Noto Sans CJK SC",
               "PingFang SC": "Noto Sans CJK SC"}


def families() -> set[str]:
    """Every font family fontconfig knows, by each of its names (empty where there is no fontconfig)."""
    try:
        done = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return set()
    return {name.strip() for line in done.stdout.splitlines() for name in line.split(",") if name.strip()}


def seed_profile(profile: Path) -> None:
    """The font replacement table, written before soffice first reads the profile."""
    def esc(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")

    have = families()
    chosen = {a: b for a, b in SUBSTITUTES.items() if a not in have and b in have}
    pairs = "".join(
        f'<node oor:name="_{n}" oor:op="replace">'
        '<prop oor:name="Always" oor:op="fuse"><value>true</value></prop>'
        '<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>'
        f'<prop oor:name="ReplaceFont" oor:op="fuse"><value>{esc(a)}</value></prop>'
        f'<prop oor:name="SubstituteFont" oor:op="fuse"><value>{esc(b)}</value></prop></node>'
        for n, (a, b) in enumerate(chosen.items()))
    xcu = ('<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
           'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
           '<item oor:path="/org.openoffice.Office.Common/Font/Substitution">'
           '<prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>'
           f'<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">{pairs}</item>'
           '</oor:items>\n')
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(xcu, encoding="utf-8")
