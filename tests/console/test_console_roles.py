"""Coordinators and viewers in headless Chromium against the real
yizhen-server, with two teams' laptops synced through yizhenctl: a county
coordinator sees and acts only on their area (a conflict resolved, a
quarantined change retried and discarded, a duplicate merged and the merge
undone), and is refused another area's rows through the API; a viewer
reaches reports only."""

import csv
import io
import json
import os
import zipfile

from console_fixture import Browser, Failures, Server, id_number, in_background, seed_area, temp_dir

F = Failures()
check = F.check
tmp = temp_dir("roles")
s = Server(tmp)
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
    for name, village, sbp, dbp, card_no, dev in (("次仁", "540102001001", 185, 100, card, a1),
                                                    ("多吉", "540102001001", 150, 92, None, a1),
                                                    ("边巴", "540127100001", 170, 95, None, m1)):
        dev.screen_bp(dev.patient(name, "M", village, id_no=card_no, age=60), sbp, dbp)
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
    check(menu == {"nav-dashboard", "nav-conflicts", "nav-quarantine", "nav-duplicates", "nav-exports", "nav-reports"}, "menu %s" % menu)
    b.shot("coordinator-dashboard")

    # Conflicts: only ours; resolved with a value and reason.
    b.page("conflicts")
    ids = {int(r.get_attribute("data-id")) for r in b.finds("#conflicts tbody tr")}
    check(ids == {mine[0]["conflict_id"]}, "only the area's conflict listed: %s" % ids)
    cid = mine[0]["conflict_id"]
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
    b.click("[data-content='%d'] summary" % qid)
    check("达瓦" in b.find("[data-content='%d'] pre" % qid).text, "its content is shown")
    b.click("[data-retry='%d']" % qid)
    b.wait_text("#msg", "outside")
    check(b.finds("[data-retry='%d']" % qid), "still refused: the row stays")
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
    merges = s.admin_json("merges")
    check(len(merges) == 1 and merges[0]["reason"] == "同一身份证" and {merges[0]["kept"], merges[0]["duplicate"]} == {keep, dup},
          "the merge stored: %s" % merges)
    mid = merges[0]["merge_id"]
    b.type("[data-undo-reason='%s']" % mid, "不是同一人")
    b.click("[data-undo='%s']" % mid)
    b.wait_gone("[data-undo='%s']" % mid)
    check(s.admin_json("merges")[0]["undone_at"] is not None, "the merge undone in the store")

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
    b.wait_text("#msg", "outside")
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
finally:
    if browser:
        browser.quit()
    s.stop()
F.exit()
