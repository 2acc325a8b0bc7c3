#!/usr/bin/env python3
"""The store and the CLI under hostile use (issue 8): kill -9 during saves, concurrent writers,
the app's process holding the database while the CLI runs, full disks, damaged databases,
closed pipes, oversized inputs.

Short form (CI, tests/steps.d/30-torture.sh):   python3 tests/torture/torture.py
Long form (results in docs/RELIABILITY.md):      python3 tests/torture/torture.py --long
One check, more trials:                           python3 tests/torture/torture.py --only kill9 --trials 1000

Uses the CLI built by cargo ($TIANBAO_CLI, else $CARGO_TARGET_DIR/debug/tianbao) and builds the
example `store_holder` (the app's way of holding a database). Needs only the Python standard
library. The full-disk check mounts a 1 MiB tmpfs (root); where that is impossible it is skipped
with a message. Exit status 1 when any check failed.
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
CLI = os.environ.get("TIANBAO_CLI") or os.path.join(TARGET, "debug", "tianbao")
HOLDER = os.path.join(TARGET, "debug", "examples", "store_holder")


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def cli(db, *args, stdin=None, timeout=120, env=None):
    return subprocess.run(
        [CLI, "--db", db, *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        env=env,
    )


def text(b):
    return b.decode("utf-8", "replace")


# --- cases ---------------------------------------------------------------------------------------

_TEMPLATE = None


def template():
    """A valid case JSON, as the CLI writes it (`case new --json`)."""
    global _TEMPLATE
    if _TEMPLATE is None:
        with tempfile.TemporaryDirectory() as d:
            p = cli(os.path.join(d, "t.db"), "--json", "case", "new")
            check(p.returncode == 0, f"case new: {text(p.stderr)}")
            _TEMPLATE = json.loads(p.stdout)
    return json.loads(json.dumps(_TEMPLATE))


def new_id():
    # UUID v7 layout is not needed by the store; a v4 is a valid case id.
    import uuid

    return str(uuid.uuid4())


def write_case(dirname, case_id, name, filler=0):
    c = template()
    c["id"] = case_id
    c["person"]["name"] = name
    if filler:
        c["results"] = "字" * filler
    path = os.path.join(dirname, f"{name}.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(c, f, ensure_ascii=False)
    return path


# --- reading a database back (after every writer is gone) ----------------------------------------


def chain_check(db, acked):
    """integrity_check ok; every acknowledged (case_id, rev_id) is an ancestor of its case's head."""
    con = sqlite3.connect(db)
    try:
        ok = con.execute("PRAGMA integrity_check").fetchall()
        check(ok == [("ok",)], f"integrity_check: {ok[:3]}")
        parents = dict(con.execute("SELECT id, parent FROM revisions"))
        heads = dict(con.execute("SELECT id, head FROM cases"))
        by_case = {}
        for case_id, rev in acked:
            by_case.setdefault(case_id, set()).add(rev)
        for case_id, revs in by_case.items():
            check(case_id in heads, f"case {case_id} lost")
            chain, h = set(), heads[case_id]
            while h is not None:
                check(h not in chain, f"cycle at {h}")
                chain.add(h)
                check(h in parents, f"revision {h} missing")
                h = parents[h]
            lost = revs - chain
            check(not lost, f"{len(lost)} acknowledged revisions not in the chain of {case_id}")
        # No fork: within a case, no revision is the parent of two.
        seen = {}
        for rev, parent in parents.items():
            if parent is not None:
                check(parent not in seen, f"fork at {parent}: {seen.get(parent)} and {rev}")
                seen[parent] = rev
        return len(parents)
    finally:
        con.close()


def acked_rev(stdout):
    try:
        return json.loads(stdout)["rev_id"]
    except Exception:
        return None


# --- checks ----------------------------------------------------------------------------------------


