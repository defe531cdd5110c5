#!/usr/bin/env python3
"""Runs mgate and squawk over the same migrations and prints, per concept, which tool flags it.

The corpus is bench/compare_corpus.sql: one concept of the rule catalog (issue 3) per entry,
each with its dangerous statement and, where one exists, the recommended safe version. Every
case becomes one goose migration in bench/out/compare/ after a base schema, so the tables it
touches already exist. Both tools lint the same files:

  mgate   build/mgate lint --layout goose --format json --gates lint bench/out/compare
  squawk  node_modules/.bin/squawk --reporter json FILES
          (with --assume-in-transaction for the cases that goose runs in a transaction, the
          same knowledge mgate takes from the layout)

A case counts as flagged by a tool when the tool reports any finding, of any level, on the
lines of the case's statement (not on its setup lines or the timeouts every case sets first).
A flag on a safe version is a false alarm. The script also lists the statements where mgate
reports two findings of one risk (it should fold them into one).

Usage: bench/compare_squawk.py [--mgate build/mgate] [--squawk node_modules/.bin/squawk]
                               [--verbose]
Exit status: 0 when it ran (disagreements are the output, not a failure), 2 when a tool is
missing or fails unexpectedly.
"""
import argparse
import json
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "compare_corpus.sql"
OUT = ROOT / "bench" / "out" / "compare"
TIMEOUTS = ["SET lock_timeout = '2s';", "SET statement_timeout = '5min';"]


class Case:
    def __init__(self, concept, kind, options):
        self.concept = concept
        self.kind = kind  # "bad" or "safe"
        self.transactional = "no-transaction" not in options
        self.timeouts = "no-timeouts" not in options
        self.lines = []  # (text, checked)
        self.path = None
        self.checked_lines = set()  # 1-based line numbers in the written file


class Concept:
    def __init__(self, name, group, description):
        self.name, self.group, self.description = name, group, description
        self.cases = {}


def read_corpus(path):
    """Returns (base schema lines, [Concept])."""
    base, concepts = [], []
    section = "preamble"  # then "base" or a concept's name
    case = None
    checked = True
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.rstrip()
        header = re.match(r"^-- == (\S+)(?: \| ([^|]+) \| (.+))?$", line)
        if header:
            section, case = header.group(1), None
            if section != "base":
                concepts.append(Concept(section, header.group(2).strip(), header.group(3).strip()))
            continue
        if section == "base":
            if line and not line.startswith("--"):
                base.append(line)
            continue
        if section == "preamble":
            continue
        kind = re.match(r"^-- (bad|safe)\b(.*)$", line)
        if kind:
            case = Case(section, kind.group(1), kind.group(2).split())
            concepts[-1].cases[kind.group(1)] = case
            checked = True
        elif line in ("-- setup", "-- check") and case:
            checked = line == "-- check"
        elif case:
            case.lines.append((line, checked))
    return base, concepts


def write_migrations(base, concepts):
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    (OUT / "00001_base.sql").write_text("-- +goose Up\n" + "\n".join(base) + "\n", encoding="utf-8")
    version = 1
    for concept in concepts:
        for kind in ("bad", "safe"):
            case = concept.cases.get(kind)
            if not case:
                continue
            version += 1
            lines = ["-- +goose Up"]
            if not case.transactional:
                lines.append("-- +goose NO TRANSACTION")
            if case.timeouts:
                lines += TIMEOUTS
            for text, checked in case.lines:
                lines.append(text)
                if checked and text.strip():
                    case.checked_lines.add(len(lines))
            name = f"{version:05d}_{concept.name.replace('-', '_')}_{kind}.sql"
            case.path = OUT / name
            case.path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(command):
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    except FileNotFoundError:
        sys.exit(f"compare_squawk: {command[0]} not found (build mgate; scripts/setup.sh --dev "
                 f"installs squawk)")
    return done


def mgate_findings(mgate):
    done = run([mgate, "lint", "--layout", "goose", "--format", "json", "--gates", "lint",
                "--fail-on", "never", str(OUT.relative_to(ROOT))])
    if done.returncode not in (0, 1):
        sys.exit(f"compare_squawk: mgate failed ({done.returncode}): {done.stderr.strip()}")
    report = json.loads(done.stdout)
    out = {}
    for f in report.get("findings", []):
        loc = f.get("location") or {}
        if not loc.get("file"):
            continue
        path = (ROOT / loc["file"]).resolve()
        out.setdefault(path, []).append((loc.get("line", 0), f["rule"], f.get("risk")))
    return out


