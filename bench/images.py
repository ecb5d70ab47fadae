#!/usr/bin/env python3
"""DescribeImages at scale: Kiln vs moto_server at 10,000 images, then Kiln alone at 1,000,000.

Phase 1 seeds 10,000 images into Kiln (`kiln debug seed-images`, server stopped) and into
moto_server (boto3 register_image from a thread pool), then replays three DescribeImages
requests against each with wrk: one image by id, a name filter with a wildcard (with and
without Owner.1=self), and the first 1,000-image page of Owner.1=self.

Phase 2 seeds Kiln alone with --scale images (default 1,000,000), runs the same requests
and reads the server's VmRSS / VmHWM from /proc. A PASS/FAIL table for the issue's targets
ends the report. See bench/README.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime as dt
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlencode

import boto3
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (  # noqa: E402  (the wrk harness)
    OUT_DIR,
    Scenario,
    Server,
    SignedRequest,
    ensure_wrk,
    find_kiln,
    fmt_us,
    free_port,
    parse_wrk,
    wrk_script,
)

REGION = "us-east-1"
NAME_PREFIX = "bench-image"
KILN_ACCOUNT = "111111111111"  # dev auth: a 12-digit access key id acts as that account
KILN_SECRET = "bench"  # dev auth accepts any secret
MOTO_ACCESS_KEY = "test"  # an unknown key: moto answers as its default account 123456789012
MOTO_SECRET = "test"
DEFAULT_NAME_PATTERN = NAME_PREFIX + "-000512*"  # 10 names in 0..9,999 and in 0..999,999
HEALTH_TIMEOUT = 300.0  # a million-image store may take a while to open
PAGE = 1000
GB = 10**9

# The targets.
TARGET_RATIO = 50.0  # Kiln req/s over moto's, each scenario, at 10,000 images
TARGET_P99_US = 5000.0  # by id and name filter, at the large scale
TARGET_RSS = GB  # resident memory at the large scale: 1 GB, taken as 10^9 bytes (the stricter reading)

_REPORT: list[str] = []


def out(line: str = "") -> None:
    """A report line: stdout, and kept for report.txt."""
    print(line, flush=True)
    _REPORT.append(line)


def note(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class StepFailed(RuntimeError):
    pass


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------


def mem_of(pid: int) -> dict:
    """VmRSS and VmHWM (bytes) of a live process, from /proc/PID/status."""
    res: dict = {}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return res
    for key in ("VmRSS", "VmHWM"):
        m = re.search(rf"^{key}:\s+(\d+)\s+kB", text, re.M)
        if m:
            res[key] = int(m.group(1)) * 1024
    return res


def cpu_of(pid: int) -> float | None:
    """user+sys CPU seconds of a live process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def mib(n: int | None) -> str:
    return "-" if n is None else f"{n / (1 << 20):,.0f} MiB"


def size(n: int | None) -> str:
    if n is None:
        return "-"
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f}MiB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):.1f}KiB"
    return f"{n}B"


def table(headers: list[str], rows: list[list]) -> None:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    fmt = "   " + "  ".join(f"{{:<{w}}}" if i < 2 else f"{{:>{w}}}" for i, w in enumerate(widths))
    out(fmt.format(*headers))
    for r in rows:
        out(fmt.format(*[str(c) for c in r]))


def image_name(index: int) -> str:
    return f"{NAME_PREFIX}-{index:07d}"


def expected_name_matches(pattern: str, count: int) -> int:
    return sum(1 for i in range(count) if fnmatch.fnmatchcase(image_name(i), pattern))


# --------------------------------------------------------------------------
# Signed requests, DescribeImages replies, wrk
# --------------------------------------------------------------------------


