"""A patient's history as the console shows it, over a laptop's demo clinic
days (the only way yizhenctl records encounters): diagnoses as code and
name, a home visit's services as a list, not as JavaScript or JSON; and a
refused export said in the page's language."""

import csv
import io
import os
import subprocess
import time

from console_fixture import YIZHENCTL, Browser, Failures, Server, temp_dir

F = Failures()
check = F.check
tmp = temp_dir("history")
s = Server(tmp)
s.account("管理员", "admin")
s.start()
browser = None
try:
    laptop = os.path.join(tmp, "demo.db")
    for args in (["demo", "--plain", "--patients", "150", "--seed", "3"],
                 ["enroll", "--server", s.url, "--code", s.enroll_code("西藏队", "54")], ["sync"]):
        subprocess.run([YIZHENCTL, "--db", laptop, *args], check=True, capture_output=True, timeout=120)
    # A patient with a diagnosed encounter and a home visit.
    row = s.sql_one("SELECT p.id, p.name FROM patient p WHERE EXISTS (SELECT 1 FROM encounter e WHERE e.patient_id = p.id"
                    " AND e.diagnoses LIKE '%\"code\"%') AND EXISTS (SELECT 1 FROM home_visit h WHERE"
                    " instr(h.patients, p.id) > 0 AND h.services LIKE '[\"%') ORDER BY p.id LIMIT 1")
    check(row is not None, "the demo laptop synced a patient with a diagnosis and a home visit")
    pid, name = row
    diagnosis = s.sql_one("SELECT json_extract(e.diagnoses, '$[0].code'), json_extract(e.diagnoses, '$[0].name')"
                          " FROM encounter e WHERE e.patient_id = ? AND e.diagnoses LIKE '%\"code\"%' LIMIT 1", pid)

    b = browser = Browser(s, tmp + "/shots")
    b.open()
    b.login("管理员")
    b.wait("#page-dashboard")

    def open_patient(pid, name):
        """Finds the patient by name and opens her history."""
        b.page("patients")
        b.type("#patient-q", name)
        b.click("#patient-go")
        b.wait("[data-open='%s']" % pid)
        b.click("[data-open='%s']" % pid)
        b.wait("#patient-detail[data-id='%s']" % pid)
        time.sleep(0.2)

    open_patient(pid, name)
    encounters = b.find("#encounters").text
    check("[object Object]" not in encounters, "diagnoses are not shown as [object Object]: %s" % encounters[:300])
    check("%s %s" % diagnosis in encounters, "a diagnosis shows as its code and name (%s): %s" % (diagnosis, encounters[:300]))
    visits = b.find("#home-visits").text
    check('["' not in visits and '"]' not in visits, "services read as a list, not JSON: %s" % visits[:300])
    b.shot("patient-history")

    # A patient's follow-ups and referrals with their status in words.
    fu = s.sql_one("SELECT p.id, p.name, f.status FROM follow_up f JOIN patient p ON p.id = f.patient_id"
                   " WHERE f.deleted = 0 AND f.status = 'due' ORDER BY f.rid LIMIT 1")
    check(fu is not None, "a due follow-up synced")
    if fu:
        open_patient(fu[0], fu[1])
        cells = [c.text for c in b.finds("#follow-ups tbody td")]
        check("待随访" in cells and "due" not in cells, "a due follow-up reads 待随访: %s" % cells)

    # A screening's programme, result and grade, and a vital sign's kind, in
    # the page's language (core's labels), not as codes.
    sc = s.sql_one("SELECT p.id, p.name, sc.risk_grade FROM screening sc JOIN patient p ON p.id = sc.patient_id"
                   " WHERE sc.program_id = 'hypertension' AND sc.risk_grade LIKE 'grade_' AND EXISTS (SELECT 1 FROM"
                   " observation o JOIN encounter e ON e.id = o.encounter_id WHERE e.patient_id = p.id AND o.kind = 'sbp')"
                   " ORDER BY sc.rid LIMIT 1")
    check(sc is not None, "a graded hypertension screening and a blood pressure synced")
    if sc:
        def open_history(pid, name):
            open_patient(pid, name)
            return b.find("#screenings").text, b.find("#encounters").text
        grade = sc[2][-1]
        screenings, encounters = open_history(sc[0], sc[1])
        check("高血压筛查" in screenings and "%s级高血压" % grade in screenings and "hypertension" not in screenings
              and sc[2] not in screenings, "a screening reads 高血压筛查, %s级高血压: %s" % (grade, screenings[:300]))
        check(any(w in screenings for w in ("阳性", "阴性", "可疑")) and "positive" not in screenings,
              "a screening's result in words: %s" % screenings[:300])
        check("收缩压" in encounters and "sbp" not in encounters, "a vital sign reads 收缩压: %s" % encounters[:300])
        b.driver.execute_script("document.getElementById('encounters').scrollIntoView()")
        b.shot("patient-screenings")
        b.click("#lang")
        b.wait_text("#screenings", "Hypertension screening")  # the page shown again, the patient open
        screenings, encounters = open_history(sc[0], sc[1])
        check("Hypertension screening" in screenings and "grade %s hypertension" % grade in screenings
              and sc[2] not in screenings, "in English: Hypertension screening, grade %s: %s" % (grade, screenings[:300]))
        check("Systolic BP" in encounters and "sbp" not in encounters, "in English, Systolic BP: %s" % encounters[:300])
        b.click("#lang")
        b.wait_text("#screenings", "高血压筛查")

    # What a list may be of, in words: programs by name, results in core's words.
    b.page("exports")
    from selenium.webdriver.support.ui import Select
    Select(b.find("#export-list")).select_by_value("screening-list")
    programs = [o.text for o in Select(b.find("#export-program")).options if o.is_displayed()]
    results = [o.text for o in Select(b.find("#export-result")).options]
    check("高血压筛查" in programs and "hypertension" not in programs, "programs by name: %s" % programs)
    check("异常（阳性或可疑）" in results and "阳性" in results, "results in words: %s" % results)
    # A refused export: the field and the problem in Chinese, as the server words it.
    b.type("#export-place", "99")
    b.click("#export-submit")
    b.wait_text("#msg", "出错")
    check("digits" not in b.message() and "99" in b.message(), "a refused export is said in Chinese: %s" % b.message())
    b.shot("export-refused")
    b.type("#export-place", "")

    # A follow-up list of one program, or of every program when none is
    # named; in English, with English headers.
    def follow_ups(program):
        Select(b.find("#export-list")).select_by_value("follow-ups")
        b.find("#export-format option[value=csv]").click()
        Select(b.find("#export-program")).select_by_value(program)
        b.click("#export-submit")
        return list(csv.reader(io.StringIO(b.downloaded("follow-ups.csv").decode("utf-8-sig"))))
    every = follow_ups("")
    hypertension = follow_ups("hypertension")
    check(1 < len(hypertension) < len(every), "one program's follow-ups are some of all: %d of %d rows" % (len(hypertension), len(every)))
    b.click("#lang")
    b.page("reports")
    b.wait_text("#report-programs", "Hypertension screening")  # a program's name in the page's language
    b.page("exports")
    header = follow_ups("")[0]
    check(not any(ord(c) > 0x2e80 for c in "".join(header)), "English headers on the English page: %s" % header)
    b.click("#lang")
finally:
    if browser:
        browser.quit()
    s.stop()
F.exit()
