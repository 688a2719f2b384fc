"""The webhook: one POST per result, in one of three shapes (`notify: {format: …}`).

- `json`: {"status", "input", "client", "doc_type", "reason", "outputs"} (+ "errors",
  "warnings", "id"), with the header `X-Automator-Delivery` for receivers that deduplicate;
- `wecom`: a 企业微信群机器人 markdown message;
- `dingtalk`: a 钉钉自定义机器人 markdown message; with AUTOMATOR_DINGTALK_SECRET set, the
  request is signed (timestamp + HMAC-SHA256), as the robot's 加签 security setting wants.

A 2xx answer is success — for the robots only with `errcode` 0 in the answer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from automator.deliver.smtp import SendError
from automator.outcome import STATUS_MARK, STATUS_ZH

DOC_ZH = {"contact_report": "客户会议报告", "agenda": "会议议程", "creative_brief": "创意简报",
          "media_brief": "媒介简报", "invoice": "发票", "quote": "报价单", "workbook": "通用表格"}
SECRET = "AUTOMATOR_DINGTALK_SECRET"


def _md(text: Any) -> str:
    """A value inside a robot's markdown: one line, no markup characters that would restyle it."""
    line = " ".join(str(text or "").split())
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in line)[:300]


def markdown(payload: dict[str, Any]) -> tuple[str, str]:
    status = payload["status"]
    title = f"{STATUS_MARK.get(status, '')} {STATUS_ZH.get(status, status)}：{_md(payload['input'])}"
    lines = [f"### {title}", f"> 类型：{_md(DOC_ZH.get(payload.get('doc_type') or '', payload.get('doc_type') or '—'))}",
             f"> 客户：{_md(payload.get('client') or '—')}"]
    if payload.get("reason"):
        lines.append(f"> 原因：{_md(payload['reason'])}")
    if payload.get("errors"):
        lines.append(f"> 错误 {payload['errors']} 项，提醒 {payload.get('warnings', 0)} 项")
    lines += [f"- {_md(o)}" for o in payload.get("outputs", [])[:6]]
    return title, "\n".join(lines)


def body(fmt: str, payload: dict[str, Any]) -> dict[str, Any]:
    if fmt == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": markdown(payload)[1]}}
    if fmt == "dingtalk":
        title, text = markdown(payload)
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    return payload


def _signed(url: str) -> str:
    secret = os.environ.get(SECRET)
    if not secret:
        return url
    stamp = str(int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={stamp}&sign={sign}"


def post(url: str, fmt: str, payload: dict[str, Any], *, delivery_id: str, timeout: float = 15.0) -> None:
    """POST once; raises SendError (transient unless the receiver refused the request as bad)."""
    data = json.dumps(body(fmt, payload), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(_signed(url) if fmt == "dingtalk" else url, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "User-Agent": "automator", "X-Automator-Delivery": delivery_id})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - http(s) only, checked in config
            text = answer.read(65536).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        raise SendError(f"通知地址回答 {exc.code} {exc.reason}", transient=exc.code >= 500 or exc.code == 429) from exc
    except (OSError, ValueError) as exc:
        raise SendError(f"无法连接通知地址：{exc}", transient=True) from exc
    if fmt in ("wecom", "dingtalk"):
        try:
            errcode = json.loads(text).get("errcode", 0)
        except (ValueError, AttributeError):
            errcode = 0
        if errcode:
            raise SendError(f"机器人拒绝了消息：{text[:200]}", transient=False)
