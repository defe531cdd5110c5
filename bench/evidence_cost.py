#!/usr/bin/env python3
"""What the evidence gates cost on fixtures/demo: the locks gate with and without its concurrent
workload (traffic.clients 0 and 4), the integrity gate and the share of it spent in pg_dump and
pg_restore; and the locks gate on the 200,000-row blocked-index fixture."""
import argparse
import json
import pathlib
import statistics
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
MGATE = ROOT / "build" / "mgate"


def check(folder, config, gates):
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "mgate.toml"
        path.write_text(config)
        out = subprocess.run(
            [str(MGATE), "check", str(folder), "--gates", gates, "--format", "json",
             "--config", str(path), "--fail-on", "never"],
            cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def gate(report, name):
    return next(g for g in report["gates"] if g["name"] == name)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    demo = ROOT / "fixtures" / "demo"
    for clients in (0, 4):
        ms = [gate(check(demo, f"[traffic]\nclients = {clients}\n", "locks"), "locks")["duration_ms"]
              for _ in range(args.runs)]
        print(f"locks on fixtures/demo, traffic.clients = {clients}: "
              f"median {statistics.median(ms):.0f} ms over {args.runs} runs")
    total, dump = [], []
    for _ in range(args.runs):
        g = gate(check(demo, "", "integrity"), "integrity")
        total.append(g["duration_ms"])
        dump.append(sum(m.get("dump_restore", {}).get("ms", 0)
                        for m in g["metrics"]["migrations"].values()))
    print(f"integrity on fixtures/demo: median {statistics.median(total):.0f} ms, of which "
          f"dump and restore {statistics.median(dump):.0f} ms")
    blocked = ROOT / "fixtures" / "dynamic" / "locks_blocked_index"
    config = "[fixtures]\nrows = 200000\n[traffic]\nclients = 4\n"
    for _ in range(args.runs):
        g = gate(check(blocked, config, "locks"), "locks")
        t = g["metrics"]["traffic"]["002"]
        index_ms = g["metrics"]["migrations"]["002"][0]["duration_ms"]
        p99 = {period: {kind: f"{s['p99_ms']:.2f} ms" for kind, s in t[period].items()}
               for period in ("quiet", "during")}
        print(f"CREATE INDEX on 200,000 rows: {index_ms:.0f} ms; workload blocked up to "
              f"{t['longest_blocked_ms']:.0f} ms; p99 quiet {p99['quiet']}, during {p99['during']}")


if __name__ == "__main__":
    main()
