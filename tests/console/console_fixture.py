"""End-to-end fixture of the coordinators' console: the real yizhen-server on
a free loopback port over a temporary central database seeded through real
paths (admin verbs, devices syncing with the real yizhenctl), and headless
Chromium driven by Selenium. Paths come from the environment ctest sets:
YIZHEN_SERVER, YIZHENCTL."""

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

SERVER = os.environ["YIZHEN_SERVER"]
YIZHENCTL = os.environ["YIZHENCTL"]
PASSWORD = "correct horse battery"


def id_number(region6, birth8, seq3):
    """A valid 身份证 number (GB 11643 check digit)."""
    body = region6 + birth8 + seq3
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


class Failures:
    """Checks that go on after a failure, each said, and the exit status."""

    def __init__(self):
        self.failed = 0
        self.checks = 0

    def check(self, ok, what):
        self.checks += 1
        if not ok:
            self.failed += 1
            print("FAILED: " + what, file=sys.stderr, flush=True)
        return ok

    def exit(self):
        print("%d checks, %d failed" % (self.checks, self.failed))
        sys.exit(1 if self.failed else 0)


def fresh_pg_database():
    """A fresh empty database on the ctest run's shared PostgreSQL cluster
    (YIZHEN_TEST_PG_FILE, written by tests/support/pg_cluster_ctl: its
    folder, then its port); its conninfo."""
    with open(os.environ["YIZHEN_TEST_PG_FILE"]) as f:
        port = f.read().split("\n")[1]
    name = "console_%d_%d" % (os.getpid(), int(time.time() * 1000))
    base = "host=127.0.0.1 port=%s user=yizhen dbname=" % port
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", base + "postgres", "-c",
                    "CREATE DATABASE " + name], check=True, capture_output=True, timeout=60)
    return base + name