def kill9(work, trials):
    """Writers killed by SIGKILL at random moments (0–150 ms after start; one save takes about
    50 ms in a debug build), new and existing databases, one case revised many times: no
    acknowledged save lost, chain intact."""
    rng = random.Random(8)
    case_id = new_id()
    db = os.path.join(work, "k.db")
    acked = []
    killed = 0
    acked_total = 0
    for t in range(trials):
        if t % 10 == 0:  # a new database: killed while creating it too
            for f in os.listdir(work):
                if f.startswith("k.db"):
                    os.remove(os.path.join(work, f))
            acked = []
        n = rng.choice([1, 1, 2, 3])
        procs = []
        for j in range(n):
            f = write_case(work, case_id, f"k{t}_{j}", filler=rng.choice([0, 2000]))
            procs.append(
                subprocess.Popen(
                    [CLI, "--db", db, "--json", "case", "import-json", f],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                )
            )
        time.sleep(rng.uniform(0, 0.15))
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                killed += 1
        for p in procs:
            out, err = p.communicate()
            if p.returncode == 0:
                rev = acked_rev(out)
                check(rev, f"exit 0 without a revision: {text(out)}")
                acked.append((case_id, rev))
                acked_total += 1
            elif p.returncode != -signal.SIGKILL:
                raise Failure(f"trial {t}: exit {p.returncode}: {text(err)}")
        if os.path.exists(db) and os.path.getsize(db) > 0 or acked:
            p = cli(db, "cases", "list")
            check(p.returncode == 0, f"trial {t}: cases list after kill: {text(p.stderr)}")
            chain_check(db, acked)
    return f"{trials} trials, {killed} writers killed, {acked_total} saves acknowledged, 0 lost"


def concurrent(work, rounds):
    """2–4 CLI writers at once on one case (and on a database being created): all succeed
    (they wait for each other's lock), nothing lost, no fork."""
    total = 0
    for r in range(rounds):
        db = os.path.join(work, f"c{r % 3}.db")
        if r % 3 == 0:
            for f in os.listdir(work):
                if f.startswith(os.path.basename(db)):
                    os.remove(os.path.join(work, f))
        w = 2 + r % 3
        case_id = new_id()
        acked = []
        for wave in range(3):
            procs = [
                subprocess.Popen(
                    [CLI, "--db", db, "--json", "case", "import-json",
                     write_case(work, case_id, f"c{r}_{wave}_{j}")],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                )
                for j in range(w)
            ]
            for p in procs:
                out, err = p.communicate(timeout=120)
                check(p.returncode == 0, f"round {r}: writer failed: {text(err)}")
                acked.append((case_id, acked_rev(out)))
                total += 1
        chain_check(db, acked)
    return f"{rounds} rounds of 2–4 writers, {total} saves, 0 failed"