def sign_as(endpoint: str, sc: Scenario, access_key: str, secret: str) -> SignedRequest:
    """run.sign() with a chosen key (Kiln's account is the 12-digit key id)."""
    body = urlencode(sc.form())
    req = AWSRequest(
        method="POST",
        url=endpoint + "/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials(access_key, secret), sc.service, sc.region).add_auth(req)
    return SignedRequest("POST", req.url, dict(req.headers.items()), body)


def post(req: SignedRequest, timeout: float) -> requests.Response:
    return requests.post(req.url, data=req.body, headers=req.headers, timeout=timeout)


def parse_images(body: bytes) -> tuple[list[dict], str | None]:
    """(images as {id, name, owner, public}, nextToken) from a DescribeImages reply."""
    root = ET.fromstring(body)
    images = []
    for item in root.findall("{*}imagesSet/{*}item"):
        images.append({
            "id": item.findtext("{*}imageId"),
            "name": item.findtext("{*}name"),
            "owner": item.findtext("{*}imageOwnerId"),
            "public": item.findtext("{*}isPublic"),
        })
    token = root.findtext("{*}nextToken")
    return images, (token or None)


def body_counts(body: bytes) -> tuple[int, int]:
    """(<imageId> elements, <item> elements) in a reply: the sanity check before timing."""
    return body.count(b"<imageId>"), body.count(b"<item>")


def run_wrk(wrk: str, url: str, script: Path, args, timeout_s: int) -> tuple[dict, str]:
    """run.run_wrk with a chosen per-request timeout (moto's full listing takes seconds)."""
    argv = [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
            "--timeout", f"{timeout_s}s", "--latency", "-s", str(script), url]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=args.duration + timeout_s + 60)
    if p.returncode != 0:
        raise RuntimeError(f"wrk failed ({p.returncode}): {p.stderr.strip()}\n{p.stdout}")
    return parse_wrk(p.stdout), p.stdout


# --------------------------------------------------------------------------
# Targets under test
# --------------------------------------------------------------------------


class Target:
    """A running server and how to sign for it."""

    def __init__(self, name: str, server: Server, access_key: str, secret: str, pages: bool):
        self.name, self.server, self.access_key, self.secret = name, server, access_key, secret
        self.pages = pages  # honours MaxResults

    @property
    def endpoint(self) -> str:
        return self.server.endpoint

    @property
    def pid(self) -> int:
        return self.server.proc.pid

    def sign(self, params: dict) -> SignedRequest:
        sc = Scenario("DescribeImages", "ec2", "DescribeImages", region=REGION, params=params)
        return sign_as(self.endpoint, sc, self.access_key, self.secret)

    def describe(self, params: dict, timeout: float = 120) -> tuple[list[dict], str | None, int]:
        r = post(self.sign(params), timeout)
        if r.status_code != 200:
            raise StepFailed(f"{self.name} DescribeImages {params}: HTTP {r.status_code} "
                             f"{' '.join(r.text.split())[:300]}")
        images, token = parse_images(r.content)
        return images, token, len(r.content)


# What ends a phase (reported as FAILED; the next phase still runs).
PHASE_ERRORS = (StepFailed, RuntimeError, OSError, requests.RequestException, ET.ParseError)


def wait_health(server: Server, timeout: float) -> float:
    """Starts the server and waits for GET /health to answer 200; returns the seconds taken."""
    t0 = time.monotonic()
    server.start()  # returns on any HTTP answer (run.py's 30 s limit covers only that)
    deadline = t0 + timeout
    while True:
        try:
            if requests.get(server.endpoint + "/health", timeout=5).status_code == 200:
                return time.monotonic() - t0
        except requests.RequestException:
            pass
        if server.proc.poll() is not None:
            raise StepFailed(f"{server.name} exited with {server.proc.returncode}:\n{server.log_tail()}")
        if time.monotonic() > deadline:
            raise StepFailed(f"{server.name} /health not 200 after {timeout:.0f}s:\n{server.log_tail()}")
        time.sleep(0.1)


def kiln_server(kiln_bin: Path, data_dir: Path, log: Path, log_level: str) -> Server:
    port = free_port()
    return Server(
        "kiln",
        [str(kiln_bin), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir),
         "--auth", "dev", "--catalog", "none", "--log-level", log_level],
        port, log, "/health",
    )