class Server:
    def __init__(self, tmp, db=None, pg=None):
        """A fresh central store in `tmp`, or the existing one `db` (a
        benchmark's); on PostgreSQL when `pg` (a conninfo) is given, its key
        file in `tmp`."""
        self.tmp = tmp
        self.db = db or os.path.join(tmp, "central.db")
        self.pg = pg
        self.log = open(os.path.join(tmp, "server.log"), "w")
        self.proc = None
        self.url = None
        self.port = None
        if not db:
            self.admin("init")

    def store_args(self):
        if self.pg:
            return ["--pg", self.pg, "--keys", os.path.join(self.tmp, "central.keys")]
        return ["--db", self.db]

    def sql_one(self, query, *params):
        """The first row of `query` on the central database (either store),
        as a tuple of text; `params` fill its ? in order (ids and codes only:
        PostgreSQL gets them as psql variables, quoted)."""
        if not self.pg:
            import sqlite3
            with sqlite3.connect(self.db) as db:
                row = db.execute(query, params).fetchone()
                return tuple(None if v is None else str(v) for v in row) if row else None
        args = ["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", self.pg]
        for i, p in enumerate(params):
            args += ["-v", "p%d=%s" % (i, p)]
            query = query.replace("?", ":'p%d'" % i, 1)
        out = subprocess.run(args, input=query + ";\n", capture_output=True, text=True, check=True, timeout=60).stdout
        line = out.split("\n")[0]
        return tuple(line.split("\t")) if line else None

    def admin(self, *args, stdin=None, ok=True):
        r = subprocess.run([SERVER, *self.store_args(), "admin", *args], input=stdin, capture_output=True, text=True,
                           timeout=60)
        if ok and r.returncode != 0:
            raise RuntimeError("admin %s: %s" % (" ".join(args), r.stderr))
        return r

    def admin_json(self, *args):
        return json.loads(self.admin(*args, "--json").stdout)

    def account(self, name, role, area=""):
        args = ["account", "add", "--name", name, "--role", role]
        if area:
            args += ["--area", area]
        self.admin(*args, stdin=PASSWORD + "\n")

    def enroll_code(self, team, area=""):
        args = ["enroll-code", "--team", team]
        if area:
            args += ["--area", area]
        return self.admin(*args).stdout.splitlines()[0]

    def start(self):
        self.proc = subprocess.Popen([SERVER, *self.store_args(), "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                                     stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"(http://127\.0\.0\.1:(\d+))", line)
        if not m:
            raise RuntimeError("server did not start: " + line)
        self.url, self.port = m.group(1), int(m.group(2))

    def stop(self):
        if self.proc:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    # The JSON API without a browser (a script, or an attacker's page).
    def request(self, method, path, body=None, cookie=None, csrf=None, origin=None, content_type="application/json"):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {}
        if body is not None:
            headers["Content-Type"] = content_type
        if cookie:
            headers["Cookie"] = cookie
        if csrf:
            headers["X-CSRF-Token"] = csrf
        if origin:
            headers["Origin"] = origin
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        res = conn.getresponse()
        text = res.read().decode()
        out = (res.status, json.loads(text) if text.startswith(("{", "[")) else text, dict(res.getheaders()),
               res.getheader("Set-Cookie"))
        conn.close()
        return out

    def login(self, name, password=PASSWORD):
        """A session for scripts: (cookie, csrf)."""
        status, body, _, set_cookie = self.request("POST", "/api/v1/console/login", {"name": name, "password": password})
        if status != 200:
            raise RuntimeError("login %s: %s %s" % (name, status, body))
        return set_cookie.split(";")[0], body["csrf"]


class Device:
    """A laptop: yizhenctl on its own database, enrolled with the server."""

    def __init__(self, server, name, code):
        self.db = os.path.join(server.tmp, name + ".db")
        self.ctl("init", "--plain")
        self.ctl("enroll", "--server", server.url, "--code", code, "--name", name)

    def ctl(self, *args, ok=(0,)):
        r = subprocess.run([YIZHENCTL, "--db", self.db, *args], capture_output=True, text=True, timeout=60)
        if r.returncode not in ok:
            raise RuntimeError("yizhenctl %s: %s" % (" ".join(args), r.stderr))
        return r

    def patient(self, name, sex, village, id_no=None, phone=None, age=40):
        args = ["--json", "patient", "add", "--name", name, "--sex", sex, "--village", village]
        args += ["--id-number", id_no] if id_no else ["--age", str(age)]
        if phone:
            args += ["--phone", phone]
        return json.loads(self.ctl(*args).stdout)["id"]

    def edit_phone(self, pid, phone):
        self.ctl("patient", "edit", pid, "--phone", phone)

    def screen_bp(self, pid, sbp, dbp):
        """A hypertension screening (an abnormal one makes a follow-up)."""
        self.ctl("screen", "--patient", pid, "--program", "hypertension", "--answers",
                 json.dumps({"sbp": sbp, "dbp": dbp}))

    def sync(self):
        # 4: changes still pending (quarantined ones are not)
        return self.ctl("sync", ok=(0, 4))


def seed_area(server, team, area, village, region, prefix):
    """Two laptops of `team` (area `area`): one patient registered on both
    (a duplicate pair by 身份证), one phone changed on both offline (a
    conflict), one patient outside the area (quarantined). Returns what a
    test needs to find them."""
    a = Device(server, prefix + "1", server.enroll_code(team, area))
    b = Device(server, prefix + "2", server.enroll_code(team))
    shared = a.patient("央金" if prefix == "a" else "格桑", "F", village, phone="13800000001")
    a.sync()
    b.sync()
    a.edit_phone(shared, "13900000002")
    time.sleep(0.01)
    b.edit_phone(shared, "13700000003")
    card = id_number(region, "19850302", "002")
    dup_a = a.patient("卓玛" if prefix == "a" else "拉姆", "F", village, id_no=card)
    dup_b = b.patient("卓玛" if prefix == "a" else "拉姆", "F", village, id_no=card)
    # Outside the team's area: the next county's village.
    outside = a.patient("达瓦", "F", area[:4] + "99001001", age=33)
    a.sync()
    b.sync()
    return {"devices": (a, b), "conflict_patient": shared, "dup": (dup_a, dup_b), "outside": outside}


class Browser:
    def __init__(self, server, shots, width=1366, height=768):
        opts = Options()
        opts.binary_location = "/usr/bin/chromium"
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=zh-CN",
                    "--window-size=%d,%d" % (width, height)):
            opts.add_argument(arg)
        self.downloads = os.path.join(shots, "..", "downloads")
        os.makedirs(self.downloads, exist_ok=True)
        opts.add_experimental_option("prefs", {"download.default_directory": os.path.abspath(self.downloads),
                                               "download.prompt_for_download": False})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
        self.driver.execute_cdp_cmd("Page.setDownloadBehavior",
                                    {"behavior": "allow", "downloadPath": os.path.abspath(self.downloads)})
        self.driver.set_window_size(width, height)
        self.viewport(width, height)
        self.server = server
        self.shots = shots
        os.makedirs(shots, exist_ok=True)

    def viewport(self, width, height):
        """The page's size exactly (screenshots are this size), a phone's when narrow."""
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})

    def open(self, hash_=""):
        self.driver.get(self.server.url + "/" + hash_)

    def wait(self, css, timeout=10):
        return WebDriverWait(self.driver, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))

    def wait_gone(self, css, timeout=10):
        WebDriverWait(self.driver, timeout).until(lambda d: not d.find_elements(By.CSS_SELECTOR, css))

    def wait_text(self, css, text, timeout=10):
        WebDriverWait(self.driver, timeout).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def finds(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def type(self, css, text):
        el = self.find(css)
        el.clear()
        el.send_keys(text)

    def click(self, css):
        """Clicks what `css` names now: a list re-rendered between finding and
        clicking (a search's answer arriving) is found again."""
        for attempt in range(5):
            try:
                el = self.find(css)
                self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
                el.click()
                return
            except StaleElementReferenceException:
                if attempt == 4:
                    raise
                time.sleep(0.1)

    def page(self, name):
        """Navigate by the menu, wait for the page."""
        self.click("#nav-" + name)
        self.wait("#page-" + name)
        time.sleep(0.05)

    def login(self, name, password=PASSWORD):
        self.wait("#login-name")
        self.type("#login-name", name)
        self.type("#login-password", password)
        self.click("#login-submit")

    def message(self):
        el = self.find("#msg")
        return "" if el.get_attribute("hidden") is not None else el.text

    def shot(self, name):
        path = os.path.join(self.shots, name + ".png")
        self.driver.save_screenshot(path)
        return path

    def downloaded(self, name, timeout=15):
        """The bytes of a finished download, which is then removed."""
        path = os.path.join(self.downloads, name)
        end = time.time() + timeout
        while time.time() < end:
            if os.path.exists(path) and not os.path.exists(path + ".crdownload"):
                time.sleep(0.1)
                with open(path, "rb") as f:
                    data = f.read()
                os.remove(path)
                return data
            time.sleep(0.1)
        raise RuntimeError("no download " + name)

    def quit(self):
        self.driver.quit()


def in_background(fn, *args):
    """Runs fn(*args) on a thread (seeding while the browser starts);
    the returned function waits and gives its result or raises its error."""
    out = {}

    def run():
        try:
            out["value"] = fn(*args)
        except BaseException as e:  # handed to the waiting caller
            out["error"] = e

    t = threading.Thread(target=run)
    t.start()

    def wait():
        t.join()
        if "error" in out:
            raise out["error"]
        return out["value"]
    return wait


def temp_dir(name):
    """The test's temp folder (kept: screenshots and logs stay to look at)."""
    base = os.environ.get("YIZHEN_CONSOLE_TMP") or tempfile.gettempdir()
    path = os.path.join(base, "yizhen-console-" + name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path
