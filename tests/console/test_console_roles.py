"""Coordinators and viewers in headless Chromium against the real
yizhen-server, with two teams' laptops synced through yizhenctl: a county
coordinator sees and acts only on their area (a conflict resolved, a
quarantined change retried and discarded, a duplicate merged and the merge
undone; a patient found by pinyin initials and by 身份证, opened and their
phone corrected, which reaches the laptop at its next sync), and is refused
another area's rows through the API; a viewer reaches reports only and gets
403 on every patient endpoint; sign-ins lock after five failures.
With --pg, the same on a PostgreSQL central store (the ctest run's shared
cluster, YIZHEN_TEST_PG_FILE)."""

import csv
import io
import json
import os
import shutil
import sys
import zipfile

from console_fixture import (PASSWORD, Browser, Failures, Server, fresh_pg_database, id_number, in_background, seed_area,
                             temp_dir)

F = Failures()
check = F.check
ON_PG = "--pg" in sys.argv
tmp = temp_dir("roles-pg" if ON_PG else "roles")
s = Server(tmp, pg=fresh_pg_database() if ON_PG else None)
s.account("拉萨协调员", "coordinator", "540102")
s.account("查看者", "viewer")
s.start()
browser = None
try:
    # The two teams' laptops seed at once, while the browser starts.
    seed_a = in_background(seed_area, s, "拉萨队", "540102", "540102001001", "540102", "a")
    seed_m = in_background(seed_area, s, "墨竹工卡队", "540127", "540127100001", "540127", "m")
    browser = Browser(s, tmp + "/shots")
    a, m = seed_a(), seed_m()
    # Follow-ups from abnormal screenings: two in our area (one with a 身份证), one in theirs.
    a1, m1 = a["devices"][0], m["devices"][0]
    card = id_number("540102", "19700101", "011")
    pids = {}
    for name, village, sbp, dbp, card_no, dev in (("次仁", "540102001001", 185, 100, card, a1),
                                                    ("多吉", "540102001001", 150, 92, None, a1),
                                                    ("边巴", "540127100001", 170, 95, None, m1)):
        pids[name] = dev.patient(name, "M", village, id_no=card_no, age=60)
        dev.screen_bp(pids[name], sbp, dbp)
    a1.sync()
    m1.sync()
    conflicts = s.admin_json("conflicts")
    mine = [c for c in conflicts if c["id"] == a["conflict_patient"]]
    theirs = [c for c in conflicts if c["id"] == m["conflict_patient"]]
    check(len(mine) == 1 and len(theirs) == 1, "a conflict in each area: %s" % conflicts)
    quarantine = s.admin_json("quarantine")
    q_mine = [q for q in quarantine if q["id"] == a["outside"]]
    q_theirs = [q for q in quarantine if q["id"] == m["outside"]]
    check(len(q_mine) == 1 and len(q_theirs) == 1, "a quarantined change in each area: %s" % quarantine)
    pairs = s.admin_json("duplicates")
    p_theirs = [p for p in pairs if {p["a_id"], p["b_id"]} == set(m["dup"])]
    check(any({p["a_id"], p["b_id"]} == set(a["dup"]) for p in pairs) and p_theirs, "a duplicate pair in each area")

    b = browser
    b.open()
    b.login("拉萨协调员")
    b.wait("#page-dashboard")
    check(not b.finds("#stats"), "a coordinator sees no store-wide counts")
    rows = b.finds("#devices tbody tr")
    check(len(rows) == 2 and all("拉萨队" in r.text for r in rows), "only the area's laptops: %s" % [r.text for r in rows])
    menu = {e.get_attribute("id") for e in b.finds("#nav a")}
    check(menu == {"nav-dashboard", "nav-conflicts", "nav-quarantine", "nav-duplicates", "nav-patients", "nav-exports",
                   "nav-reports"}, "menu %s" % menu)
    b.shot("coordinator-dashboard")

    # Conflicts: only ours; resolved with a value and reason.
    b.page("conflicts")
    ids = {int(r.get_attribute("data-id")) for r in b.finds("#conflicts tbody tr")}
    check(ids == {mine[0]["conflict_id"]}, "only the area's conflict listed: %s" % ids)
    cid = mine[0]["conflict_id"]
    # The record as a person knows it (kind in words, the patient's name and
    # village), the field in words; no id, no code.
    shown = b.find("#conflicts tr[data-id='%d']" % cid).text
    check("患者：央金 · 540102001001" in shown and "电话" in shown and a["conflict_patient"] not in shown
          and "patient" not in shown and "phone" not in shown, "the conflict reads 患者：央金, 电话: %s" % shown)
    b.type("[data-value='%d']" % cid, "13600000004")
    b.type("[data-reason='%d']" % cid, "电话核实")
    b.shot("conflicts")
    b.click("[data-resolve='%d']" % cid)
    b.wait("#no-conflicts")
    left = s.admin_json("conflicts")
    check([c["conflict_id"] for c in left] == [theirs[0]["conflict_id"]], "ours closed, theirs open: %s" % left)
    a1.sync()
    shown = json.loads(a1.ctl("--json", "patient", "show", a["conflict_patient"]).stdout)
    check("13600000004" in json.dumps(shown), "the laptop took the chosen phone after its sync")

    # Quarantine: only ours; retry refused (still outside), then discarded.
    b.page("quarantine")
    ids = {int(r.get_attribute("data-id")) for r in b.finds("#quarantine tbody tr")}
    qid = q_mine[0]["quarantine_id"]
    check(ids == {qid}, "only the area's quarantined change: %s" % ids)
    shown = b.find("#quarantine tr[data-id='%d'] [data-record]" % qid).text
    check(shown.startswith("患者：达瓦 · %s99001001" % "5401") and a["outside"] not in shown,
          "the refused new patient reads 患者：达瓦 and its village: %s" % shown)
    device = b.find("#quarantine tr[data-id='%d'] [data-device]" % qid).text
    check(device == "a1", "the sending laptop by its name: %s" % device)
    b.shot("quarantine")
    reason = b.find("[data-reason-text='%d']" % qid).text
    check("不在本队的地区" in reason and "outside" not in reason, "the reason in Chinese on the Chinese page: %s" % reason)
    b.click("#lang")
    b.wait_text("[data-reason-text='%d']" % qid, "is outside the team's area")
    b.click("#lang")
    b.wait_text("[data-reason-text='%d']" % qid, "不在本队的地区")
    b.click("[data-content='%d'] summary" % qid)
    check("达瓦" in b.find("[data-content='%d'] pre" % qid).text, "its content is shown")
    b.click("[data-retry='%d']" % qid)
    # Still refused, and why, in Chinese only (the rule's own words).
    b.wait_text("#msg", "仍被拒绝")
    check("不在本队的地区" in b.message() and "outside" not in b.message() and "quarantine" not in b.message(),
          "a retry still refused is said in Chinese: %s" % b.message())
    check(b.finds("[data-retry='%d']" % qid), "still refused: the row stays")
    # All at once: ours only is tried (another area's is not), still refused.
    b.click("#retry-all")
    b.wait_text("#msg", "仍被拒绝 1 条")
    check(b.finds("[data-retry='%d']" % qid), "still refused after applying all again: the row stays")
    check(len(s.admin_json("quarantine")) == 2, "both rows open")
    # On a phone: every button and field of the row within the screen's 390 px.
    b.viewport(390, 844)
    b.open("#/quarantine")
    b.wait("[data-discard='%d']" % qid)
    right = b.driver.execute_script("return Math.max(...[...document.querySelectorAll('#quarantine button, "
                                    "#quarantine input')].map((e) => e.getBoundingClientRect().right))")
    check(right <= 390, "the quarantine's buttons on a 390 px phone end at %.0f px" % right)
    b.shot("quarantine-phone")
    b.viewport(1366, 768)
    b.open("#/quarantine")
    b.wait("[data-discard='%d']" % qid)
    b.type("[data-reason='%d']" % qid, "村庄不在本队范围")
    b.click("[data-discard='%d']" % qid)
    b.wait("#no-quarantine")
    left = s.admin_json("quarantine")
    check([q["quarantine_id"] for q in left] == [q_theirs[0]["quarantine_id"]], "ours discarded, theirs open: %s" % left)

    # Duplicates: ours merged (keep A) with a reason, then the merge undone.
    b.page("duplicates")
    keep, dup = a["dup"]
    row = "%s|%s" % (keep, dup) if b.finds("[data-reason='%s|%s']" % (keep, dup)) else "%s|%s" % (dup, keep)
    check(len(b.finds("#pairs tbody tr")) == 1, "only the area's pair")
    check("身份证号相同" in b.find("#pairs tbody tr").text, "the pair's reason in Chinese")
    b.type("[data-reason='%s']" % row, "同一身份证")
    b.shot("duplicates")
    b.click("[data-keep-a='%s']" % row.split("|")[0])
    b.wait("#merges")
    shown = b.find("#merges tbody tr").text
    check(shown.count("卓玛 · 540102001001") == 2 and keep not in shown and dup not in shown,
          "a merge's two patients by name and village, not ids: %s" % shown)
    b.shot("merges")
    merges = s.admin_json("merges")
    check(len(merges) == 1 and merges[0]["reason"] == "同一身份证" and {merges[0]["kept"], merges[0]["duplicate"]} == {keep, dup},
          "the merge stored: %s" % merges)
    mid = merges[0]["merge_id"]
    b.type("[data-undo-reason='%s']" % mid, "不是同一人")
    b.click("[data-undo='%s']" % mid)
    b.wait_gone("[data-undo='%s']" % mid)
    check(s.admin_json("merges")[0]["undone_at"] is not None, "the merge undone in the store")
    # Once the county's village list is imported, a village reads by its name.
    places = tmp + "/chengguan.csv"
    with open(places, "w", encoding="utf-8") as f:
        f.write("code,name,class\n540102000000,城关区,\n540102001000,八廓街道,\n540102001001,八廓社区居委会,111\n")
    s.admin("places", "import", places)
    b.page("dashboard")
    b.page("duplicates")
    b.wait_text("#merges", "卓玛 · 八廓社区居委会")

    # Exports: our area's follow-ups, 身份证 masked, as CSV and as a workbook.
    b.page("exports")
    check(b.find("#export-place").get_attribute("value") == "540102", "the place starts as the area")
    b.find("#export-format option[value=csv]").click()
    b.click("#export-submit")
    rows = list(csv.reader(io.StringIO(b.downloaded("follow-ups.csv").decode("utf-8-sig"))))
    names = {c for r in rows for c in r}
    check("次仁" in names and "多吉" in names and "边巴" not in names, "our follow-ups only: %s" % rows[1:])
    check(card not in str(rows) and (card[:6] in str(rows) and card[-4:] in str(rows)), "身份证 masked (first 6, last 4)")
    reference = os.path.join(tmp, "reference.csv")
    s.admin("export", "follow-ups", "--village", "540102", "--format", "csv", "--out", reference, "--mask-ids")
    with open(reference, encoding="utf-8-sig") as f:
        check(len(list(csv.reader(f))) == len(rows), "as many rows as admin export")
    b.wait_text("#msg", "2")
    b.find("#export-format option[value=xlsx]").click()
    b.click("#export-submit")
    book = zipfile.ZipFile(io.BytesIO(b.downloaded("follow-ups.xlsx")))
    sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
    strings = book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in book.namelist() else ""
    text = strings + "".join(book.read(n).decode() for n in sheets)
    check(len(sheets) == 1 and "次仁" in text and "多吉" in text and "边巴" not in text and card not in text,
          "a workbook, a sheet for the one township: %d sheets" % len(sheets))
    b.type("#export-place", "540127")
    b.click("#export-submit")
    b.wait_text("#msg", "超出您的地区")
    check("outside" not in b.message(), "another area's export refused in Chinese: %s" % b.message())
    b.shot("exports")
    exports = [r for r in s.admin_json("audit", "list", "--limit", "500")
               if r["actor"] == "console:拉萨协调员" and r["entity"] == "export"]
    check(len(exports) == 3 and exports[1]["detail"]["rows"] == 2 and exports[1]["detail"]["ids_masked"],
          "each export audited with its rows: %s" % exports)

    # Reports: narrowed to the area.
    b.page("reports")
    b.wait("#report-figures")
    check(b.find("[data-figure=fig_screenings] .n").text == "2", "the coordinator's report counts their area's 2 screenings")
    b.shot("coordinator-reports")

    # Patients: found by pinyin initials (次仁: cr) and by 身份证, masked in
    # the list; another area's namesake never; opened (audited), the phone
    # corrected (a bad one refused first) into central and onto the laptop.
    b.page("patients")
    b.type("#patient-q", "cr")
    b.click("#patient-go")
    b.wait("#patients")
    check([r.get_attribute("data-id") for r in b.finds("#patients tbody tr")] == [pids["次仁"]], "cr finds 次仁")
    check(card not in b.find("#patients").text and card[:6] + "********" + card[-4:] in b.find("#patients").text,
          "the list masks the 身份证")
    b.type("#patient-q", "bb")  # 边巴, another area's
    b.click("#patient-go")
    b.wait("#no-patients")
    b.type("#patient-q", card)
    b.click("#patient-go")
    b.wait("[data-open='%s']" % pids["次仁"])
    b.click("[data-open='%s']" % pids["次仁"])
    b.wait("#patient-detail")
    check(b.find("#patient-detail [data-field=id_number]").text == card, "the opened patient shows the 身份证 whole")
    check(len(b.finds("#screenings tbody tr")) == 1 and len(b.finds("#follow-ups tbody tr")) == 1,
          "the history: the screening and its follow-up")
    b.shot("patients")
    opened = [r for r in s.admin_json("audit", "list", "--limit", "50")
              if r["entity"] == "patient_view" and r.get("record_id") == pids["次仁"]]
    check(len(opened) == 1 and opened[0]["actor"] == "console:拉萨协调员" and opened[0]["detail"]["address"] == "127.0.0.1"
          and "次仁" not in json.dumps(opened, ensure_ascii=False), "one audit row for the opening, no patient data")
    b.type("#patient-edit input[name=phone]", "12345")
    b.click("#patient-save")
    b.wait_text("#msg", "电话")
    b.type("#patient-edit input[name=phone]", "139 1234 5678")
    b.click("#patient-save")
    b.wait_text("#patient-detail [data-field=phone]", "13912345678")
    check(s.sql_one("SELECT phone FROM patient WHERE id = ?", pids["次仁"]) == ("13912345678",),
          "central holds the corrected phone")
    edits = [r for r in s.admin_json("audit", "list", "--limit", "50")
             if r["entity"] == "patient" and r.get("record_id") == pids["次仁"]]
    check([(r["actor"], r["detail"].get("status")) for r in edits] == [("console:拉萨协调员", None),
                                                                       ("console:拉萨协调员", 400)],
          "one row for the edit (the store's, by the console account), one for the refused one: %s" % edits)
    a1.sync()
    shown = json.loads(a1.ctl("--json", "patient", "show", pids["次仁"]).stdout)
    check(shown["patient"]["phone"] == "13912345678", "the laptop took the corrected phone at its next sync")
    b.viewport(390, 844)
    b.open("#/patients")
    b.wait("#patient-detail")
    b.driver.execute_script("window.scrollTo(0, 0)")
    b.shot("patients-phone")
    b.viewport(1366, 768)
    shots = os.environ.get("YIZHEN_SCREENSHOTS")  # set to docs/screenshots to refresh the README's
    if shots:
        shutil.copy(tmp + "/shots/patients.png", os.path.join(shots, "console-patients-1366x768.png"))
        shutil.copy(tmp + "/shots/patients-phone.png", os.path.join(shots, "console-patients-390x844.png"))

    # Another area through the API: refused as unknown, nothing changed.
    cookie, csrf = s.login("拉萨协调员")
    before = (s.admin_json("conflicts"), s.admin_json("quarantine"), s.admin_json("merges"))
    for path, body in (("/conflicts/%d/resolve" % theirs[0]["conflict_id"], {"value": "13100000000"}),
                       ("/quarantine/%d/discard" % q_theirs[0]["quarantine_id"], {"reason": "x"}),
                       ("/quarantine/%d/retry" % q_theirs[0]["quarantine_id"], {}),
                       ("/merges", {"keep": m["dup"][0], "duplicate": m["dup"][1], "reason": "x"})):
        status, answer, _, _ = s.request("POST", "/api/v1/console" + path, body, cookie=cookie, csrf=csrf)
        check(status == 404, "%s of another area: %s %s" % (path, status, answer))
    check((s.admin_json("conflicts"), s.admin_json("quarantine"), s.admin_json("merges")) == before,
          "nothing of the other area changed")
    for path in ("/teams", "/accounts", "/audit"):
        check(s.request("GET", "/api/v1/console" + path, cookie=cookie)[0] == 403, "coordinator: %s is 403" % path)
    status, answer, _, _ = s.request("GET", "/api/v1/console/report?township=540127", cookie=cookie)
    check(status == 403, "a report of another area is refused: %s" % status)
    audit = [r for r in s.admin_json("audit", "list", "--limit", "500") if r["actor"] == "console:拉萨协调员"]
    verbs = [r["detail"]["verb"] for r in audit]
    check({"login", "resolve", "retry", "discard", "merge", "undo_merge"} <= set(verbs), "audited: %s" % verbs)
    # Each console action is one row, the store's, by the console account
    # with the address; none by "admin" beside it.
    every = s.admin_json("audit", "list", "--limit", "500")
    resolved = [r for r in every if r["entity"] == "conflict" and r.get("record_id") == str(cid)]
    check(len(resolved) == 1 and resolved[0]["actor"] == "console:拉萨协调员" and resolved[0]["detail"]["field"] == "phone"
          and resolved[0]["detail"]["address"] == "127.0.0.1", "one row for the resolve: %s" % resolved)
    check(not [r for r in every if r["actor"] == "admin" and r["entity"] in ("conflict", "quarantine", "patient")],
          "no second row by admin for a console action")
    b.click("#logout")
    b.wait("#login-form")

    # A viewer: reports only.
    b.login("查看者")
    b.wait("#page-reports")
    menu = {e.get_attribute("id") for e in b.finds("#nav a")}
    check(menu == {"nav-reports"}, "a viewer's menu: %s" % menu)
    b.wait("#report-figures")
    check(b.find("[data-figure=fig_screenings] .n").text == "3", "the viewer's report counts all 3 screenings")
    b.shot("viewer-reports")
    b.open("#/accounts")
    b.wait_text("#msg", "您的角色不能查看此页面")
    check(not b.finds("#accounts"), "no account list for a viewer")
    b.shot("viewer-forbidden")
    cookie, csrf = s.login("查看者")
    for path in ("/accounts", "/audit", "/teams", "/dashboard", "/conflicts", "/quarantine", "/duplicates",
                 "/exports/follow-ups?format=csv"):
        check(s.request("GET", "/api/v1/console" + path, cookie=cookie)[0] == 403, "viewer: %s is 403" % path)
    status, _, _, _ = s.request("POST", "/api/v1/console/accounts",
                                {"name": "x", "role": "admin", "area": "", "password": "a viewer's attempt"},
                                cookie=cookie, csrf=csrf)
    check(status == 403 and "x" not in {a["name"] for a in s.admin_json("account", "list")}, "a viewer adds no account")
    check(s.request("GET", "/api/v1/console/report", cookie=cookie)[0] == 200, "a viewer reads reports")
    for method, path, body in (("GET", "/patients?q=cr", None), ("GET", "/patients/" + pids["次仁"], None),
                               ("POST", "/patients/" + pids["次仁"], {"fields": {"phone": "13800000000"}})):
        check(s.request(method, "/api/v1/console" + path, body, cookie=cookie, csrf=csrf)[0] == 403,
              "viewer: %s %s is 403" % (method, path))
    b.open("#/patients")
    b.wait_text("#msg", "您的角色不能查看此页面")

    # Sign-in lockout: five wrong passwords lock the name, the right one
    # then too (429); an unknown name locks alike; both audited.
    login = "/api/v1/console/login"
    for name, password in (("查看者", "wrong password!"), ("无此账号", "wrong password!")):
        codes = [s.request("POST", login, {"name": name, "password": password})[0] for _ in range(5)]
        status, answer, headers, _ = s.request("POST", login, {"name": name, "password": PASSWORD})
        check(codes == [401] * 5 and status == 429 and answer["code"] == "locked" and int(headers["Retry-After"]) > 800,
              "%s: five refusals, then locked: %s %s" % (name, codes, status))
    locked = [r for r in s.admin_json("audit", "list", "--limit", "50") if r["detail"].get("status") == 429]
    check(len(locked) == 2 and {r["detail"]["name"] for r in locked} == {"查看者", "无此账号"}, "the locked attempts audited")
    check(s.request("POST", login, {"name": "拉萨协调员", "password": PASSWORD})[0] == 200, "another name signs in")
    # The sign-in page says a locked name in words, not in the server's English.
    b.click("#logout")
    b.login("无此账号")
    b.wait_text("#msg", "登录失败次数过多")
    check("too many" not in b.message() and "locked" not in b.message(), "a lockout in Chinese: %s" % b.message())
finally:
    if browser:
        browser.quit()
    s.stop()
F.exit()