def check_seed_support(kiln_bin: Path) -> str | None:
    """Why this binary cannot seed, or None."""
    try:
        p = subprocess.run([str(kiln_bin), "debug", "seed-images", "--help"], capture_output=True,
                           text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"{kiln_bin} debug seed-images --help: {e}"
    if p.returncode != 0 or "seed-images" not in (p.stdout + p.stderr):
        return (f"{kiln_bin} has no `kiln debug seed-images` (an older build?); build the current "
                "sources or pass --kiln-bin")
    return None


def seed_kiln(kiln_bin: Path, data_dir: Path, count: int, log: Path, timeout: float) -> float:
    """`kiln debug seed-images` into a stopped server's data dir; returns wall seconds."""
    data_dir.mkdir(parents=True, exist_ok=True)
    argv = [str(kiln_bin), "debug", "seed-images", "--data-dir", str(data_dir), "--count", str(count),
            "--owner", KILN_ACCOUNT, "--region", REGION, "--name-prefix", NAME_PREFIX]
    note(f"seeding Kiln: {' '.join(argv)}")
    t0 = time.monotonic()
    with open(log, "wb") as f:
        p = subprocess.Popen(argv, stdout=f, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        last_shown = 0.0
        buf = b""
        try:
            while True:
                chunk = p.stderr.read1(4096) if hasattr(p.stderr, "read1") else p.stderr.read(4096)
                if not chunk:
                    break
                f.write(chunk)
                buf = (buf + chunk)[-200:]
                now = time.monotonic()
                if now - last_shown > 10:  # progress every 10 s, on stderr
                    m = re.findall(rb"seeded (\d+)/(\d+)", buf)
                    if m:
                        note(f"  seeded {int(m[-1][0]):,}/{int(m[-1][1]):,} ({now - t0:.0f} s)")
                    last_shown = now
                if now - t0 > timeout:
                    p.kill()
                    raise StepFailed(f"kiln debug seed-images took over {timeout:.0f}s")
            p.wait(timeout=max(1.0, timeout - (time.monotonic() - t0)))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            raise StepFailed(f"kiln debug seed-images took over {timeout:.0f}s")
    took = time.monotonic() - t0
    if p.returncode != 0:
        tail = log.read_text(errors="replace")[-800:]
        raise StepFailed(f"kiln debug seed-images exited {p.returncode}:\n{tail}")
    return took


def seed_moto(endpoint: str, count: int, workers: int, timeout: float) -> float:
    """register_image × count through boto3 from a thread pool; returns wall seconds."""
    local = threading.local()
    cfg = Config(retries={"max_attempts": 2, "mode": "standard"}, max_pool_connections=workers,
                 connect_timeout=10, read_timeout=60)

    def client():
        c = getattr(local, "ec2", None)
        if c is None:
            c = local.ec2 = boto3.session.Session().client(
                "ec2", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=MOTO_ACCESS_KEY,
                aws_secret_access_key=MOTO_SECRET, config=cfg)
        return c

    def register(i: int) -> str:
        return client().register_image(Name=image_name(i))["ImageId"]

    note(f"seeding moto: {count:,} register_image calls from {workers} threads")
    t0 = time.monotonic()
    done = 0
    with cf.ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(register, i) for i in range(count)]
        try:
            for fut in cf.as_completed(futures, timeout=timeout):
                fut.result()
                done += 1
                if done % 2000 == 0:
                    note(f"  registered {done:,}/{count:,} ({time.monotonic() - t0:.0f} s)")
        except cf.TimeoutError:
            for fut in futures:
                fut.cancel()
            raise StepFailed(f"moto seeding: {done}/{count} after {timeout:.0f}s")
    return time.monotonic() - t0


# --------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------


def pick_id(target: Target, count: int) -> tuple[dict, int, str | None]:
    """One Owners=self listing (a 1,000 page where paging works); the image in the middle by name."""
    params = {"Owner.1": "self"}
    if target.pages:
        params["MaxResults"] = str(PAGE)
    t0 = time.monotonic()
    images, token, nbytes = target.describe(params, timeout=300)
    took = time.monotonic() - t0
    if not images:
        raise StepFailed(f"{target.name}: Owners=self returned no images")
    images.sort(key=lambda im: im["name"] or "")
    chosen = images[len(images) // 2]
    note(f"{target.name}: Owners=self listed {len(images):,} images ({size(nbytes)}, {took * 1e3:.0f} ms); "
         f"looking up {chosen['id']} ({chosen['name']}, owner {chosen['owner']})")
    return chosen, len(images), token


def scenarios(chosen: dict, pattern: str, token: str | None, count: int, pages: bool) -> list[dict]:
    """Each: key, label, params, expected count (None: not checked)."""
    matches = expected_name_matches(pattern, count)
    if matches == 0:
        note(f"warning: {pattern!r} matches no image among {count:,}; pick another --name-pattern")
    name_filter = {"Filter.1.Name": "name", "Filter.1.Value.1": pattern}
    rows = [
        {"key": "by-id", "label": "1. by id", "params": {"ImageId.1": chosen["id"]}, "expect": 1},
        {"key": "name", "label": f"2. name={pattern}", "params": dict(name_filter), "expect": matches},
        {"key": "name-self", "label": "2b. name + Owner=self", "params": {"Owner.1": "self", **name_filter},
         "expect": matches},
        {"key": "self-page", "label": "3. Owner=self, 1st page", "params": {"Owner.1": "self", "MaxResults": str(PAGE)},
         "expect": min(PAGE, count) if pages else count},
    ]
    if pages and token:
        rows.append({"key": "self-page2", "label": "3b. Owner=self, 2nd page",
                     "params": {"Owner.1": "self", "MaxResults": str(PAGE), "NextToken": token},
                     "expect": min(PAGE, count - PAGE)})
    return rows


def measure(target: Target, sc: dict, wrk: str, work: Path, tag: str, args) -> dict:
    """Warm up (200 and the expected image count), then wrk; a result dict."""
    req = target.sign(sc["params"])
    res: dict = {"params": sc["params"], "expect": sc["expect"]}
    # Warm-up: up to --warmup requests within 15 s, at least one.
    t0 = time.monotonic()
    first = None
    n = 0
    while n < max(1, args.warmup) and (n == 0 or time.monotonic() - t0 < 15):
        r = post(req, 120)
        n += 1
        if r.status_code != 200:
            res["error"] = f"HTTP {r.status_code} on warm-up {n}: {' '.join(r.text.split())[:300]}"
            note(f"   {target.name:<5} {sc['label']}: {res['error']}")
            return res
        if first is None:
            first = r
            res["single_ms"] = (time.monotonic() - t0) * 1e3
    ids, items = body_counts(first.content)
    res.update(images=ids, items=items, bytes=len(first.content),
               next_token="<nextToken>" in first.text)
    expect = sc["expect"]
    ok = expect is None or ids == expect
    mismatch = "" if ok else f"  (expected {expect} images: MISMATCH)"
    token_note = ", nextToken" if res["next_token"] else ""
    note(f"   {target.name:<5} {sc['label']}: HTTP 200, {ids} <imageId> / {items} <item>, "
         f"{size(len(first.content))}{token_note}; first reply {res['single_ms']:.1f} ms{mismatch}")
    if not ok:
        res["error"] = f"warm-up reply has {ids} images, expected {sc['expect']}"
        return res
    script = work / f"{tag}-{sc['key']}-{target.name}.lua"
    script.write_text(wrk_script(req))
    if res["single_ms"] / 1e3 * 4 > args.duration:
        # A reply slower than a quarter of the run (moto's full listing): wrk would complete
        # next to none and leave the server busy with abandoned requests. Time them one by one.
        note(f"   {target.name:<5} {sc['label']}: one reply takes {res['single_ms'] / 1e3:.1f} s; "
             "timing sequential requests instead of wrk")
        res.update(sequential(req, target.pid, args.duration))
        return res
    # Per-request timeout: generous where one reply is already slow (moto's full listing).
    timeout_s = int(min(120, max(5, res["single_ms"] / 1e3 * args.connections * 3)))
    cpu0 = cpu_of(target.pid)
    try:
        wres, raw = run_wrk(wrk, target.endpoint + "/", script, args, timeout_s)
    except (RuntimeError, ValueError, subprocess.TimeoutExpired) as e:
        res["error"] = str(e)[:500]
        return res
    cpu1 = cpu_of(target.pid)
    (work / f"{tag}-{sc['key']}-{target.name}.wrk.txt").write_text(raw)
    res.update(wres)
    res["wrk_timeout_s"] = timeout_s
    if cpu0 is not None and cpu1 is not None and wres.get("requests"):
        res["server_cpu_us_per_req"] = (cpu1 - cpu0) / wres["requests"] * 1e6
    if wres["non_2xx"] or wres["socket_errors"]:
        res["error_counts"] = True
    if wres.get("requests", 0) < max(4, args.connections):
        # Replies slower than the run (moto's full listing): wrk completes next to none, so
        # time requests one after another instead, for about as long.
        note(f"   {target.name:<5} {sc['label']}: wrk completed {wres.get('requests', 0)} requests; "
             "timing sequential requests instead")
        res["wrk_requests"] = wres.get("requests", 0)
        wait_idle(target.pid)  # the server may still be working on what wrk abandoned
        res.update(sequential(req, target.pid, args.duration))
    return res


def wait_idle(pid: int, limit: float = 180) -> None:
    """Until the process uses under 5% of a CPU over a second (at most `limit` seconds)."""
    deadline = time.monotonic() + limit
    last = cpu_of(pid)
    while last is not None and time.monotonic() < deadline:
        time.sleep(1)
        now = cpu_of(pid)
        if now is None or now - last < 0.05:
            return
        last = now


def sequential(req: SignedRequest, pid: int, duration: float) -> dict:
    """One request at a time for ~duration seconds (at least 3 requests, at most 180 s)."""
    samples: list[float] = []
    cpu0 = cpu_of(pid)
    t0 = time.monotonic()
    s = requests.Session()
    non_2xx = 0
    while len(samples) < 3 or time.monotonic() - t0 < duration:
        if time.monotonic() - t0 > 180:
            break
        t = time.monotonic()
        r = s.post(req.url, data=req.body, headers=req.headers, timeout=120)
        samples.append((time.monotonic() - t) * 1e6)
        non_2xx += r.status_code != 200
    elapsed = time.monotonic() - t0
    cpu1 = cpu_of(pid)
    samples.sort()

    def pct(p: float) -> float:
        return samples[min(len(samples) - 1, int(round(p / 100 * (len(samples) - 1))))]

    res = {"mode": "sequential", "requests": len(samples), "rps": len(samples) / elapsed,
           "p50_us": pct(50), "p99_us": pct(99), "max_us": samples[-1], "non_2xx": non_2xx, "socket_errors": 0}
    if cpu0 is not None and cpu1 is not None:
        res["server_cpu_us_per_req"] = (cpu1 - cpu0) / len(samples) * 1e6
    return res


def row(name: str, label: str, r: dict | None) -> list:
    if r is None:
        return [label, name, "-", "-", "-", "-", "-", "-", "-"]
    if "rps" not in r:
        return [label, name, r.get("images", "-"), size(r.get("bytes")), "FAILED", "", "", "", r.get("error", "")[:60]]
    errs = f"{r['non_2xx']}/{r['socket_errors']}"
    cpu = r.get("server_cpu_us_per_req")
    rps = f"{r['rps']:.2f}" if r["rps"] < 10 else f"{r['rps']:.1f}"
    if r.get("mode") == "sequential":
        rps += " seq"
    return [label, name, r["images"], size(r["bytes"]), rps, fmt_us(r["p50_us"]),
            fmt_us(r["p99_us"]), fmt_us(cpu) if cpu is not None else "-", errs]


HEAD = ["scenario", "target", "images", "reply", "req/s", "p50", "p99", "cpu/req", "non2xx/sock"]


# --------------------------------------------------------------------------
# Phases
# --------------------------------------------------------------------------


def phase_compare(kiln_bin: Path, data_root: Path, work: Path, wrk: str, args, failed: list) -> dict:
    count = args.compare_count
    out(f"\n== Phase 1: DescribeImages at {count:,} images, Kiln vs moto_server "
        f"(wrk -t{args.threads} -c{args.connections} -d{args.duration}s)")
    phase: dict = {"count": count, "scenarios": {}}
    targets: dict[str, Target] = {}
    try:
        ddir = data_root / "kiln-compare"
        phase["kiln_seed_s"] = seed_kiln(kiln_bin, ddir, count, work / "kiln-seed-compare.log", args.step_timeout)
        srv = kiln_server(kiln_bin, ddir, work / "kiln-compare.log", args.kiln_log_level)
        phase["kiln_start_s"] = wait_health(srv, HEALTH_TIMEOUT)
        targets["kiln"] = Target("kiln", srv, KILN_ACCOUNT, KILN_SECRET, pages=True)

        moto = shutil.which("moto_server")
        if moto is None:
            raise StepFailed("moto_server not found: pip install 'moto[server]'")
        port = free_port()
        msrv = Server("moto", [moto, "-H", "127.0.0.1", "-p", str(port)], port, work / "moto.log", "/moto-api/")
        msrv.start()
        targets["moto"] = Target("moto", msrv, MOTO_ACCESS_KEY, MOTO_SECRET, pages=False)
        phase["moto_seed_s"] = seed_moto(msrv.endpoint, count, args.moto_workers, args.step_timeout)
        out(f"   seeding {count:,} images: kiln {phase['kiln_seed_s']:.1f} s (kiln debug seed-images, "
            f"then /health in {phase['kiln_start_s']:.1f} s); moto {phase['moto_seed_s']:.1f} s "
            f"(boto3 register_image, {args.moto_workers} threads)")

        per_target = {}
        for name, t in targets.items():
            chosen, listed, token = pick_id(t, count)
            per_target[name] = scenarios(chosen, args.name_pattern, token, count, t.pages)
            phase.setdefault("picked", {})[name] = {**chosen, "listed": listed}
        keys = [s["key"] for s in per_target["kiln"]]
        for key in keys:
            results = {}
            label = next(s["label"] for s in per_target["kiln"] if s["key"] == key)
            for name, t in targets.items():
                sc = next((s for s in per_target[name] if s["key"] == key), None)
                if sc is None:
                    continue
                r = measure(t, sc, wrk, work, "compare", args)
                if "error" in r:
                    failed.append(f"phase 1 {key} {name}: {r['error']}")
                results[name] = r
            phase["scenarios"][key] = {"label": label, **results}
        for name, t in targets.items():
            phase.setdefault("memory", {})[name] = mem_of(t.pid)

        rows = []
        for key, sc in phase["scenarios"].items():
            for name in ("kiln", "moto"):
                if name in sc:
                    rows.append(row(name, sc["label"] if name == "kiln" else "", sc[name]))
            k, m = sc.get("kiln", {}), sc.get("moto", {})
            if "rps" in k and "rps" in m and m["rps"]:
                rows.append(["", "kiln/moto", "", "", f"x{k['rps'] / m['rps']:.1f}",
                             f"x{k['p50_us'] / m['p50_us']:.3f}", f"x{k['p99_us'] / m['p99_us']:.3f}", "", ""])
        out("")
        table(HEAD, rows)
        sp = phase["scenarios"].get("self-page", {})
        if "moto" in sp and "bytes" in sp["moto"]:
            out(f"   note: moto ignores MaxResults and returns all {sp['moto'].get('images', '?'):,} images "
                f"({size(sp['moto']['bytes'])} per reply) where Kiln returns a {PAGE:,}-image page "
                f"({size(sp.get('kiln', {}).get('bytes'))}) with a nextToken.")
        mem = phase.get("memory", {})
        out(f"   resident memory after the runs: kiln VmRSS {mib(mem.get('kiln', {}).get('VmRSS'))}, "
            f"VmHWM {mib(mem.get('kiln', {}).get('VmHWM'))}; moto VmRSS {mib(mem.get('moto', {}).get('VmRSS'))}")
        out("   cpu/req: the server's user+sys CPU over the wrk run divided by the requests completed;"
            " 'seq': too slow for wrk, timed one request at a time.")
    except PHASE_ERRORS as e:
        failed.append(f"phase 1: {e}")
        out(f"   FAILED: {e}")
    finally:
        for t in targets.values():
            t.server.stop()
    return phase


def phase_scale(kiln_bin: Path, data_root: Path, work: Path, wrk: str, args, failed: list) -> dict:
    count = args.scale
    out(f"\n== Phase 2: Kiln alone at {count:,} images "
        f"(wrk -t{args.threads} -c{args.connections} -d{args.duration}s)")
    phase: dict = {"count": count, "scenarios": {}}
    srv = None
    try:
        ddir = data_root / "kiln-scale"
        phase["seed_s"] = seed_kiln(kiln_bin, ddir, count, work / "kiln-seed-scale.log", args.step_timeout)
        db = ddir / "kiln.sqlite"
        phase["db_bytes"] = sum(p.stat().st_size for p in ddir.glob("kiln.sqlite*")) if db.exists() else None
        srv = kiln_server(kiln_bin, ddir, work / "kiln-scale.log", args.kiln_log_level)
        phase["start_s"] = wait_health(srv, HEALTH_TIMEOUT)
        t = Target("kiln", srv, KILN_ACCOUNT, KILN_SECRET, pages=True)
        phase["mem_idle"] = mem_of(t.pid)
        out(f"   seeded {count:,} images in {phase['seed_s']:.1f} s ({count / phase['seed_s']:,.0f}/s; "
            f"kiln.sqlite* {size(phase['db_bytes'])}); /health 200 after {phase['start_s']:.1f} s; "
            f"VmRSS idle {mib(phase['mem_idle'].get('VmRSS'))}")
        chosen, listed, token = pick_id(t, count)
        phase["picked"] = {**chosen, "listed": listed}
        for sc in scenarios(chosen, args.name_pattern, token, count, True):
            r = measure(t, sc, wrk, work, "scale", args)
            if "error" in r:
                failed.append(f"phase 2 {sc['key']}: {r['error']}")
            phase["scenarios"][sc["key"]] = {"label": sc["label"], "kiln": r}
        phase["mem_after"] = mem_of(t.pid)
        out("")
        table(HEAD, [row("kiln", sc["label"], sc["kiln"]) for sc in phase["scenarios"].values()])
        m = phase["mem_after"]
        out(f"   server memory after the runs: VmRSS {mib(m.get('VmRSS'))}, VmHWM (peak) {mib(m.get('VmHWM'))}")
    except PHASE_ERRORS as e:
        failed.append(f"phase 2: {e}")
        out(f"   FAILED: {e}")
    finally:
        if srv is not None:
            srv.stop()
    return phase


def verdicts(compare: dict | None, scale: dict | None) -> list[list[str]]:
    rows = []

    def verdict(ok: bool | None) -> str:
        return "n/a" if ok is None else ("PASS" if ok else "FAIL")

    if compare is not None:
        n = compare["count"]
        for key in ("by-id", "name", "name-self", "self-page"):
            sc = compare["scenarios"].get(key, {})
            k, m = sc.get("kiln", {}), sc.get("moto", {})
            ratio = k["rps"] / m["rps"] if "rps" in k and "rps" in m and m["rps"] else None
            extra = " (moto: full list)" if key == "self-page" else ""
            rows.append([f"{n:,} images, {sc.get('label', key)}: kiln req/s >= {TARGET_RATIO:.0f}x moto{extra}",
                         "-" if ratio is None else f"x{ratio:.1f}", verdict(None if ratio is None else ratio >= TARGET_RATIO)])
    if scale is not None:
        n = scale["count"]
        for key in ("by-id", "name", "name-self"):
            sc = scale["scenarios"].get(key, {})
            k = sc.get("kiln", {})
            p99 = k.get("p99_us") if "rps" in k else None
            rows.append([f"{n:,} images, {sc.get('label', key)}: p99 < {fmt_us(TARGET_P99_US)}",
                         fmt_us(p99), verdict(None if p99 is None else p99 < TARGET_P99_US)])
        hwm = scale.get("mem_after", {}).get("VmHWM")
        rss = scale.get("mem_after", {}).get("VmRSS")
        rows.append([f"{n:,} images: resident memory < 1 GB = 10^9 B (peak VmHWM; VmRSS {mib(rss)})",
                     mib(hwm), verdict(None if hwm is None else hwm < TARGET_RSS)])
        if n != 1_000_000:
            rows.append([f"(the p99 and memory targets are set at 1,000,000 images; this run used {n:,})", "", ""])
    return rows


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    ap.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    ap.add_argument("--scale", "--million", dest="scale", type=int, default=1_000_000, metavar="N",
                    help="images for the Kiln-alone phase (default 1,000,000)")
    ap.add_argument("--skip-million", action="store_true", help="skip the Kiln-alone phase")
    ap.add_argument("--skip-compare", action="store_true", help="skip the Kiln vs moto phase")
    ap.add_argument("--compare-count", type=int, default=10_000, metavar="N",
                    help="images for the Kiln vs moto phase (default 10,000)")
    ap.add_argument("--name-pattern", default=DEFAULT_NAME_PATTERN,
                    help=f"name filter value (default {DEFAULT_NAME_PATTERN!r}: 10 images at both scales)")
    ap.add_argument("--moto-workers", type=int, default=8, help="threads registering moto's images (default 8)")
    ap.add_argument("--warmup", type=int, default=20, help="warm-up requests per run, within 15 s (default 20)")
    ap.add_argument("--kiln-bin", help="kiln binary (default $KILN_BIN, else .build/release/kiln, "
                    "else .build/debug/kiln)")
    ap.add_argument("--kiln-log-level", default="warning", help="kiln --log-level (default warning)")
    ap.add_argument("--step-timeout", type=float, default=1800, help="seconds for one seeding step (default 1800)")
    ap.add_argument("--keep", action="store_true", help="keep the temp data dirs")
    ap.add_argument("--no-install", action="store_true", help="do not apt-get install wrk")
    ap.add_argument("--json", type=Path, help="results JSON (default bench/out/<run>-images/results.json)")
    args = ap.parse_args(argv)

    if not 1 <= args.duration <= 600:
        ap.error("--duration must be 1..600 seconds")
    if not 1 <= args.connections <= 1024:
        ap.error("--connections must be 1..1024")
    if args.scale < 1 or args.compare_count < 1:
        ap.error("--scale and --compare-count must be positive")
    if args.skip_million and args.skip_compare:
        ap.error("nothing to run")
    args.threads = min(args.threads, args.connections)

    kiln_bin = find_kiln(args.kiln_bin)
    if kiln_bin is None:
        sys.exit("kiln binary not found (build it, or pass --kiln-bin / KILN_BIN)")
    why = check_seed_support(kiln_bin)
    if why:
        sys.exit(why)
    if "/debug/" in str(kiln_bin):
        note(f"note: {kiln_bin} is a debug build; numbers are not representative")
    wrk = ensure_wrk(not args.no_install)
    wrk_version = subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout.splitlines()[:1]

    run_id = time.strftime("%Y%m%d-%H%M%S") + "-images"
    work = OUT_DIR / run_id
    work.mkdir(parents=True, exist_ok=True)
    data_root = Path(tempfile.mkdtemp(prefix="kiln-bench-images-"))
    meta = {
        "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "kiln_bin": str(kiln_bin),
        "duration_s": args.duration, "connections": args.connections, "threads": args.threads,
        "cpus": os.cpu_count(), "load": os.getloadavg(), "wrk": wrk_version[0] if wrk_version else "?",
        "name_pattern": args.name_pattern,
    }
    out(f"kiln {kiln_bin}{'  (DEBUG BUILD)' if '/debug/' in str(kiln_bin) else ''}; "
        f"{os.cpu_count()} CPUs shared by wrk and the server; load {os.getloadavg()[0]:.2f}")
    failed: list[str] = []
    compare = scale = None
    try:
        if not args.skip_compare:
            compare = phase_compare(kiln_bin, data_root, work, wrk, args, failed)
        if not args.skip_million:
            scale = phase_scale(kiln_bin, data_root, work, wrk, args, failed)
        meta["load_end"] = os.getloadavg()
        out(f"\nload average (1 min): {meta['load'][0]:.2f} at the start, {meta['load_end'][0]:.2f} at the end"
            " (the end includes this run's own wrk and server)"
            f"{'; the machine was busy before the run: rerun when it is idle' if meta['load'][0] > 1.0 else ''}")
        out("\n== Targets")
        table(["target", "measured", "result"], verdicts(compare, scale))
        if failed:
            out("\nfailed steps:")
            for f in failed:
                out(f"   {f}")
        res_path = args.json or work / "results.json"
        res_path.parent.mkdir(parents=True, exist_ok=True)
        res_path.write_text(json.dumps({"meta": meta, "compare": compare, "scale": scale, "failed": failed},
                                       indent=2, default=str))
        (work / "report.txt").write_text("\n".join(_REPORT) + "\n")
        out(f"\nresults: {res_path}\n(report, wrk scripts and output, server and seeding logs in {work})")
        if args.keep:
            out(f"data dirs kept in {data_root}")
        return 1 if failed else 0
    finally:
        if not args.keep:
            shutil.rmtree(data_root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
