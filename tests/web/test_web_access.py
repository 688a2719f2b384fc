"""Safe by default: loopback only without access control; users with scrypt hashes and a signed,
Secure session cookie; CSRF on the forms; a proxy's user header believed only from the proxy."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from automator.cli import main
from automator.settings import Settings
from automator.web.access import SECRET_ENV, Access, access_for, hash_password, is_loopback, verify_password

from conftest import run_cli
from .conftest import app_client

SECRET = "s" * 40
FAST = "scrypt$16$8$1$AAAAAAAAAAAAAAAAAAAAAA==$"  # a valid-looking prefix; the tests make real hashes below


def test_password_hashes_are_salted_scrypt_and_verify() -> None:
    first, second = hash_password("春天的密码 2026"), hash_password("春天的密码 2026")
    assert first.startswith("scrypt$16384$8$1$") and first != second   # salted: never the same twice
    assert verify_password("春天的密码 2026", first) and verify_password("春天的密码 2026", second)
    assert not verify_password("春天的密码 2025", first)
    for broken in ["", "plain", "md5$x", FAST, "scrypt$1073741824$8$1$AAAA$AAAA", first[:-4] + "!!!!"]:
        assert not verify_password("x", broken), broken  # never raises; a doctored n is not tried


def test_hash_password_command_prints_a_hash_that_verifies() -> None:
    result = CliRunner().invoke(main, ["serve", "--hash-password"], input="correct horse\ncorrect horse\n")
    assert result.exit_code == 0, result.output
    [line] = [x for x in result.stdout.splitlines() if x.startswith("scrypt$")]
    assert verify_password("correct horse", line)
    short = CliRunner().invoke(main, ["serve", "--hash-password"], input="short\nshort\n")
    assert short.exit_code == 2 and "至少要 8 个字符" in short.output


def test_loopback_names() -> None:
    assert all(is_loopback(h) for h in ["127.0.0.1", "127.0.0.9", "::1", "[::1]", "localhost", "LOCALHOST"])
    assert not any(is_loopback(h) for h in ["0.0.0.0", "::", "192.168.1.20", "example.com", "localhost.evil.com"])


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.com"])
def test_serve_refuses_a_public_address_without_access_control(root: Path, host: str) -> None:
    code, out = run_cli("serve", "--host", host, "--port", "1", root=root)
    assert code == 2
    assert f"拒绝在 {host} 上提供网页：没有配置访问控制" in out and "automator serve --hash-password" in out


def _users(root: Path, name: str = "李娜", password: str = "correct horse") -> None:
    (root / "automator.yaml").write_text(
        f'web:\n  users:\n    - {{name: {name}, password_hash: "{hash_password(password)}"}}\n', "utf-8")


def test_users_need_the_session_secret(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _users(root)
    monkeypatch.delenv(SECRET_ENV, raising=False)
    code, out = run_cli("serve", "--host", "0.0.0.0", "--port", "1", root=root)
    assert code == 2 and SECRET_ENV in out
    monkeypatch.setenv(SECRET_ENV, "too-short")
    assert run_cli("serve", "--port", "1", root=root)[0] == 2
    monkeypatch.setenv(SECRET_ENV, SECRET)
    access = access_for(Settings.from_root(root), "0.0.0.0")  # now it may bind publicly
    assert access.enabled and list(access.users) == ["李娜"]


def test_a_broken_hash_or_header_name_in_the_settings_is_named(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    (root / "automator.yaml").write_text('web: {users: [{name: 王磊, password_hash: "123456"}]}\n', "utf-8")
    code, out = run_cli("serve", "--port", "1", root=root)
    assert code == 2 and "王磊 的 password_hash 不是有效的 scrypt 哈希" in out
    (root / "automator.yaml").write_text('web: {user_header: "X-User: admin", trusted_proxies: 5}\n', "utf-8")
    code, out = run_cli("serve", "--port", "1", root=root)
    assert code == 2
    where = root / "automator.yaml"
    assert (f"{where}:1: web.user_header: user_header must be a header name such as X-Remote-User "
            f"(got 'X-User: admin')") in out
    assert f"{where}:1: web.trusted_proxies: Input should be a valid tuple (got 5)" in out


def _login_client(site: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    hashed = hash_password("correct horse")
    access = Access(users={"李娜": hashed}, secret=SECRET)
    return app_client(site, access, base_url="https://docs.example.com", follow_redirects=False, **kwargs)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def test_login_flow_with_csrf_and_a_secure_cookie(site: Path) -> None:
    client = _login_client(site)
    first = client.get("/search?q=金麦")
    assert first.status_code == 303 and first.headers["location"] == "/login?next=" + quote("/search?q=" + quote("金麦"), safe="")
    assert client.get("/api/overview").status_code == 401
    assert client.get("/files/" + quote("金麦食品有限公司/2026")).status_code == 303
    assert client.get("/healthz").status_code == 200 and client.get("/static/app.css").status_code == 200
    page = client.get("/login?next=/history")
    cookie = page.headers["set-cookie"]
    assert "secure" in cookie.lower() and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    token = _csrf(page.text)
    form = {"name": "李娜", "password": "correct horse", "next": "/history"}
    assert client.post("/login", data=form).status_code == 403  # no token
    assert client.post("/login", data={**form, "csrf": "forged"}).status_code == 403
    wrong = client.post("/login", data={**form, "csrf": token, "password": "wrong horse"})
    assert wrong.status_code == 400 and "用户名或密码不正确" in wrong.text
    nobody = client.post("/login", data={**form, "csrf": token, "name": "张三"})
    assert nobody.status_code == 400 and "用户名或密码不正确" in nobody.text  # the same answer for an unknown name
    ok = client.post("/login", data={**form, "csrf": token})
    assert ok.status_code == 303 and ok.headers["location"] == "/history"
    home = client.get("/")
    assert home.status_code == 200 and "李娜" in home.text and client.get("/api/overview").status_code == 200
    new_token = _csrf(home.text)
    assert new_token != token  # a fresh session after signing in
    assert client.post("/logout", data={"csrf": token}).status_code == 303
    assert client.get("/").status_code == 200  # the old token does not sign anyone out
    assert client.post("/logout", data={"csrf": new_token}).headers["location"] == "/login"
    assert client.get("/").status_code == 303


def test_login_refuses_other_origins_and_foreign_next_targets(site: Path) -> None:
    client = _login_client(site)
    token = _csrf(client.get("/login").text)
    form = {"name": "李娜", "password": "correct horse", "csrf": token}
    assert client.post("/login", data=form, headers={"origin": "https://evil.example"}).status_code == 403
    for target in ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]:
        client.cookies.clear()
        token = _csrf(client.get("/login").text)
        response = client.post("/login", data={**form, "csrf": token, "next": target},
                               headers={"origin": "https://docs.example.com"})
        assert response.status_code == 303 and response.headers["location"] == "/", target


def test_a_session_for_a_removed_user_is_no_session(site: Path) -> None:
    client = _login_client(site)
    token = _csrf(client.get("/login").text)
    client.post("/login", data={"name": "李娜", "password": "correct horse", "csrf": token})
    assert client.get("/").status_code == 200
    cookies = dict(client.cookies)
    other = app_client(site, Access(users={"王磊": hash_password("x" * 8)}, secret=SECRET),
                       base_url="https://docs.example.com", follow_redirects=False, cookies=cookies)
    assert other.get("/").status_code == 303


def test_the_proxy_header_is_believed_only_from_the_proxy(site: Path) -> None:
    access = Access(header="X-Remote-User", proxies=("127.0.0.1",))
    proxy = app_client(site, access, client=("127.0.0.1", 40000), follow_redirects=False)
    assert proxy.get("/", headers={"X-Remote-User": "王磊".encode()}).status_code == 200
    assert "王磊" in proxy.get("/", headers={"X-Remote-User": "王磊".encode()}).text
    assert proxy.get("/").status_code == 401                   # the proxy did not sign anyone in
    direct = app_client(site, access, client=("192.168.1.50", 40000), follow_redirects=False)
    assert direct.get("/", headers={"X-Remote-User": "王磊".encode()}).status_code == 401  # forged, not from the proxy


@pytest.mark.slow
def test_the_real_command_refuses_to_bind_publicly(root: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "automator", "serve", "--root", str(root), "--host", "0.0.0.0"],
                          capture_output=True, text=True, timeout=60, encoding="utf-8")
    assert proc.returncode == 2 and "拒绝在 0.0.0.0 上提供网页" in proc.stderr and "Traceback" not in proc.stderr


def test_repeated_wrong_passwords_lock_sign_in_for_a_while(site: Path) -> None:
    """Five failures lock the address and the name — the right password included — until the lock
    runs out; it doubles when guessing goes on; a success clears the count."""
    from automator.web.throttle import FIRST_LOCK, LIMIT, Throttle

    now = [1000.0]
    client = _login_client(site)
    client.app.state.throttle = Throttle(clock=lambda: now[0])
    token = _csrf(client.get("/login").text)
    form = {"name": "李娜", "password": "wrong", "next": "/", "csrf": token}
    for _ in range(LIMIT):
        assert client.post("/login", data=form).status_code == 400
    locked = client.post("/login", data={**form, "password": "correct horse"})
    assert locked.status_code == 429 and "登录失败次数过多" in locked.text
    now[0] += FIRST_LOCK + 1
    assert client.post("/login", data={**form, "password": "correct horse"}).status_code == 303
    guess = Throttle(clock=lambda: now[0])
    for _ in range(2 * LIMIT):
        guess.failed("ip:x")
    assert FIRST_LOCK < guess.wait("ip:x") <= 2 * FIRST_LOCK  # the second lock is twice as long
