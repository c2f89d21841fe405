#!/usr/bin/python3
"""bench/console_dashboard.py: the coordinators' console over a large central
store (issue 14's bar: the dashboard and a township worklist render in <= 1 s),
in headless Chromium driven by Selenium against the real yizhen-server on
loopback.

    bench/console_dashboard.py [--smoke] BUILD_DIR CENTRAL_DB [RUNS]

BUILD_DIR   where yizhen-server is (BUILD_DIR/app/yizhen-server/yizhen-server)
CENTRAL_DB  a central store, or a demo database (yizhenctl demo --plain), which
            the server opens as one (it adds its own tables, so pass a copy);
            10^6 patients for the bar
RUNS        page loads of each kind, after one discarded warm-up (default 5)

Figures (medians over runs), each beside its reference from the same run:
  dashboard first contentful paint   a fresh load of /#dashboard, signed in
                                     (Paint Timing)
  dashboard rendered                 navigation start to the page standing whole
                                     (app.js marks it: counts, chart, devices)
  dashboard API                      GET /api/v1/console/dashboard (Resource
                                     Timing: request to last byte)
  township worklist, CSV and XLSX    the follow-ups of the township with the
                                     most patients, from pressing Download to
                                     the file in the browser (fetch timing),
                                     and its rows
  reference                          the console's sign-in page (no API call:
                                     the least the console can paint), first
                                     contentful paint
Output: human-readable lines, then `RESULT name value unit` lines
(bench/bench_util.h's format).
"""

import os
import sqlite3
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv):
    smoke = "--smoke" in argv
    args = [a for a in argv if a != "--smoke"]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    build, db = args[0], os.path.abspath(args[1])
    runs = 1 if smoke else int(args[2]) if len(args) > 2 else 5
    os.environ.setdefault("YIZHEN_SERVER", os.path.join(build, "app", "yizhen-server", "yizhen-server"))
    os.environ.setdefault("YIZHENCTL", os.path.join(build, "app", "yizhenctl", "yizhenctl"))
    sys.path.insert(0, os.path.join(HERE, "..", "tests", "console"))
    import console_fixture as cf  # noqa: E402 (needs the environment above)

    township, patients = busiest_township(db)
    print("central store %s: %d patients; township %s (%d patients)" % (db, count(db, "patient"), township, patients))

    tmp = tempfile.mkdtemp(prefix="yizhen-console-bench-")
    server = cf.Server(tmp, db)
    if server.admin("account", "list", "--json").stdout.find('"bench"') < 0:
        server.account("bench", "admin")
    server.start()
    browser = cf.Browser(server, os.path.join(tmp, "shots"))
    d = browser.driver
    try:
        browser.open()
        reference = []
        for i in range(runs + 1):  # the sign-in page, signed out
            d.delete_all_cookies()
            browser.open("?r=%d" % i)
            browser.wait("#login-name")
            reference.append(paint(d))
        browser.login("bench")
        browser.wait("#page-dashboard #stats", timeout=120)
        fcp, rendered, api = [], [], []
        for i in range(runs + 1):
            browser.open("?d=%d#/dashboard" % i)
            browser.wait("#page-dashboard #stats", timeout=120)
            fcp.append(paint(d))
            rendered.append(d.execute_script(  # app.js marks a page when it stands whole
                "const e = performance.getEntriesByName('page dashboard'); return e.length ? e[0].startTime : null"))
            api.append(resource(d, "/api/v1/console/dashboard"))
        worklist = {}
        for fmt in ("csv", "xlsx"):
            times, rows = [], ""
            for i in range(runs + 1):
                browser.open("?w=%s%d#/exports" % (fmt, i))
                browser.wait("#page-exports #export-form", timeout=60)
                browser.driver.execute_script("performance.clearResourceTimings()")
                browser.type("#export-place", township)
                d.execute_script("document.getElementById('export-format').value = arguments[0]", fmt)
                d.execute_script("document.getElementById('export-list').value = 'follow-ups'")
                browser.click("#export-submit")
                cf.WebDriverWait(d, 300, poll_frequency=0.05).until(
                    lambda drv: resource(drv, "/api/v1/console/exports/") is not None)
                cf.WebDriverWait(d, 60, poll_frequency=0.05).until(lambda drv: browser.message() != "")
                times.append(resource(d, "/api/v1/console/exports/"))
                rows = browser.message()
            worklist[fmt] = (times, rows)
    finally:
        browser.driver.quit()
        server.stop()

    def med(xs):
        return statistics.median(xs[1:] if len(xs) > 1 else xs)

    print("reference: sign-in page first contentful paint %.0f ms" % med(reference))
    print("dashboard: first contentful paint %.0f ms, counts on the page %.0f ms, API %.0f ms"
          % (med(fcp), med(rendered), med(api)))
    for fmt, (times, rows) in worklist.items():
        print("township worklist %s: %.0f ms (%s)" % (fmt.upper(), med(times), rows))
    print("RESULT console_signin_fcp_ms %.1f ms" % med(reference))
    print("RESULT console_dashboard_fcp_ms %.1f ms" % med(fcp))
    print("RESULT console_dashboard_rendered_ms %.1f ms" % med(rendered))
    print("RESULT console_dashboard_api_ms %.1f ms" % med(api))
    for fmt, (times, _) in worklist.items():
        print("RESULT console_worklist_%s_ms %.1f ms" % (fmt, med(times)))
    return 0


def paint(driver):
    """First contentful paint of the page now loaded, ms after navigation start."""
    for _ in range(100):
        v = driver.execute_script(
            "const e = performance.getEntriesByName('first-contentful-paint'); return e.length ? e[0].startTime : null")
        if v is not None:
            return v
        time.sleep(0.02)
    raise RuntimeError("no first-contentful-paint entry")


def resource(driver, part):
    """Request start to last byte of the last request whose URL holds `part`, ms."""
    return driver.execute_script(
        "const e = performance.getEntriesByType('resource').filter((r) => r.name.includes(arguments[0]));"
        "return e.length && e[e.length - 1].responseEnd > 0 ? e[e.length - 1].responseEnd - e[e.length - 1].startTime"
        " : null", part)


def count(db, table):
    with sqlite3.connect("file:%s?mode=ro" % db, uri=True) as c:
        return c.execute("SELECT count(*) FROM " + table).fetchone()[0]


def busiest_township(db):
    """The township (9-digit code) with the most patients, and how many."""
    with sqlite3.connect("file:%s?mode=ro" % db, uri=True) as c:
        row = c.execute("SELECT substr(village_code, 1, 9) AS t, count(*) FROM patient WHERE length(village_code) >= 9 "
                        "GROUP BY t ORDER BY 2 DESC LIMIT 1").fetchone()
    return row[0], row[1]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
