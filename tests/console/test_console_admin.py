"""The console as an admin sees it, in headless Chromium against the real
yizhen-server: sign-in refused and accepted, the dashboard and its chart,
an enrollment code that a real laptop then uses, revoking that laptop, a
quarantined change applied again, accounts added and disabled, the audit,
the English switch, sign-out; and the security around it: headers, the
cookie, the session kept only as a hash, CSRF and Origin refusals that
change nothing."""

import hashlib
import os
import re
import sqlite3
import sys
import time

from console_fixture import Browser, Device, Failures, Server, in_background, seed_area, temp_dir


def cli_words(text):
    """What a command line's message says and a web page must not: a flag, a
    verb of yizhen-server admin."""
    return re.search(r"--[a-z]|\badmin [a-z]|set-area", text)


SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sync", "server")
# Codes no request of the console meets: a device's enrollment and sync,
# the places and migration commands, the server's start; and the two the
# console's shell says itself (app.js fail).
NOT_THE_CONSOLES = {
    "bad_code", "bad_device_id", "bad_public_key", "unknown_device", "batch_conflict", "device_exists", "key_exists",
    "bad_entity", "unknown_place", "already_reconciled", "level_mismatch", "not_empty", "unknown_table",
    "copy_differs", "schema_behind", "schema_newer", "forbidden", "unauthenticated"}


def server_codes():
    """The problem codes the server's store and console API send."""
    codes = set()
    for name in os.listdir(SERVER):
        if name.endswith((".cpp", ".h")):
            with open(os.path.join(SERVER, name), encoding="utf-8") as f:
                text = f.read()
            codes |= set(re.findall(r'CentralError\(\d+, "([a-z_]+)"', text))
            codes |= set(re.findall(r'send_problem\(res, \d+, "([a-z_]+)"', text))
    return codes


