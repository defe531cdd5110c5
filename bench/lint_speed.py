#!/usr/bin/env python3
"""Times `mgate lint` as a whole process against squawk on the same input, in the same run.

Cases:
  corpus  a generated migrations directory: 1,000 files, 20,000 statements
  big     one file of 20,000 statements
  small   one small migration, the pre-commit case

Usage: bench/lint_speed.py [--mgate build/mgate] [--squawk node_modules/.bin/squawk] [--runs 10]
Prints the median and minimum wall time of each tool per case. Needs squawk from npm
(scripts/setup.sh --dev installs it).
"""
import argparse
import os
import pathlib
import random
import shutil
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def statement(rng, i):
    """One migration statement; a realistic mix of safe and dangerous DDL and some DML."""
    t = f"t{rng.randrange(300)}"
    kind = i % 12
    if kind == 0:
        return (f"CREATE TABLE IF NOT EXISTS {t}_{i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                f"name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());")
    if kind == 1:
        return f"CREATE INDEX {t}_c{i}_idx ON {t} (c{i});"
    if kind == 2:
        return f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {t}_d{i}_idx ON {t} (d{i});"
    if kind == 3:
        return f"ALTER TABLE {t} ADD COLUMN c{i} integer;"
    if kind == 4:
        return f"ALTER TABLE {t} ALTER COLUMN c{i} SET NOT NULL;"
    if kind == 5:
        return f"ALTER TABLE {t} ADD CONSTRAINT {t}_fk{i} FOREIGN KEY (user_id) REFERENCES users (id);"
    if kind == 6:
        return f"UPDATE {t} SET name = 'x{i}' WHERE id = {i};"
    if kind == 7:
        return f"SET lock_timeout = '2s';"
    if kind == 8:
        return f"ALTER TABLE {t} ALTER COLUMN c{i} TYPE bigint;"
    if kind == 9:
        return f"ALTER TABLE {t} RENAME COLUMN a{i} TO b{i};"
    if kind == 10:
        return f"INSERT INTO {t} (id, name) VALUES ({i}, 'n{i}');"
    return f"ALTER TABLE {t} ADD CONSTRAINT {t}_chk{i} CHECK (c{i} > 0) NOT VALID;"


def generate(files, statements_per_file, directory, seed=1):
    rng = random.Random(seed)
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    n = 0
    for f in range(files):
        lines = [statement(rng, n + k) for k in range(statements_per_file)]
        n += statements_per_file
        (directory / f"{f + 1:04d}_migration_{f + 1}.sql").write_text("\n".join(lines) + "\n")
    return n


def time_runs(cmd, runs, cwd):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):  # both tools exit 1 when they report findings
            sys.exit(f"{' '.join(map(str, cmd))} failed ({done.returncode}): {done.stderr.decode()[:500]}")
    return statistics.median(times), min(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mgate", default=str(ROOT / "build" / "mgate"))
    ap.add_argument("--squawk", default=str(ROOT / "node_modules" / ".bin" / "squawk"))
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    if not os.access(args.mgate, os.X_OK):
        sys.exit(f"no mgate at {args.mgate}: build it first (scripts/build.sh)")
    have_squawk = os.access(args.squawk, os.X_OK)

    corpus = OUT / "corpus"
    big = OUT / "big"
    small = OUT / "small"
    n_corpus = generate(1000, 20, corpus)
    n_big = generate(1, 20000, big, seed=2)
    generate(1, 3, small, seed=3)
    corpus_files = sorted(str(p) for p in corpus.glob("*.sql"))

    cases = [
        (f"corpus: 1,000 files, {n_corpus:,} statements", [str(corpus)], corpus_files),
        (f"big: 1 file, {n_big:,} statements", [str(big)], [str(next(big.glob('*.sql')))]),
        ("small: 1 file, 3 statements (pre-commit)", [str(small)], [str(next(small.glob('*.sql')))]),
    ]
    print(f"{'case':<44} {'tool':<8} {'median':>9} {'min':>9}")
    for name, mgate_args, files in cases:
        med, low = time_runs([args.mgate, "lint", "--format", "json", *mgate_args], args.runs, ROOT)
        print(f"{name:<44} {'mgate':<8} {med * 1000:8.1f}ms {low * 1000:8.1f}ms")
        if have_squawk:
            med, low = time_runs([args.squawk, "--reporter", "json", *files], args.runs, ROOT)
            print(f"{'':<44} {'squawk':<8} {med * 1000:8.1f}ms {low * 1000:8.1f}ms")
    if not have_squawk:
        print("squawk not found: run scripts/setup.sh --dev for the comparison")


if __name__ == "__main__":
    main()
