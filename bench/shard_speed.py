#!/usr/bin/env python3
"""The whole `mgate check` on a generated history, unsharded against `--shard K/N` (issue 16).

Generates a history of MIGRATIONS plain migrations (default 1,000) with up and down scripts
under bench/out/shard/: each creates a table with an index, every tenth also adds a column to
an earlier table and every fiftieth builds an index on one, so the locks gate has statements on
tables holding fixture rows. mgate.toml there sets [fixtures] rows (default 100).

Then, for each N of --shards (default 2,4):
  concurrent  the N shards as concurrent processes on this machine: the wall time of all;
  alone       each shard alone, one after another: what each runner of an N-job CI matrix takes.
The unsharded run and every shard write a JSON report; the N reports are merged with
`mgate merge` and must have the same findings (rule, file, line, column, level) and exit code
as the unsharded run.

Reported per N: the speed-up of the slowest shard alone over the unsharded run (the matrix's
wall time), the slowest shard's share (slowest / mean shard time alone; issue 16's target:
at most 1.5 for N = 4), and the concurrent wall time on this machine.

Usage: bench/shard_speed.py [--mgate build/mgate] [--migrations 1000] [--rows 100]
                            [--shards 2,4] [--gates GATES] [--no-concurrent]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(directory: Path, count: int, rows: int) -> None:
    if directory.exists():
        shutil.rmtree(directory)
    migrations = directory / "migrations"
    migrations.mkdir(parents=True)
    (directory / "mgate.toml").write_text(
        "[migrations]\n"
        'dir = "migrations"\n'
        'layout = "plain"\n'
        "[fixtures]\n"
        f"rows = {rows}\n"
    )
    for i in range(1, count + 1):
        up = [
            "SET lock_timeout = '2s';",
            f"CREATE TABLE t{i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
            f"name text NOT NULL, n integer, created_at timestamptz NOT NULL DEFAULT now());",
            f"CREATE INDEX t{i}_name_idx ON t{i} (name);",
        ]
        down = [f"DROP TABLE t{i};"]
        if i % 10 == 0 and i > 1:
            up.append(f"ALTER TABLE t{i - 5} ADD COLUMN note_{i} text;")
            down.insert(0, f"ALTER TABLE t{i - 5} DROP COLUMN note_{i};")
        if i % 50 == 0 and i > 1:
            up.append(f"CREATE INDEX t{i - 7}_n_{i}_idx ON t{i - 7} (n);")
            down.insert(0, f"DROP INDEX t{i - 7}_n_{i}_idx;")
        (migrations / f"{i:04d}_step_{i}.up.sql").write_text("\n".join(up) + "\n")
        (migrations / f"{i:04d}_step_{i}.down.sql").write_text("\n".join(down) + "\n")


def command(mgate: str, gates: str, extra: list) -> list:
    args = [mgate, "check", "--quiet"]
    if gates:
        args += ["--gates", gates]
    return args + extra


def findings(report: Path) -> list:
    data = json.loads(report.read_text())
    out = []
    for f in data["findings"]:
        at = f["location"] or {}
        out.append((f["rule"], at.get("file", ""), at.get("line", 0), at.get("column", 0),
                    f["level"]))
    return sorted(out)


def timed(args: list, cwd: Path) -> tuple:
    started = time.monotonic()
    result = subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(args)}: exit {result.returncode}\n{result.stderr}")
    return time.monotonic() - started, result.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mgate", default=str(ROOT / "build" / "mgate"))
    parser.add_argument("--migrations", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--shards", default="2,4")
    parser.add_argument("--gates", default="", help="--gates for mgate check (default: all)")
    parser.add_argument("--no-concurrent", action="store_true",
                        help="skip the concurrent runs (only each shard alone)")
    args = parser.parse_args()
    mgate = str(Path(args.mgate).resolve())
    work = ROOT / "bench" / "out" / "shard"
    generate(work, args.migrations, args.rows)
    reports = work / "reports"
    reports.mkdir()
    print(f"mgate {mgate}, {os.cpu_count()} CPUs, {args.migrations} migrations, "
          f"{args.rows} fixture rows per table, gates {args.gates or 'all'}; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)

    whole_report = reports / "whole.json"
    whole_time, whole_code = timed(command(mgate, args.gates, ["--output", f"json={whole_report}"]),
                                   work)
    expected = findings(whole_report)
    print(f"unsharded: {whole_time:.1f} s, exit {whole_code}, {len(expected)} findings",
          flush=True)

    rows = []
    for n in [int(x) for x in args.shards.split(",")]:
        files = [reports / f"shard-{k}-of-{n}.json" for k in range(1, n + 1)]
        shard_args = [
            command(mgate, args.gates, ["--shard", f"{k}/{n}", "--output", f"json={files[k - 1]}"])
            for k in range(1, n + 1)
        ]
        concurrent = None
        if not args.no_concurrent:
            started = time.monotonic()
            processes = [subprocess.Popen(a, cwd=work, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE, text=True) for a in shard_args]
            for p in processes:
                _, err = p.communicate()
                if p.returncode not in (0, 1):
                    sys.exit(f"shard of {n}: exit {p.returncode}\n{err}")
            concurrent = time.monotonic() - started
        alone = [timed(a, work)[0] for a in shard_args]
        merged = subprocess.run([mgate, "merge", *map(str, files), "--format", "json"], cwd=work,
                                capture_output=True, text=True)
        merged_report = reports / f"merged-{n}.json"
        merged_report.write_text(merged.stdout)
        same = merged.returncode == whole_code and findings(merged_report) == expected
        mean = sum(alone) / n
        rows.append((n, alone, concurrent, max(alone), max(alone) / mean, same))
        print(f"N = {n}: alone {', '.join(f'{t:.1f}' for t in alone)} s; "
              f"concurrent {'-' if concurrent is None else f'{concurrent:.1f} s'}; "
              f"merged report {'identical' if same else 'DIFFERS'} (exit {merged.returncode})",
              flush=True)

    print()
    print(f"{'N':>2}  {'slowest shard':>13}  {'speed-up':>8}  {'slowest/mean':>12}  "
          f"{'concurrent here':>15}  merged = unsharded")
    print(f"{1:>2}  {whole_time:>11.1f} s  {1.0:>7.2f}x  {1.0:>12.2f}  {whole_time:>13.1f} s  yes")
    failed = 0
    for n, alone, concurrent, slowest, share, same in rows:
        conc = "-" if concurrent is None else f"{concurrent:.1f} s"
        print(f"{n:>2}  {slowest:>11.1f} s  {whole_time / slowest:>7.2f}x  {share:>12.2f}  "
              f"{conc:>15}  {'yes' if same else 'NO'}")
        failed += not same
        if n == 4 and share > 1.5:
            failed += 1
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("target: N = 4, slowest shard alone <= 1.5x the mean shard time; merged = unsharded")
    return failed


if __name__ == "__main__":
    sys.exit(main())
