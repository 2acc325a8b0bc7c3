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
        rows.append(("20 cases, full materials", size, t_exp, t_ver, t_imp, rss_full, ssl))
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
        rows.append((f"{GB:g} GB bundle", size_b, t_exp, t_ver, t_imp, rss_big, ssl_b))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{'bundle':28} {'MB':>8} {'export s':>9} {'verify s':>9} {'import s':>9} "
          f"{'export MB/s':>11} {'import MB/s':>11} {'sha256 MB/s':>11} {'exp/sha':>7} {'imp/sha':>7} {'RSS MiB':>8}")
    for name, size, te, tv, ti, rss, ssl in rows:
        mb = size / 1e6
        print(f"{name:28} {mb:8.1f} {te:9.2f} {tv:9.2f} {ti:9.2f} {mb/te:11.0f} {mb/ti:11.0f} {ssl:11.0f} "
              f"{mb/te/ssl:7.2f} {mb/ti/ssl:7.2f} {rss/1024:8.1f}")


if __name__ == "__main__":
    main()
