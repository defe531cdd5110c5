#!/usr/bin/env python3
"""Times `mgate lint` as a whole process against squawk on the same input, in the same run.

Cases:
  histories  real migration histories, one mgate process and one squawk process per history
             (--history DIR, repeatable; kept outside the repository, see bench/README.md)
  corpus     a generated migrations directory: 1,000 files, 20,000 statements
  big        one file of 20,000 statements
  small      one small migration, the pre-commit case
  version    `mgate version` alone

The two tools run interleaved (mgate, squawk, mgate, squawk, ...) so that load on a shared machine
hits both alike; each case reports both medians and the ratio of the medians. The load average
is printed before and after. The last table compares with the targets of issue 14:
  histories (all together)  mgate <= 0.5x squawk
  big                       mgate <= 0.2x squawk
  small                     mgate <= 3 ms (median of 20 at least)
  version                   mgate <= 2 ms (median of 20 at least)
The exit status is the number of targets missed (cases not run count as not met).

Usage: bench/lint_speed.py [--mgate build/mgate] [--squawk node_modules/.bin/squawk]
                           [--runs 10] [--history DIR]... [--only CASE,...]
Needs squawk from npm (scripts/setup.sh --dev installs it).
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


def history_input(directory, index):
    """What each tool is given for one history: mgate the directory (its layout is detected),
    squawk every .sql file under it. A Prisma history (<timestamp>_<name>/migration.sql), which
    mgate does not discover yet, is copied flat into bench/out/histories/ as numbered files that
    both tools read."""
    files = sorted(directory.rglob("*.sql"))
    if files and all(f.name == "migration.sql" for f in files):
        flat = OUT / "histories" / f"{index}_{directory.name}"
        if flat.exists():
            shutil.rmtree(flat)
        flat.mkdir(parents=True)
        for n, f in enumerate(files, 1):
            shutil.copyfile(f, flat / f"{n:05d}_{f.parent.name.lower().replace('-', '_')}.sql")
        return flat, sorted(flat.glob("*.sql"))
    return directory, files


def timed(cmd):
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # both tools exit 1 when they report findings
        sys.exit(f"{' '.join(map(str, cmd[:4]))} … failed ({done.returncode}): "
                 f"{done.stderr.decode()[:500]}")
    return elapsed


def interleaved(commands, runs):
    """Runs each group of commands `runs` times, one tool after the other in every round.
    `commands` maps a tool to a list of commands whose times add up (one per history)."""
    times = {tool: [] for tool in commands}
    for _ in range(runs):
        for tool, cmds in commands.items():
            times[tool].append(sum(timed(c) for c in cmds))
    return times


def load():
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def ms(seconds):
    return f"{seconds * 1000:8.1f}ms"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mgate", default=str(ROOT / "build" / "mgate"))
    ap.add_argument("--squawk", default=str(ROOT / "node_modules" / ".bin" / "squawk"))
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--history", action="append", default=[], type=pathlib.Path,
                    help="a directory holding one real migration history (repeatable)")
    ap.add_argument("--only", default="histories,corpus,big,small,version",
                    help="comma-separated cases to run")
    args = ap.parse_args()
    only = set(args.only.split(","))
    if not os.access(args.mgate, os.X_OK):
        sys.exit(f"no mgate at {args.mgate}: build it first (scripts/build.sh)")
    if not os.access(args.squawk, os.X_OK):
        sys.exit(f"no squawk at {args.squawk}: run scripts/setup.sh --dev")
    # Resolve the npm wrapper to the native binary: the wrapper is a node script whose start
    # would be timed as squawk's.
    native = ROOT / "node_modules" / "@squawk-cli" / "linux-x64" / "bin" / "squawk"
    squawk = str(native) if native.exists() and args.squawk.endswith(".bin/squawk") else args.squawk
    mgate = [args.mgate, "lint", "--format", "json"]
    small_runs = max(args.runs, 20)

    print(f"mgate {args.mgate}, squawk {squawk}, {os.cpu_count()} CPUs; {load()}")
    results = {}  # case -> (mgate median, squawk median or None)

    def report(name, times):
        med = {tool: statistics.median(t) for tool, t in times.items()}
        line = f"{name:<46} mgate {ms(med['mgate'])}"
        if "squawk" in med:
            line += f"  squawk {ms(med['squawk'])}  ratio {med['mgate'] / med['squawk']:.2f}x"
        print(line, flush=True)
        results[name.split(":")[0]] = (med["mgate"], med.get("squawk"))

    if "histories" in only and args.history:
        mgate_cmds, squawk_cmds, total_files = [], [], 0
        for i, directory in enumerate(args.history):
            target, files = history_input(directory.resolve(), i)
            total_files += len(files)
            mgate_cmds.append(mgate + [str(target)])
            squawk_cmds.append([squawk, "--reporter", "json", *map(str, files)])
            print(f"  history {directory}: {len(files)} files", flush=True)
        report(f"histories: {len(args.history)} histories, {total_files:,} files",
               interleaved({"mgate": mgate_cmds, "squawk": squawk_cmds}, args.runs))

    if "corpus" in only:
        corpus = OUT / "corpus"
        n = generate(1000, 20, corpus)
        files = sorted(str(p) for p in corpus.glob("*.sql"))
        report(f"corpus: 1,000 files, {n:,} statements",
               interleaved({"mgate": [mgate + [str(corpus)]],
                            "squawk": [[squawk, "--reporter", "json", *files]]}, args.runs))
    if "big" in only:
        big = OUT / "big"
        n = generate(1, 20000, big, seed=2)
        file = str(next(big.glob("*.sql")))
        report(f"big: 1 file, {n:,} statements",
               interleaved({"mgate": [mgate + [str(big)]],
                            "squawk": [[squawk, "--reporter", "json", file]]}, args.runs))
    if "small" in only:
        small = OUT / "small"
        generate(1, 3, small, seed=3)
        file = str(next(small.glob("*.sql")))
        report(f"small: 1 file, 3 statements (median of {small_runs})",
               interleaved({"mgate": [mgate + [str(small)]],
                            "squawk": [[squawk, "--reporter", "json", file]]}, small_runs))
    if "version" in only:
        report(f"version: mgate version (median of {small_runs})",
               interleaved({"mgate": [[args.mgate, "version"]]}, small_runs))
    print(load())

    targets = [
        ("histories", "mgate <= 0.5x squawk", lambda m, s: m <= 0.5 * s, True),
        ("big", "mgate <= 0.2x squawk", lambda m, s: m <= 0.2 * s, True),
        ("small", "mgate <= 3 ms", lambda m, s: m <= 0.003, False),
        ("version", "mgate <= 2 ms", lambda m, s: m <= 0.002, False),
    ]
    print(f"\n{'target':<12} {'wanted':<22} {'measured':<24} result")
    missed = 0
    for case, wanted, ok, ratio in targets:
        if case not in results:
            print(f"{case:<12} {wanted:<22} {'not run':<24} MISSED")
            missed += 1
            continue
        m, s = results[case]
        measured = f"{m / s:.2f}x" if ratio else f"{m * 1000:.1f} ms"
        met = ok(m, s)
        missed += not met
        print(f"{case:<12} {wanted:<22} {measured:<24} {'met' if met else 'MISSED'}")
    return missed


if __name__ == "__main__":
    sys.exit(main())
