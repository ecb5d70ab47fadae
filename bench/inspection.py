#!/usr/bin/env python3
"""Image inspection: `kiln image inspect` of a 2 GiB ext4 image against `kiln image export` of
the same image.

Steps, on a build of Kiln with its own data dir:
  1. import the ext4 image that bench/dataplane.py caches (bench/out/cache/ext4-2G.img; built
     with mke2fs -d when missing) with `kiln image import --register`;
  2. `kiln image inspect AMI --json`, timed end to end (the server reads every block of the
     volume once from the block store, walks the ext4 file system and reads the small files);
  3. `kiln image export AMI -o FILE`, timed end to end (every block through GetSnapshotBlock,
     written sparse).

The issue's target: the scan runs at the block store's read speed, so it takes no longer than
the export. Prints both times, their ratio, the scan's read rate, and PASS or FAIL.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import Server, find_kiln, free_port  # noqa: E402

ACCOUNT = "111111111111"


def cached_image(size_label: str) -> Path:
    image = HERE / "out" / "cache" / f"ext4-{size_label}.img"
    if not image.exists():
        print(f"building {image} with bench/dataplane.py's image builder...", file=sys.stderr)
        import dataplane

        image, _ = dataplane.build_image(dataplane.parse_size(size_label), 0.5, False)
    return image


def timed(argv: list[str], env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    run = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, run.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="2G", help="size label of the cached ext4 image (default 2G)")
    ap.add_argument("--image", help="an ext4 disk image to use instead of the cached one")
    ap.add_argument("--kiln-bin", help="kiln binary (default: $KILN_BIN, .build/release/kiln, .build/debug/kiln)")
    ap.add_argument("--rounds", type=int, default=3, help="runs of each, the best counts (default 3)")
    args = ap.parse_args()
    kiln_bin = find_kiln(args.kiln_bin)
    if kiln_bin is None:
        sys.exit("kiln binary not found: swift build -c release")
    image_path = Path(args.image) if args.image else cached_image(args.size)
    size = image_path.stat().st_size
    (HERE / "out").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="kiln-bench-inspect-", dir=str(HERE / "out")))
    port = free_port()
    server = Server(
        "kiln",
        [str(kiln_bin), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(work / "data"), "--auth", "dev",
         "--latency", "instant", "--log-level", "warning", "--catalog", "none"],
        port, work / "kiln.log", "/health",
    )
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCOUNT, "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1"}
    endpoint = ["--endpoint-url", f"http://127.0.0.1:{port}"]
    inspect_times, export_times = [], []
    try:
        server.start()
        print(f"importing {image_path} ({size >> 20} MiB)...", file=sys.stderr)
        _, out = timed([str(kiln_bin), "image", "import", str(image_path), "--name", "bench-inspect", "--register", *endpoint], env)
        image = out.strip().splitlines()[-1]
        for _ in range(args.rounds):
            seconds, out = timed([str(kiln_bin), "image", "inspect", image, "--json", *endpoint], env)
            inspect_times.append(seconds)
            report = json.loads(out)
            seconds, _ = timed([str(kiln_bin), "image", "export", image, "-o", str(work / "export.img"), *endpoint], env)
            export_times.append(seconds)
            (work / "export.img").unlink()
    finally:
        server.stop()
    volume = report["volumes"][0]
    fs = volume["layout"]["fileSystems"]
    files = sum(f["files"] for f in fs)
    inspect_best, export_best = min(inspect_times), min(export_times)
    mapped = volume["mappedBytes"]
    print(f"\nkiln image inspect vs kiln image export of a {size >> 20} MiB ext4 image "
          f"({mapped >> 20} MiB in blocks, {files} files, {sum(len(f['findings']) for f in fs) + len(volume['rawFindings'])} findings)")
    print(f"{'what':<22} {'best s':>8} {'MB/s (blocks)':>14}")
    print(f"{'inspect':<22} {inspect_best:>8.2f} {mapped / inspect_best / 1e6:>14.0f}")
    print(f"{'export':<22} {export_best:>8.2f} {mapped / export_best / 1e6:>14.0f}")
    print(f"server-side scan: {report['scanSeconds']:.2f} s at {report['scanBytesPerSecond'] / 1e6:.0f} MB/s")
    ratio = inspect_best / export_best
    ok = ratio <= 1.0
    print(f"\n{'PASS' if ok else 'FAIL'}: inspect takes {ratio:.2f}x the export's time (target: at most 1x)")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