def app_cli(work, iterations):
    """The app's process holds the database (and closes other descriptors of its files, as the
    GTK file chooser does) while the CLI reads and tries to write: the CLI reads every save,
    its writes are refused with the window message, every save of the app survives."""
    if not os.path.exists(HOLDER):
        return "SKIP: store_holder not built"
    db = os.path.join(work, "app.db")
    h = subprocess.Popen([HOLDER, db], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    check(h.stdout.readline().strip() == "ready", "holder did not start")

    def ask(line):
        h.stdin.write(line + "\n")
        h.stdin.flush()
        return h.stdout.readline().strip()

    case_id = new_id()
    acked = []
    refused = 0
    try:
        for i in range(iterations):
            r = ask("save " + write_case(work, case_id, f"app{i}"))
            check(r.startswith("saved "), f"app save: {r}")
            acked.append((case_id, r.split()[1]))
            check(ask("poke") == "poked", "poke")
            p = cli(db, "--json", "case", "show", case_id)
            check(p.returncode == 0, f"CLI read: {text(p.stderr)}")
            check(json.loads(p.stdout)["person"]["name"] == f"app{i}", "CLI read an old save")
            check(os.path.exists(db + "-wal"), "the CLI removed the app's WAL")
            if i % 5 == 0:
                p = cli(db, "case", "import-json", write_case(work, new_id(), f"cli{i}"))
                check(p.returncode == 2 and "窗口中打开" in text(p.stderr),
                      f"CLI write while the app holds the database: {p.returncode} {text(p.stderr)}")
                refused += 1
    finally:
        h.stdin.write("quit\n")
        h.stdin.flush()
        h.wait(timeout=30)
    chain_check(db, acked)
    p = cli(db, "--json", "case", "show", case_id)
    check(p.returncode == 0 and json.loads(p.stdout)["person"]["name"] == f"app{iterations - 1}",
          "the app's last save is not there after closing")
    return f"{iterations} app saves each followed by a foreign close and a CLI read, {refused} CLI writes refused, 0 lost"


def folder_state(d):
    out = {}
    for name in sorted(os.listdir(d)):
        p = os.path.join(d, name)
        if os.path.isdir(p):
            out[name] = "dir:" + repr(folder_state(p))
        else:
            with open(p, "rb") as f:
                out[name] = hashlib.sha256(f.read()).hexdigest()
    return out


def make_db(path, cases=120, filler=300):
    """A real database with `cases` cases, closed cleanly."""
    ids = []
    d = os.path.dirname(path)
    for i in range(cases):
        cid = new_id()
        ids.append(cid)
        p = cli(path, "case", "import-json", write_case(d, cid, f"样例{i}", filler=filler))
        check(p.returncode == 0, text(p.stderr))
    for f in os.listdir(d):
        if f.endswith(".json"):
            os.remove(os.path.join(d, f))
    return ids


def damaged(work, _n):
    """Damaged and foreign files: every command gives a Chinese message (not 请重试), exit 2, and
    the file and its folder stay byte-identical."""
    base = os.path.join(work, "base")
    os.mkdir(base)
    good = os.path.join(base, "good.db")
    make_db(good, filler=3000)
    size = os.path.getsize(good)
    page = 4096

    def variant(name, build):
        d = os.path.join(work, name)
        os.mkdir(d)
        db = os.path.join(d, "cases.db")
        build(db)
        return d, db

    def copy_with(patch):
        def b(db):
            shutil.copy(good, db)
            with open(db, "r+b") as f:
                patch(f)
        return b

    def overwrite(off, n=page, byte=b"\xff"):
        def p(f):
            f.seek(off)
            f.write(byte * n)
        return p

    def truncate(f):
        f.truncate(size // 2 + 100)

    def foreign(wal):
        def b(db):
            con = sqlite3.connect(db)
            if wal:
                con.execute("PRAGMA journal_mode=WAL")
            con.execute("CREATE TABLE contacts(name TEXT)")
            con.execute("INSERT INTO contacts VALUES ('张三')")
            con.commit()
            if wal:
                # Keep the change in the WAL: leave the connection's files behind as a
                # crashed program would.
                con2 = sqlite3.connect(db)
                con2.execute("PRAGMA wal_autocheckpoint=0")
                con2.execute("INSERT INTO contacts VALUES ('李四')")
                con2.commit()
                shutil.copy(db + "-wal", db + "-wal.keep")
                con2.close()
                con.close()
                os.replace(db + "-wal.keep", db + "-wal")
                if os.path.exists(db + "-shm"):
                    os.remove(db + "-shm")
            else:
                con.close()
        return b

    def newer(db):
        shutil.copy(good, db)
        con = sqlite3.connect(db)
        con.execute("PRAGMA user_version = 99")
        con.commit()
        con.close()

    variants = [
        ("zeroed-header", copy_with(overwrite(0, 100, b"\0"))),
        ("start", copy_with(overwrite(page))),
        ("middle", copy_with(overwrite((size // 2) // page * page))),
        ("end", copy_with(overwrite(size - page))),
        ("one-mib", copy_with(overwrite(1 << 20))),
        ("truncated", copy_with(truncate)),
        ("foreign", foreign(False)),
        ("foreign-wal", foreign(True)),
        ("newer", newer),
        ("directory", lambda db: os.mkdir(db)),
    ]
    if size <= (1 << 20) + page:
        variants = [v for v in variants if v[0] != "one-mib"]
    results = []
    for name, build in variants:
        d, db = variant(name, build)
        before = folder_state(d)
        cid = new_id()
        jf = write_case(work, cid, "新案例")
        for args in (["cases", "list"], ["case", "import-json", jf], ["case", "new"],
                     ["case", "show", cid], ["docx", "--all", "-o", os.path.join(work, "out-" + name)]):
            p = cli(db, *args)
            err = text(p.stderr)
            check(p.returncode == 2, f"{name}: {' '.join(args[:2])}: exit {p.returncode}: {err}")
            check(any("\u4e00" <= ch <= "\u9fff" for ch in err), f"{name}: not Chinese: {err}")
            check("请重试" not in err, f"{name}: says 请重试: {err}")
            check("panicked" not in err, f"{name}: panic: {err}")
            after = folder_state(d)
            check(after == before, f"{name}: {' '.join(args[:2])} changed the folder: "
                                   f"{sorted(set(after) ^ set(before)) or 'contents'}")
        results.append(name)
    return f"{len(results)} kinds ({', '.join(results)}), 5 commands each, all refused, all unchanged"


HOT_JOURNAL = """
import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA cache_size=1")
c.execute("BEGIN IMMEDIATE")
for i in range(40):
    c.execute(sys.argv[2], ("x" * 2000,))
os._exit(0)  # killed mid-transaction: the rollback journal stays hot
"""


def hot_journal(work, _n):
    """A rollback journal left by a process killed mid-transaction (ours: killed while the new
    database was not yet in WAL mode; another program's): ours is rolled back and opens,
    another program's is refused byte-identical."""
    ours = os.path.join(work, "ours")
    os.mkdir(ours)
    db = os.path.join(ours, "cases.db")
    make_db(db, cases=10)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    subprocess.run([sys.executable, "-c", HOT_JOURNAL, db,
                    "UPDATE revisions SET data = data || ?"], check=True)
    check(os.path.getsize(db + "-journal") > 0, "no hot journal was left")
    p = cli(db, "--json", "cases", "list")
    check(p.returncode == 0 and len(json.loads(p.stdout)) == 10, f"ours: {text(p.stderr)}")
    chain_check(db, [])
    foreign = os.path.join(work, "foreign")
    os.mkdir(foreign)
    fdb = os.path.join(foreign, "cases.db")
    con = sqlite3.connect(fdb)
    con.execute("CREATE TABLE notes(t TEXT)")
    con.executemany("INSERT INTO notes VALUES (?)", [("y" * 2000,)] * 50)
    con.commit()
    con.close()
    subprocess.run([sys.executable, "-c", HOT_JOURNAL, fdb, "UPDATE notes SET t = t || ?"],
                   check=True)
    before = folder_state(foreign)
    for args in (["cases", "list"], ["case", "new"]):
        p = cli(fdb, *args)
        check(p.returncode == 2 and "不是填报助手的数据库" in text(p.stderr),
              f"foreign: {p.returncode} {text(p.stderr)}")
        check(folder_state(foreign) == before, "foreign: the folder changed")
    return "ours rolled back and opened (10 cases, chain intact); another program's refused, unchanged"


def diskfull(work, _n):
    """A 1 MiB tmpfs filled up: at open (creating), during a save, during docx. A clear
    message, nothing half-written, works again after space is freed."""
    mnt = os.path.join(work, "full")
    os.mkdir(mnt)
    m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt], capture_output=True)
    if m.returncode != 0:
        return f"SKIP: cannot mount a tmpfs here ({text(m.stderr).strip() or 'not root'})"
    try:
        filler = os.path.join(mnt, "filler")

        def fill(leave=0):
            if os.path.exists(filler):
                os.remove(filler)
            st = os.statvfs(mnt)
            free = st.f_bavail * st.f_frsize
            with open(filler, "wb") as f:
                try:
                    f.write(b"\0" * max(0, free - leave))
                    f.flush()
                    os.fsync(f.fileno())
                except OSError:
                    pass

        def no_litter(what):
            left = [f for f in os.listdir(mnt) if f not in ("filler", "cases.db", "cases.db-wal",
                                                           "cases.db-shm", "cases-files")]
            check(not left, f"{what}: left {left}")

        db = os.path.join(mnt, "cases.db")
        # 1. Creating the database on a full disk.
        fill(0)
        p = cli(db, "case", "new")
        err = text(p.stderr)
        check(p.returncode == 2 and "磁盘" in err and "请重试" not in err.split("磁盘")[0],
              f"open on a full disk: {p.returncode} {err}")
        check(not os.path.exists(db) and not os.path.exists(db + "-wal"),
              f"open on a full disk left {os.listdir(mnt)}")
        os.remove(filler)
        # 2. A save that does not fit.
        cid = new_id()
        p = cli(db, "case", "import-json", write_case(work, cid, "满盘"))
        check(p.returncode == 0, f"save after freeing space: {text(p.stderr)}")
        fill(16 * 1024)
        big = write_case(work, cid, "满盘大", filler=30000)
        p = cli(db, "case", "import-json", big)
        err = text(p.stderr)
        check(p.returncode == 2 and "磁盘" in err and "窗口" not in err, f"save on a full disk: {err}")
        no_litter("save on a full disk")
        os.remove(filler)
        p = cli(db, "--json", "case", "show", cid)
        check(p.returncode == 0 and json.loads(p.stdout)["person"]["name"] == "满盘",
              f"the last acknowledged save after a full disk: {text(p.stderr)}")
        chain_check(db, [])
        p = cli(db, "case", "import-json", big)
        check(p.returncode == 0, f"save after freeing space again: {text(p.stderr)}")
        # 3. Opening an existing database on a full disk (SQLite needs room for its -shm).
        fill(0)
        p = cli(db, "cases", "list")
        err = text(p.stderr)
        check(p.returncode in (0, 2) and (p.returncode == 0 or "磁盘" in err), f"open existing on a full disk: {err}")
        no_litter("open existing on a full disk")
        os.remove(filler)
        # 4. docx into a full disk.
        fill(4 * 1024)
        out = os.path.join(mnt, "推荐表.docx")
        p = cli(db, "docx", cid, "-o", out)
        err = text(p.stderr)
        check(p.returncode == 2 and "磁盘" in err, f"docx on a full disk: {p.returncode} {err}")
        check(not os.path.exists(out), "a half-written .docx")
        no_litter("docx on a full disk")
        os.remove(filler)
        p = cli(db, "docx", cid, "-o", out)
        check(p.returncode == 0 and os.path.getsize(out) > 0, f"docx after freeing: {text(p.stderr)}")
        return "open, save and docx on a full 1 MiB tmpfs: messages, no litter, working after freeing"
    finally:
        subprocess.run(["umount", mnt], capture_output=True)


def pipes(work, _n):
    """Every subcommand with its output going into a pipe closed before it writes: exits
    quietly (no panic, no exit 101)."""
    db = os.path.join(work, "p.db")
    cid = new_id()
    jf = write_case(work, cid, "管道")
    p = cli(db, "case", "import-json", jf)
    check(p.returncode == 0, text(p.stderr))
    photo = os.path.join(work, "p.png")
    # A 1×1 PNG.
    with open(photo, "wb") as f:
        f.write(bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
            "0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082"))
    video = os.path.join(work, "v.mp4")
    with open(video, "wb") as f:
        f.write(b"\0\0\0\x18ftypmp42" + b"\0" * 100)
    commands = [
        ["count", jf], ["cases", "list"], ["--json", "cases", "list"], ["case", "show", cid],
        ["case", "validate", cid], ["case", "export-json", cid], ["case", "import-json", jf],
        ["case", "new"], ["office"], ["office", "某县商务局"], ["check-photo", photo],
        ["--json", "check-photo", photo], ["check-video", video], ["--json", "check-video", video],
        ["docx", cid, "-o", os.path.join(work, "p.docx")], ["--help"], ["--version"],
    ]
    for args in commands:
        proc = subprocess.Popen([CLI, "--db", db, *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        proc.stdout.close()  # the reader is gone before anything is written
        err = proc.stderr.read()
        proc.wait(timeout=60)
        check(proc.returncode != 101 and b"panicked" not in err,
              f"{' '.join(args)}: exit {proc.returncode}: {text(err)[:300]}")
    return f"{len(commands)} commands into a closed pipe, none panicked"


def oversized(work, _n):
    """A 52 MB case JSON and a 1,000,000-字 field: refused quickly with a message, the
    database unchanged."""
    db = os.path.join(work, "o.db")
    cid = new_id()
    p = cli(db, "case", "import-json", write_case(work, cid, "正常"))
    check(p.returncode == 0, text(p.stderr))
    before = folder_state(work)
    huge = os.path.join(work, "huge.json")
    c = template()
    c["id"] = cid
    c["results"] = "字" * (52 * 1024 * 1024 // 3)
    with open(huge, "w", encoding="utf-8") as f:
        json.dump(c, f, ensure_ascii=False)
    c["results"] = "字" * 1_000_000
    field = os.path.join(work, "field.json")
    with open(field, "w", encoding="utf-8") as f:
        json.dump(c, f, ensure_ascii=False)
    before = folder_state(os.path.dirname(db))
    for path in (huge, field):
        t = time.monotonic()
        p = cli(db, "case", "import-json", path)
        dt = time.monotonic() - t
        err = text(p.stderr)
        check(p.returncode == 2 and ("过大" in err or "超过" in err), f"{os.path.basename(path)}: {p.returncode} {err}")
        check(dt < 5, f"{os.path.basename(path)} took {dt:.1f} s")
    with open(huge, "rb") as f:
        p = subprocess.run([CLI, "--db", db, "case", "import-json", "-"], stdin=f, capture_output=True)
    check(p.returncode == 2, f"huge stdin: {p.returncode} {text(p.stderr)}")
    after = folder_state(os.path.dirname(db))
    check(after == before, "the database changed")
    return "52 MB file, 52 MB on stdin, 1,000,000-字 field: refused"


CHECKS = {
    "kill9": (kill9, 30, 500),
    "concurrent": (concurrent, 6, 60),
    "app_cli": (app_cli, 15, 100),
    "damaged": (damaged, 1, 1),
    "hot_journal": (hot_journal, 1, 1),
    "diskfull": (diskfull, 1, 1),
    "pipes": (pipes, 1, 1),
    "oversized": (oversized, 1, 1),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--long", action="store_true", help="the long form (documented results)")
    ap.add_argument("--only", help="comma-separated checks: " + ",".join(CHECKS))
    ap.add_argument("--trials", type=int, help="trials/rounds/iterations instead of the form's")
    args = ap.parse_args()
    if not os.path.exists(CLI):
        print(f"命令行程序未编译：{CLI}（先 cargo build）")
        return 1
    if not os.environ.get("TORTURE_NO_BUILD"):
        b = subprocess.run(["cargo", "build", "-q", "--example", "store_holder"], cwd=ROOT)
        if b.returncode != 0:
            print("store_holder 编译失败")
            return 1
    names = args.only.split(",") if args.only else list(CHECKS)
    failed = 0
    rows = []
    for name in names:
        fn, short, long = CHECKS[name]
        n = args.trials or (long if args.long else short)
        work = tempfile.mkdtemp(prefix=f"tianbao-torture-{name}-")
        t0 = time.monotonic()
        try:
            summary = fn(work, n)
            status = "skip" if summary.startswith("SKIP") else "ok"
        except Failure as e:
            summary, status = str(e), "FAILED"
            failed += 1
        except Exception as e:  # a bug in the check itself counts as a failure
            summary, status = f"{type(e).__name__}: {e}", "FAILED"
            failed += 1
        finally:
            subprocess.run(["umount", os.path.join(work, "full")], capture_output=True)
            shutil.rmtree(work, ignore_errors=True)
        dt = time.monotonic() - t0
        rows.append((name, status, dt, summary))
        print(f"{status:6} {name:10} {dt:7.1f} s  {summary}", flush=True)
    print(f"\n{'long' if args.long else 'short'} form: {len(rows) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