def squawk_findings(squawk, cases):
    out = {}
    for transactional in (True, False):
        files = [str(c.path.relative_to(ROOT)) for c in cases if c.transactional == transactional]
        if not files:
            continue
        command = [squawk, "--reporter", "json"]
        if transactional:
            command.append("--assume-in-transaction")
        done = run(command + files)
        if done.returncode not in (0, 1):
            sys.exit(f"compare_squawk: squawk failed ({done.returncode}): {done.stderr.strip()}")
        for v in json.loads(done.stdout or "[]"):
            path = (ROOT / v["file"]).resolve()
            out.setdefault(path, []).append((v["line"] + 1, v["rule_name"], None))  # 0-based
    return out


def flags(findings, case):
    return sorted({rule for line, rule, _ in findings.get(case.path.resolve(), [])
                   if line in case.checked_lines})


def repeated_risks(findings, case):
    """mgate findings that share a line and a risk on the case's checked lines: one statement
    should get one finding per risk."""
    seen = {}
    for line, rule, risk in findings.get(case.path.resolve(), []):
        if line in case.checked_lines and risk:
            seen.setdefault((line, risk), []).append(rule)
    return [f"line {line} {risk}: {', '.join(rules)}"
            for (line, risk), rules in sorted(seen.items()) if len(rules) > 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mgate", default=str(ROOT / "build" / "mgate"))
    parser.add_argument("--squawk", default=str(ROOT / "node_modules" / ".bin" / "squawk"))
    parser.add_argument("--verbose", action="store_true", help="list the rules each tool raised")
    args = parser.parse_args()

    base, concepts = read_corpus(CORPUS)
    write_migrations(base, concepts)
    cases = [c for concept in concepts for c in concept.cases.values()]
    found = {"mgate": mgate_findings(args.mgate), "squawk": squawk_findings(args.squawk, cases)}

    def cell(tool, case):
        if case is None:
            return "-"
        rules = flags(found[tool], case)
        if args.verbose:
            return ",".join(rules) if rules else "no"
        return "yes" if rules else "no"

    counts = {t: {"caught": 0, "missed": 0, "false_alarms": 0} for t in found}
    disagreements = []
    rows = []  # (group, name, 4 cells, differ)
    for concept in concepts:
        bad, safe = concept.cases.get("bad"), concept.cases.get("safe")
        row = {}
        for tool in found:
            hit = bool(flags(found[tool], bad)) if bad else None
            alarm = bool(flags(found[tool], safe)) if safe else None
            row[tool] = (hit, alarm)
            if hit is True:
                counts[tool]["caught"] += 1
            if hit is False:
                counts[tool]["missed"] += 1
            if alarm:
                counts[tool]["false_alarms"] += 1
        differ = row["mgate"] != row["squawk"]
        if differ:
            disagreements.append(concept)
        rows.append((concept.group, concept.name,
                     [cell("mgate", bad), cell("squawk", bad), cell("mgate", safe),
                      cell("squawk", safe)], differ))

    headers = ["dangerous: mgate", "squawk", "safe: mgate", "squawk"]
    name_width = max(len("concept"), *(len(r[1]) for r in rows))
    widths = [max(len(h), *(len(r[2][i]) for r in rows)) for i, h in enumerate(headers)]
    header = f"{'concept':<{name_width}}  " + "  ".join(f"{h:<{w}}" for h, w in zip(headers, widths))
    print(header.rstrip())
    group = None
    for row_group, name, cells, differ in rows:
        if row_group != group:
            group = row_group
            print(f"\n{group}")
        line = f"{name:<{name_width}}  " + "  ".join(f"{c:<{w}}" for c, w in zip(cells, widths))
        print((line.rstrip() + ("  *" if differ else "")))

    print("\nconcepts with a dangerous case: "
          f"{sum(1 for c in concepts if 'bad' in c.cases)}, with a safe version: "
          f"{sum(1 for c in concepts if 'safe' in c.cases)}")
    for tool, n in counts.items():
        print(f"{tool:<7} caught {n['caught']}, missed {n['missed']}, "
              f"false alarms on safe versions {n['false_alarms']}")
    repeated = [(c.concept, c.kind, r) for c in cases for r in repeated_risks(found["mgate"], c)]
    print(f"mgate statements with two findings of one risk: {len(repeated)}")
    for concept, kind, r in repeated:
        print(f"  {concept} ({kind}): {r}")
    print(f"\nwhere they disagree (* above): {len(disagreements)}")
    for concept in disagreements:
        parts = []
        for tool in found:
            bad, safe = concept.cases.get("bad"), concept.cases.get("safe")
            b = ",".join(flags(found[tool], bad)) if bad else ""
            s = ",".join(flags(found[tool], safe)) if safe else ""
            parts.append(f"{tool}: dangerous [{b or '-'}] safe [{s or '-'}]")
        print(f"  {concept.name}: " + "; ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