F = Failures()
check = F.check
tmp = temp_dir("admin")
s = Server(tmp)
s.account("管理员", "admin")
s.start()
browser = None
try:
    seeded = in_background(seed_area, s, "拉萨队", "540102", "540102001001", "540102", "a")
    browser = Browser(s, tmp + "/shots")
    seed = seeded()
    quarantined = s.admin_json("quarantine")
    check(len(quarantined) == 1, "one change quarantined outside the area: %s" % quarantined)

    # Headers and assets, as any browser gets them.
    status, body, headers, _ = s.request("GET", "/")
    check(status == 200 and headers.get("Content-Type", "").startswith("text/html"), "/ is the page")
    csp = headers.get("Content-Security-Policy", "")
    check("default-src 'self'" in csp and "frame-ancestors 'none'" in csp, "CSP: " + csp)
    check(headers.get("X-Content-Type-Options") == "nosniff", "nosniff")
    for path, kind in (("/console/app.js", "text/javascript"), ("/console/style.css", "text/css"),
                       ("/console/vendor/chart.js", "text/javascript"), ("/console/pages/dashboard.js", "text/javascript")):
        status, _, headers, _ = s.request("GET", path)
        check(status == 200 and headers.get("Content-Type", "").startswith(kind), "%s served as %s" % (path, kind))
    check(s.request("GET", "/console/nothing.js")[0] == 404, "an unknown asset is 404")
    check(s.request("GET", "/api/v1/console/dashboard")[0] == 401, "the API needs a session")

    b = browser
    b.open()
    # A wrong password: refused, said without saying which part was wrong.
    b.login("管理员", "not the password")
    b.wait_text("#msg", "账号或密码不对")
    check(b.finds("#login-form"), "still on the sign-in form")
    b.shot("login-refused")
    b.login("管理员")
    b.wait("#page-dashboard")
    check(not b.finds("#login-form"), "signed in")
    refused = [r for r in s.admin_json("audit", "list") if r["actor"] == "console"]
    check(refused and refused[0]["detail"]["status"] == 401 and refused[0]["detail"]["address"] == "127.0.0.1",
          "the refused sign-in is audited with the address: %s" % refused[:1])

    # Dashboard: the store's counts, both laptops, the chart drawn.
    b.wait("#stats")
    check(b.find("[data-stat=stat_devices] .n").text == "2", "two devices counted")
    rows = b.finds("#devices tbody tr")
    check(len(rows) == 2 and "拉萨队" in rows[0].text, "both laptops listed")
    check(b.driver.execute_script("return !!Chart.getChart(document.getElementById('arrivals-chart'))"),
          "the arrivals chart is drawn")
    b.shot("dashboard")

    # Teams: a code for a new team, which a real laptop enrolls with.
    b.page("teams")
    b.type("#enroll-team", "日喀则队")
    b.type("#enroll-area", "540202")
    b.type("#enroll-days", "3")
    b.click("#enroll-submit")
    code = b.wait("#enroll-code").text
    teams = {t["name"]: t for t in s.admin_json("teams")}
    check("日喀则队" in teams and teams["日喀则队"]["area"] == "540202", "the team was made: %s" % teams)
    b.shot("teams-code")
    laptop = Device(s, "c1", code)
    devices = {d["name"]: d for d in s.admin_json("devices")}
    check("c1" in devices and devices["c1"]["team"] == "日喀则队", "the code enrolled the laptop")
    # Revoke it.
    b.driver.refresh()
    b.wait("#page-teams")
    b.click("[data-revoke='%s']" % devices["c1"]["device_id"])
    b.wait_gone("[data-revoke='%s']" % devices["c1"]["device_id"])
    devices = {d["name"]: d for d in s.admin_json("devices")}
    check(devices["c1"]["revoked_at"] is not None, "c1 revoked in the store")
    check(devices["a1"]["revoked_at"] is None, "a1 untouched")
    check(laptop.ctl("sync", ok=(0, 1, 2, 3, 4, 5, 6)).returncode != 0, "the revoked laptop is refused")
    # An enrollment code with a bad area: the store's message, nothing made.
    b.type("#enroll-team", "错误队")
    b.type("#enroll-area", "99")
    b.click("#enroll-submit")
    b.wait_text("#msg", "地区编码不对")
    check("area" not in b.message(), "a bad area is said in Chinese: %s" % b.message())
    check("错误队" not in {t["name"] for t in s.admin_json("teams")}, "no team with a bad area")
    # A new team without an area, and a code for a team under another area:
    # refused in the console's words, not by a code or the command line's.
    b.type("#enroll-team", "新队")
    b.type("#enroll-area", "")
    b.click("#enroll-submit")
    b.wait_text("#msg", "请填写地区编码")
    check(not cli_words(b.message()) and "area" not in b.message(), "a missing area is said in Chinese: %s" % b.message())
    b.type("#enroll-team", "拉萨队")
    b.type("#enroll-area", "540202")
    b.click("#enroll-submit")
    b.wait_text("#msg", "这个队伍已有另一个地区")
    check("area_differs" not in b.message() and "area" not in b.message() and "填这个队伍的地区" in b.message()
          and not cli_words(b.message()),
          "another area for a team is said in Chinese: %s" % b.message())
    b.shot("teams-area-differs")

    # Quarantine: after the team's area is widened, the change applies.
    s.admin("team", "set-area", "拉萨队", "5401")
    b.page("quarantine")
    qid = quarantined[0]["quarantine_id"]
    why = b.find("[data-reason-text='%d']" % qid).text
    check(why.startswith("地区：") and "(area)" not in why, "the reason is said with the field's name only: %s" % why)
    b.click("[data-content='%d'] summary" % qid)
    check("达瓦" in b.find("[data-content='%d'] pre" % qid).text, "the refused content is shown")
    b.shot("quarantine")
    b.click("[data-retry='%d']" % qid)
    b.wait("#no-quarantine")
    check(s.admin_json("quarantine") == [], "the row closed in the store")

    # Accounts: a weak password refused; a coordinator added, then disabled.
    b.page("accounts")
    b.type("#account-name", "县协调员")
    b.find("#account-role option[value=coordinator]").click()
    b.type("#account-area", "540102")
    b.type("#account-password", "short")
    b.click("#account-submit")
    b.wait_text("#msg", "密码太短")
    check("password" not in b.message(), "a weak password is said in Chinese: %s" % b.message())
    check("县协调员" not in {a["name"] for a in s.admin_json("account", "list")}, "weak password: no account")
    b.type("#account-password", "a long enough password")
    b.click("#account-submit")
    b.wait("[data-disable='县协调员']")
    accounts = {a["name"]: a for a in s.admin_json("account", "list")}
    check(accounts.get("县协调员", {}).get("role") == "coordinator" and accounts["县协调员"]["area"] == "540102",
          "coordinator stored: %s" % accounts)
    b.shot("accounts")
    b.click("[data-disable='县协调员']")
    b.wait_gone("[data-disable='县协调员']")
    accounts = {a["name"]: a for a in s.admin_json("account", "list")}
    check(accounts["县协调员"]["disabled_at"] is not None, "the coordinator is disabled in the store")
    check(s.request("POST", "/api/v1/console/login", {"name": "县协调员", "password": "a long enough password"})[0] == 401,
          "a disabled account cannot sign in")
    check(not b.finds("[data-disable='管理员']"), "no button to disable oneself")

    # Audit: the console's own rows, with account and address.
    b.page("audit")
    text = b.find("#audit").text
    done = [c.text for c in b.finds("#audit tbody td:nth-child(3)")]
    check("console:管理员" in text and "停用设备" in done and "添加账号" in done and "登录" in done
          and not {"revoke", "add_account", "update", "create"} & set(done),
          "audit page shows console actions in Chinese: %s" % sorted(set(done)))
    # A refused action says so in words, its HTTP status nowhere in the column.
    check("添加账号（被拒绝）" in done, "a refused action says so: %s" % sorted(set(done)))
    check(b.finds("#audit [data-refused]") and not [d for d in done if re.search(r"\b[1-5]\d\d\b", d)],
          "no status number in the action column: %s" % [d for d in done if re.search(r"\d", d)][:5])
    about = {c.text for c in b.finds("#audit tbody td:nth-child(4)")}
    check({"设备", "账号", "登录会话"} <= about and not {"device", "account", "console_session"} & about,
          "what each row is about in Chinese: %s" % sorted(about))
    # The record a row is about as a person knows it, the detail in words.
    revoked = [tr for tr in b.finds("#audit tbody tr") if tr.find_element("css selector", "td:nth-child(3)").text == "停用设备"]
    check(revoked and revoked[0].find_element("css selector", "td:nth-child(5)").text.startswith("c1"),
          "the revoked laptop by its name: %s" % [tr.text for tr in revoked[:1]])
    details = [c.text for c in b.finds("#audit tbody td:nth-child(6)")]
    check(not any("{" in d for d in details) and any("地址：127.0.0.1" in d for d in details)
          and any("角色：协调员" in d for d in details),
          "each detail item labelled, no JSON: %s" % details[:5])
    # A refusal's problem in words; a device and a team by their names (the id on hover).
    # A device's batch by its number, its id on hover.
    batches = [tr for tr in b.finds("#audit tbody tr") if tr.find_element("css selector", "td:nth-child(4)").text == "数据批次"]
    check(batches and all(tr.find_element("css selector", "td:nth-child(5)").text.startswith("第 ")
                          and tr.find_element("css selector", "td:nth-child(5) span").get_attribute("title")
                          for tr in batches),
          "each batch by its number: %s" % [tr.text for tr in batches[:2]])
    # The 3-day code's validity in days, not milliseconds.
    check(any("有效期：3 天" in d for d in details) and not any("259200000" in d for d in details),
          "the code's validity in days: %s" % [d for d in details if "有效" in d][:3])
    check(any("问题：密码太短" in d for d in details) and not any("weak_password" in d for d in details),
          "the refused account's problem in words: %s" % [d for d in details if "问题" in d][:3])
    refused_login = [tr for tr in b.finds("#audit tbody tr")
                     if tr.find_element("css selector", "td:nth-child(3)").text == "登录（被拒绝）"]
    check(refused_login and "问题：账号或密码不对" in refused_login[0].find_element("css selector", "td:nth-child(6)").text,
          "a refused sign-in says why: %s" % [tr.text for tr in refused_login[:1]])
    ids = {d["device_id"]: d["name"] for d in s.admin_json("devices")}
    ids.update({t["team_id"]: t["name"] for t in s.admin_json("teams")})
    check(not any(i in d for i in ids for d in details), "no device or team shown by its id")
    named = {(e.get_attribute("title"), e.text) for e in b.finds("#audit [data-named]")}
    a1, c1, shigatse = devices["a1"]["device_id"], devices["c1"]["device_id"], teams["日喀则队"]["team_id"]
    check((a1, "设备：a1") in named and (shigatse, "队伍：日喀则队") in named,
          "the retried change's device and c1's team by name, the id on hover: %s" % sorted(named)[:6])
    actors = {(e.get_attribute("title"), e.text) for e in b.finds("#audit [data-actor]")}
    check(("device:" + c1, "设备 c1") in actors, "a device's own row by its name: %s" % sorted(actors)[:4])
    b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", b.find("#audit [data-named=team_id]"))
    b.shot("audit-names")
    rows = [r for r in s.admin_json("audit", "list", "--limit", "500") if r["actor"] == "console:管理员"]
    verbs = {r["detail"]["verb"] for r in rows}
    check({"login", "enroll_code", "revoke", "retry", "add_account", "disable_account"} <= verbs, "audited: %s" % verbs)
    check(all(r["detail"]["address"] == "127.0.0.1" for r in rows), "every console row has the address")
    check("long enough" not in str(rows) and "short" not in str(rows), "no password in the audit")
    enroll_rows = [r for r in rows if r["detail"]["verb"] == "enroll_code"]
    check(enroll_rows and code not in str(enroll_rows), "the enrollment code itself is not audited")

    # English, and back.
    b.shot("audit")
    b.click("#lang")
    b.wait_text("#nav-dashboard", "Dashboard")
    b.wait_text("#audit", "Device revoked")
    en = b.find("#audit").text
    check("problem: The password is too short" in en and "team: 日喀则队" in en and "device a1" in en
          and "valid for: 3 days" in en,
          "the audit's problem, team, device and a code's validity in English")
    done_en = [c.text for c in b.finds("#audit tbody td:nth-child(3)")]
    # A refused row reads naturally: the act refused ("Sign-in refused", not
    # "Signed in (refused)"), and every refused row has words of its own.
    refused_en = [e.text for e in b.finds("#audit [data-refused]")]
    check("Adding an account refused" in refused_en and "Sign-in refused" in refused_en
          and not [d for d in done_en if re.search(r"\b[1-5]\d\d\b", d)],
          "a refused action in English, without its status: %s" % sorted(set(done_en)))
    check(refused_en and not [d for d in refused_en if "(refused)" in d or d.startswith("Refused:")],
          "every refused row in English by its own words: %s" % sorted(set(refused_en)))
    b.shot("audit-en")
    # Refusals in English: the words, then the server's detail; never the code alone.
    b.page("accounts")
    b.type("#account-name", "second coordinator")
    b.find("#account-role option[value=coordinator]").click()
    b.type("#account-area", "540102")
    b.type("#account-password", "short")
    b.click("#account-submit")
    b.wait_text("#msg", "The password is too short")
    check("weak_password" not in b.message() and "密码" not in b.message(), "weak password in English: %s" % b.message())
    b.page("teams")
    b.type("#enroll-team", "Bad team")
    b.type("#enroll-area", "99")
    b.click("#enroll-submit")
    b.wait_text("#msg", "That is not an area code")
    check("bad_area" not in b.message() and "地区" not in b.message() and not cli_words(b.message()),
          "a bad area in English: %s" % b.message())
    b.shot("teams-bad-area-en")
    # The server's messages name the command line's flags and verbs ("a new
    # team needs --area", "change it with: admin team set-area"): the English
    # page says the console's own words instead.
    b.type("#enroll-team", "New team")
    b.type("#enroll-area", "")
    b.click("#enroll-submit")
    b.wait_text("#msg", "Give an area code")
    check(not cli_words(b.message()) and "地区" not in b.message(), "a missing area in English: %s" % b.message())
    b.type("#enroll-team", "拉萨队")
    b.type("#enroll-area", "540202")
    b.click("#enroll-submit")
    b.wait_text("#msg", "This team has another area")
    check(not cli_words(b.message()) and "area_differs" not in b.message(), "another area in English: %s" % b.message())
    b.shot("teams-area-differs-en")
    # Every problem the console's actions can receive has the console's words
    # in both languages (the server's codes but NOT_THE_CONSOLES).
    tables = b.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "import('/console/strings.js').then((m) => done(m.strings));")
    for code in sorted(server_codes() - NOT_THE_CONSOLES):
        check(all(("problem_" + code) in tables[lang] for lang in ("zh", "en")),
              "the console has words for %s in both languages" % code)
    # Every act the audit names has its refused words in English (its past
    # tenses do not take "refused"; Chinese says 添加账号（被拒绝）).
    acts = [k for k in tables["en"] if re.match(r"(audit|action)_", k) and not k.endswith("_refused")
            and not re.match(r"audit_(entity_|title$|batch_seq$)", k)]
    check(acts and not [k for k in acts if k + "_refused" not in tables["en"]],
          "each act's refused words in English: %s" % [k for k in acts if k + "_refused" not in tables["en"]])
    b.page("dashboard")
    b.wait("#stats")
    check("What arrived" in b.find("h1").text, "the dashboard in English")
    b.click("#lang")
    b.wait_text("#nav-dashboard", "概览")

    # On a phone.
    b.viewport(390, 844)
    b.page("dashboard")
    b.wait("#stats")
    b.shot("dashboard-phone")
    small = b.driver.execute_script(
        "return [...document.querySelectorAll('button, #nav a, input, select')]"
        ".filter(e => e.offsetParent && e.getBoundingClientRect().height < 44).map(e => e.outerHTML)")
    check(not small, "every control is at least 44 px high: %s" % small[:3])
    b.viewport(1366, 768)

    # The cookie, and the session kept only as a hash.
    status, body, headers, set_cookie = s.request("POST", "/api/v1/console/login", {"name": "管理员", "password": "correct horse battery"})
    check(status == 200 and "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie and "Path=/" in set_cookie,
          "cookie attributes: %s" % set_cookie)
    cookie = set_cookie.split(";")[0]
    token = cookie.split("=", 1)[1]
    db = sqlite3.connect("file:%s?mode=ro" % s.db, uri=True)
    keys = [k for (k,) in db.execute("SELECT key FROM srv_console_session")]
    db.close()
    check(token not in keys and hashlib.blake2b(token.encode(), digest_size=32).hexdigest() in keys,
          "the database holds the token's hash, never the token")
    csrf = body["csrf"]

    # CSRF: without the token, with another token, from another origin, or
    # as a form: refused, nothing changed.
    before = s.admin_json("account", "list")
    audit_before = len(s.admin_json("audit", "list", "--limit", "5000"))
    new = {"name": "攻击者", "role": "admin", "area": "", "password": "an attacker's password"}
    for what, args, want in (
            ("no token", dict(cookie=cookie), (403, "csrf")),
            ("another token", dict(cookie=cookie, csrf="0" * 64), (403, "csrf")),
            ("another origin", dict(cookie=cookie, csrf=csrf, origin="http://evil.example"), (403, "bad_origin")),
            ("a form", dict(cookie=cookie, csrf=csrf, content_type="application/x-www-form-urlencoded"),
             (415, "bad_content_type")),
            ("no session", dict(csrf=csrf), (401, "unauthenticated"))):
        status, answer, _, _ = s.request("POST", "/api/v1/console/accounts", new, **args)
        check((status, answer.get("code") if isinstance(answer, dict) else None) == want,
              "%s: %s %s" % (what, status, answer))
    check(s.admin_json("account", "list") == before, "the refused posts added no account")
    after = s.admin_json("audit", "list", "--limit", "5000")
    refusals = [r for r in after[:len(after) - audit_before]
                if r["actor"] == "console:管理员" and r["detail"].get("problem") in ("csrf", "bad_origin", "bad_content_type")]
    check(len(refusals) == 4, "each refused post is audited: %d" % len(refusals))
    status, _, _, _ = s.request("POST", "/api/v1/console/accounts",
                                {"name": "观察员", "role": "viewer", "area": "", "password": "a viewer's password"},
                                cookie=cookie, csrf=csrf, origin=s.url)
    check(status == 201, "the same post with the token and this origin is accepted")

    # Sign out: the session ends on the server.
    status, _, _, set_cookie = s.request("POST", "/api/v1/console/logout", {}, cookie=cookie, csrf=csrf)
    check(status == 200 and "Max-Age=0" in (set_cookie or ""), "logout clears the cookie")
    check(s.request("GET", "/api/v1/console/me", cookie=cookie)[0] == 401, "the old cookie opens nothing")
    b.click("#logout")
    b.wait("#login-form")
    check(b.driver.execute_script("return fetch('/api/v1/console/me').then(r => r.status)") == 401,
          "the browser's session ended too")
    b.shot("signed-out")
finally:
    if browser:
        browser.quit()
    s.stop()
F.exit()
