#!/usr/bin/env python3
"""DescribeImages on PostgreSQL against SQLite, in one run, as ratios.

Seeds --count images (default 10,000) into a data directory (`kiln debug seed-images`), copies
that metadata into a throw-away PostgreSQL 15 server (`kiln migrate --to postgres://…`), then
serves the same images twice, one server at a time: from the data directory's SQLite and from
PostgreSQL (`kiln serve --metadata`). wrk replays two signed DescribeImages requests against
each: one image by id, and a name filter with a wildcard, at each --connections count (one
client alone, then eight at once). The report gives req/s and latency percentiles and the ratio
PostgreSQL/SQLite; the issue's target is reads within 2x.

    python3 bench/cluster_metadata.py [--count 10000] [--duration 10] [--connections 1,8] [--kiln …]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from images import (  # noqa: E402
    KILN_ACCOUNT,
    KILN_SECRET,
    REGION,
    StepFailed,
    Target,
    kiln_server,
    run_wrk,
    seed_kiln,
    wait_health,
)
from run import ensure_wrk, find_kiln, fmt_us, free_port, wrk_script  # noqa: E402

from kiln_cluster import ScratchPostgres  # noqa: E402

TARGET_RATIO = 2.0  # PostgreSQL's latency within 2x of SQLite's, req/s at least half


def scenarios(image_id: str) -> list[tuple[str, dict]]:
    return [
        ("by id", {"ImageId.1": image_id}),
        ("name filter", {"Filter.1.Name": "name", "Filter.1.Value.1": "bench-image-000512*"}),
    ]


def measure(target: Target, wrk: str, args, work: Path, image_id: str) -> dict[tuple[int, str], dict]:
    """Each scenario's wrk figures at each connection count, keyed by (connections, scenario)."""
    results = {}
    for connections in args.connection_counts:
        load = argparse.Namespace(threads=min(args.threads, connections), connections=connections, duration=args.duration)
        for name, params in scenarios(image_id):
            images, _, _ = target.describe(params)
            if not images:
                raise StepFailed(f"{target.name} {name}: no images in the answer")
            script = work / f"{target.name}-{name.replace(' ', '-')}.lua"
            script.write_text(wrk_script(target.sign(params)))
            stats, _ = run_wrk(wrk, target.endpoint + "/", script, load, timeout_s=10)
            stats["images"] = len(images)
            results[(connections, name)] = stats
    return results


def report(results: dict, args, image_id: str) -> list[bool]:
    """Prints each scenario's figures and ratio; returns whether each met the target."""
    print(f"DescribeImages over {args.count:,} images in {REGION}, wrk -d{args.duration}s")
    print(f"{'request':<12} {'wrk':<4} {'store':<9} {'req/s':>9} {'p50':>9} {'p99':>9} {'images':>6}")
    verdicts = []
    for connections in args.connection_counts:
        for scenario, _ in scenarios(image_id):
            key = (connections, scenario)
            for store in ("sqlite", "postgres"):
                r = results[store][key]
                print(
                    f"{scenario:<12} -c{connections:<2} {store:<9} {r['rps']:>9.0f} {fmt_us(r['p50_us']):>9} "
                    f"{fmt_us(r['p99_us']):>9} {r['images']:>6}"
                )
            rps_ratio = results["postgres"][key]["rps"] / max(results["sqlite"][key]["rps"], 1e-9)
            p50_ratio = results["postgres"][key]["p50_us"] / max(results["sqlite"][key]["p50_us"], 1e-9)
            ok = rps_ratio >= 1 / TARGET_RATIO and p50_ratio <= TARGET_RATIO
            verdicts.append(ok)
            print(
                f"{scenario:<12} -c{connections:<2} ratio     req/s PostgreSQL/SQLite {rps_ratio:.2f}x, p50 {p50_ratio:.2f}x "
                f"(target: within {TARGET_RATIO:.0f}x) {'PASS' if ok else 'FAIL'}"
            )
    return verdicts


def postgres_server(kiln_bin: Path, data_dir: Path, url: str, log: Path):
    server = kiln_server(kiln_bin, data_dir, log, "warning")
    server.argv += ["--metadata", url]
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", default="1,8", help="wrk connection counts, comma-separated")
    parser.add_argument("--kiln")
    args = parser.parse_args()
    args.connection_counts = [int(count) for count in args.connections.split(",")]
    kiln_bin = find_kiln(args.kiln)
    if kiln_bin is None:
        sys.exit("no kiln binary: build one or pass --kiln")
    wrk = ensure_wrk(True)
    work = Path(tempfile.mkdtemp(prefix="kiln-cluster-bench-"))
    try:
        sqlite_dir = work / "sqlite-data"
        seed_kiln(kiln_bin, sqlite_dir, args.count, work / "seed.log", 600)
        url = ScratchPostgres.database()
        migrated = subprocess.run([str(kiln_bin), "migrate", "--data-dir", str(sqlite_dir), "--to", url], capture_output=True, text=True)
        if migrated.returncode != 0:
            raise StepFailed(f"kiln migrate exited {migrated.returncode}: {migrated.stderr}")
        with sqlite3.connect(sqlite_dir / "kiln.sqlite") as db:
            image_id = db.execute("SELECT id FROM image ORDER BY id LIMIT 1 OFFSET ?", (args.count // 2,)).fetchone()[0]
        results = {}
        for name, server in [
            ("sqlite", kiln_server(kiln_bin, sqlite_dir, work / "sqlite.log", "warning")),
            ("postgres", postgres_server(kiln_bin, work / "pg-data", url, work / "postgres.log")),
        ]:
            (work / "pg-data").mkdir(exist_ok=True)
            wait_health(server, 120)
            try:
                results[name] = measure(Target(name, server, KILN_ACCOUNT, KILN_SECRET, True), wrk, args, work, image_id)
            finally:
                server.stop()
        verdicts = report(results, args, image_id)
        return 0 if all(verdicts) else 1
    finally:
        ScratchPostgres.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
