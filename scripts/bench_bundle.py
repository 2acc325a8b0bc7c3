#!/usr/bin/env python3
"""Bundle benchmark (issue 9): export / verify / import times and throughput against
`openssl dgst -sha256` over the same bytes in the same run, and the peak memory (max RSS) of
importing a big bundle. Results go in docs/BENCHMARKS.md.

    python3 scripts/bench_bundle.py            # 20 full cases + a 2 GB bundle
    GB=0.5 python3 scripts/bench_bundle.py     # a smaller big bundle

Uses the release CLI and examples/bench_bundle.rs (seeding); work folder under $BENCH_DIR
(default /tmp), removed afterwards.
"""
import os, re, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
GB = float(os.environ.get("GB", "2"))


def run(*cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def timed(*cmd):
    """Wall time and max RSS (KiB) of a command, via GNU time. The disk is synced first, so a
    step does not pay for writing back what the one before left in the page cache."""
    subprocess.run(["sync"], check=True)
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v", *cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    return dt, rss


def sha_rate(path):
    dt, _ = timed("openssl", "dgst", "-sha256", path)
    return os.path.getsize(path) / dt / 1e6


def copy_rate(path):
    """Copying the same bytes to a new file on the same disk, synced (`dd conv=fsync`): what
    any import or export pays for writing, before hashing a byte."""
    dst = path + ".copy"
    dt, _ = timed("dd", f"if={path}", f"of={dst}", "bs=1M", "conv=fsync", "status=none")
    os.remove(dst)
    return os.path.getsize(path) / dt / 1e6


def main():
    subprocess.run(["cargo", "build", "--release", "-q", "--bin", "tianbao", "--example", "bench_bundle"],
                   cwd=ROOT, check=True)
    cli = os.path.join(TARGET, "release", "tianbao")
    seed = os.path.join(TARGET, "release", "examples", "bench_bundle")
    work = tempfile.mkdtemp(prefix="bench-bundle-", dir=os.environ.get("BENCH_DIR", "/tmp"))
    rows = []
    try:
        # 1. Twenty cases with full materials.
        a, b = os.path.join(work, "a.db"), os.path.join(work, "b.db")
        run(seed, "full", a)
        full = os.path.join(work, "full.tianbao")
        t_exp, _ = timed(cli, "--db", a, "export", "--all", "-o", full)
        run(cli, "--db", b, "office", "黔东南州商务局")
        t_ver, _ = timed(cli, "--db", b, "import", "--dry-run", full)
        t_imp, rss_full = timed(cli, "--db", b, "import", full)
        size = os.path.getsize(full)
        ssl = sha_rate(full)
        cp = copy_rate(full)
        rows.append(("20 cases, full materials", size, t_exp, t_ver, t_imp, rss_full, ssl, cp))
        # 2. A big bundle: peak memory must not grow with it.
        c, d = os.path.join(work, "c.db"), os.path.join(work, "d.db")
        run(seed, "big", c, str(GB))
        big = os.path.join(work, "big.tianbao")
        t_exp, _ = timed(cli, "--db", c, "export", "--all", "-o", big)
        shutil.rmtree(c[:-3] + "-files")  # make room: the bundle holds the bytes now
        run(cli, "--db", d, "office", "贵州省商务厅")
        t_ver, _ = timed(cli, "--db", d, "import", "--dry-run", big)
        t_imp, rss_big = timed(cli, "--db", d, "import", big)
        size_b = os.path.getsize(big)
        ssl_b = sha_rate(big)
        cp_b = copy_rate(big)
        rows.append((f"{GB:g} GB bundle", size_b, t_exp, t_ver, t_imp, rss_big, ssl_b, cp_b))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{'bundle':26} {'MB':>7} {'export s':>8} {'verify s':>8} {'import s':>8} "
          f"{'exp MB/s':>8} {'ver MB/s':>8} {'imp MB/s':>8} {'sha MB/s':>8} {'copy MB/s':>9} "
          f"{'exp/sha':>7} {'ver/sha':>7} {'imp/sha':>7} {'RSS MiB':>7}")
    for name, size, te, tv, ti, rss, ssl, cp in rows:
        mb = size / 1e6
        print(f"{name:26} {mb:7.1f} {te:8.2f} {tv:8.2f} {ti:8.2f} {mb/te:8.0f} {mb/tv:8.0f} "
              f"{mb/ti:8.0f} {ssl:8.0f} {cp:9.0f} {mb/te/ssl:7.2f} {mb/tv/ssl:7.2f} {mb/ti/ssl:7.2f} "
              f"{rss/1024:7.1f}")
    print("sha = openssl dgst -sha256 of the bundle (hashing alone); copy = dd conv=fsync of it "
          "(writing alone); load average:", open("/proc/loadavg").read().split()[:3])

if __name__ == "__main__":
    main()
