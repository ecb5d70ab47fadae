#!/usr/bin/env python3
"""Kiln vs moto_server throughput/latency benchmark driven by wrk.

Starts Kiln and moto_server on free loopback ports, signs one request per
scenario and target with botocore's SigV4 signer, checks it answers 200, then
replays it with wrk (one Lua script per scenario and target) and prints req/s,
p50 and p99 per scenario with the Kiln/moto ratio. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = REPO / "bench" / "out"

API_VERSIONS = {"ec2": "2016-11-15", "sts": "2011-06-15"}
ACCESS_KEY = "test"  # dev auth: any key; not 12 digits -> default account
SECRET_KEY = "test"
STARTUP_TIMEOUT = 30.0


# --------------------------------------------------------------------------
# Scenarios: extend this list. `params` are the Query parameters besides
# Action/Version (already flattened: "RegionName.1": "us-east-1", ...).
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    service: str  # SigV4 signing name, also picks the API version
    action: str
    region: str = "us-east-1"
    params: dict = field(default_factory=dict)
    note: str = ""

    def form(self) -> dict:
        return {"Action": self.action, "Version": API_VERSIONS[self.service], **self.params}


SCENARIOS: list[Scenario] = [
    Scenario("DescribeRegions", "ec2", "DescribeRegions", note="EC2 Query, static data"),
    Scenario("GetCallerIdentity", "sts", "GetCallerIdentity", note="STS Query, account from key"),
]


# --------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name: str, argv: list[str], port: int, log_path: Path, health_path: str):
        self.name, self.argv, self.port = name, argv, port
        self.log_path, self.health_path = log_path, health_path
        self.proc: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            self.argv,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # own process group, so stop() reaches its children
        )
        log.close()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.proc.returncode} at startup:\n{self.log_tail()}"
                )
            try:
                requests.get(self.endpoint + self.health_path, timeout=1)
                return  # any HTTP answer means it is listening
            except requests.RequestException:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} not answering after {STARTUP_TIMEOUT}s:\n{self.log_tail()}")

    def log_tail(self, n: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=5)


def moto_server(work: Path) -> Server:
    """A moto_server on a free port, logging into `work` (not started); exits when moto is missing."""
    moto = shutil.which("moto_server")
    if moto is None:
        sys.exit("moto_server not found: pip install 'moto[server]'")
    port = free_port()
    return Server("moto", [moto, "-H", "127.0.0.1", "-p", str(port)], port, work / "moto.log", "/moto-api/")


def kiln_server(kiln_bin: Path, work: Path) -> Server:
    """A Kiln on a free port with dev auth, instant latency and no catalogue, its data and log
    in `work` (not started): what the benchmarks of one kind of call run against."""
    port = free_port()
    return Server(
        "kiln",
        [str(kiln_bin), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(work / "kiln-data"), "--auth", "dev",
         "--latency", "instant", "--log-level", "warning", "--catalog", "none"],
        port, work / "kiln.log", "/health",
    )


def kiln_or_exit(explicit: str | None) -> Path:
    """The kiln binary `find_kiln` picks; exits with how to build one when there is none."""
    found = find_kiln(explicit)
    if found is None:
        sys.exit("kiln binary not found: swift build -c release")
    return found


def find_kiln(explicit: str | None) -> Path | None:
    chosen = explicit or os.environ.get("KILN_BIN")
    if chosen:
        candidates = [Path(chosen)]  # an explicit choice gets no silent fallback
    else:
        candidates = [REPO / ".build" / "release" / "kiln", REPO / ".build" / "debug" / "kiln"]
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return c
    return None


def ensure_wrk(allow_install: bool) -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if not allow_install:
        sys.exit("wrk not found; install it with: apt-get update && apt-get install -y wrk")
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit("wrk not found and cannot apt-get here; install wrk and retry")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    print("wrk not found: apt-get install -y wrk", file=sys.stderr)
    r = subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, capture_output=True, text=True)
    if r.returncode != 0:  # package lists may be missing or stale
        print("  install failed; running apt-get update first", file=sys.stderr)
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, text=True, timeout=300)
        r = subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, capture_output=True, text=True)
    wrk = shutil.which("wrk")
    if r.returncode != 0 or not wrk:
        sys.exit(f"could not install wrk:\n{r.stdout[-1500:]}\n{r.stderr[-1500:]}")
    return wrk


# --------------------------------------------------------------------------
# Signed requests and wrk scripts
# --------------------------------------------------------------------------


@dataclass
class SignedRequest:
    method: str
    url: str
    headers: dict
    body: str


def sign(endpoint: str, sc: Scenario) -> SignedRequest:
    body = urlencode(sc.form())
    req = AWSRequest(
        method="POST",
        url=endpoint + "/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), sc.service, sc.region).add_auth(req)
    return SignedRequest("POST", req.url, dict(req.headers.items()), body)


def lua_str(s: str) -> str:
    """A double-quoted Lua string literal for s."""
    out = []
    for ch in s.encode():
        c = chr(ch)
        if c in '"\\':
            out.append("\\" + c)
        elif 32 <= ch < 127:
            out.append(c)
        else:
            out.append(f"\\{ch:03d}")
    return '"' + "".join(out) + '"'


# done() prints one JSON line; latency values from wrk are in microseconds.
LUA_DONE = r"""
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.2f,' ..
    '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def wrk_script(req: SignedRequest) -> str:
    lines = [
        "-- generated by bench/run.py: replays one SigV4-signed request",
        f"wrk.method = {lua_str(req.method)}",
        'wrk.path = "/"',
        f"wrk.body = {lua_str(req.body)}",
    ]
    for k, v in req.headers.items():
        if k.lower() in ("host", "content-length"):
            continue  # wrk adds both itself (host is 127.0.0.1:PORT, as signed)
        lines.append(f"wrk.headers[{lua_str(k)}] = {lua_str(v)}")
    return "\n".join(lines) + "\n" + LUA_DONE


# --------------------------------------------------------------------------
# wrk output
# --------------------------------------------------------------------------

_UNITS = {"us": 1.0, "ms": 1e3, "s": 1e6, "m": 60e6, "h": 3600e6}


def _to_us(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not m:
        raise ValueError(text)
    return float(m.group(1)) * _UNITS[m.group(2)]


def parse_wrk(stdout: str) -> dict:
    """req/s, p50/p99 (microseconds) and error counts from wrk --latency output."""
    res: dict = {}
    for line in stdout.splitlines():
        if line.startswith("WRKJSON "):
            d = json.loads(line[len("WRKJSON "):])
            res.update(
                requests=d["requests"],
                rps=d["requests"] / (d["duration_us"] / 1e6) if d["duration_us"] else 0.0,
                p50_us=float(d["p50_us"]),
                p90_us=float(d["p90_us"]),
                p99_us=float(d["p99_us"]),
                max_us=float(d["max_us"]),
                socket_errors=d["err_connect"] + d["err_read"] + d["err_write"] + d["err_timeout"],
                non_2xx=d["err_status"],
            )
    # Text form: a fallback, and a cross-check of the JSON line.
    m = re.search(r"^Requests/sec:\s+([\d.]+)", stdout, re.M)
    if m:
        res.setdefault("rps", float(m.group(1)))
    for pct, key in (("50", "p50_us"), ("99", "p99_us")):
        m = re.search(rf"^\s+{pct}%\s+(\S+)", stdout, re.M)
        if m:
            res.setdefault(key, _to_us(m.group(1)))
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", stdout)
    res.setdefault("non_2xx", int(m.group(1)) if m else 0)
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", stdout)
    res.setdefault("socket_errors", sum(map(int, m.groups())) if m else 0)
    m = re.search(r"(\d+) requests in", stdout)
    if m:
        res.setdefault("requests", int(m.group(1)))
    if "rps" not in res or "p50_us" not in res or "p99_us" not in res:
        raise ValueError("could not parse wrk output:\n" + stdout)
    return res


def run_wrk(wrk: str, url: str, script: Path, args) -> tuple[dict, str]:
    argv = [
        wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "5s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=args.duration + 60)
    if p.returncode != 0:
        raise RuntimeError(f"wrk failed ({p.returncode}): {p.stderr.strip()}\n{p.stdout}")
    return parse_wrk(p.stdout), p.stdout


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def fmt_us(us: float | None) -> str:
    if us is None:
        return "-"
    if us >= 1e6:
        return f"{us / 1e6:.2f}s"
    if us >= 1e3:
        return f"{us / 1e3:.2f}ms"
    return f"{us:.0f}us"


def ratio(a, b) -> str:
    if a is None or b is None or not b:
        return "n/a"
    return f"x{a / b:.2f}"


def warm_up(req: SignedRequest, count: int) -> tuple[bool, str]:
    s = requests.Session()
    for i in range(max(1, count)):
        r = s.post(req.url, data=req.body, headers=req.headers, timeout=10)
        if r.status_code != 200:
            snippet = " ".join(r.text.split())[:300]
            return False, f"HTTP {r.status_code} on warm-up request {i + 1}: {snippet}"
    return True, ""


def print_table(sc: Scenario, results: dict) -> None:
    print(f"\n== {sc.name}  ({sc.service} {sc.action}, {sc.region}) {sc.note}")
    print(f"   {'target':<6} {'req/s':>10} {'p50':>10} {'p99':>10} {'non-2xx':>8} {'sock-err':>8}")
    for tgt in ("kiln", "moto"):
        r = results.get(tgt)
        if r is None:
            continue
        if "error" in r:
            print(f"   {tgt:<6} FAILED: {r['error']}")
            continue
        print(
            f"   {tgt:<6} {r['rps']:>10.1f} {fmt_us(r['p50_us']):>10} {fmt_us(r['p99_us']):>10}"
            f" {r['non_2xx']:>8} {r['socket_errors']:>8}"
        )
    k, m = results.get("kiln", {}), results.get("moto", {})
    if "rps" in k and "rps" in m:
        print(
            f"   kiln/moto: req/s {ratio(k['rps'], m['rps'])}"
            f"   p50 {ratio(k['p50_us'], m['p50_us'])}   p99 {ratio(k['p99_us'], m['p99_us'])}"
            "   (req/s: higher is better for kiln; latency: lower)"
        )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    ap.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    ap.add_argument("--scenario", action="append", metavar="NAME",
                    help="run only these scenarios (repeatable); default all")
    ap.add_argument("--targets", default="kiln,moto", help="comma list of kiln,moto (default both)")
    ap.add_argument("--kiln-bin", help="kiln binary (default $KILN_BIN, else .build/release/kiln, "
                    "else .build/debug/kiln)")
    ap.add_argument("--kiln-log-level", default="warning", help="kiln --log-level (default warning)")
    ap.add_argument("--kiln-arg", action="append", default=[], metavar="ARG",
                    help="extra argument for kiln serve (repeatable)")
    ap.add_argument("--warmup", type=int, default=20, help="warm-up requests per target (default 20)")
    ap.add_argument("--no-install", action="store_true", help="do not apt-get install wrk")
    ap.add_argument("--json", type=Path, help="write results JSON here (default bench/out/<run>/results.json)")
    ap.add_argument("--list", action="store_true", help="list scenarios and exit")
    args = ap.parse_args(argv)

    if args.list:
        for sc in SCENARIOS:
            print(f"{sc.name:<24} {sc.service:<4} {sc.region:<12} {sc.action} {sc.params or ''}")
        return 0
    if args.duration < 1 or args.duration > 600:
        ap.error("--duration must be 1..600 seconds")
    if args.connections < 1 or args.connections > 1024:
        ap.error("--connections must be 1..1024")
    threads = min(args.threads, args.connections)
    args.threads = threads

    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    if not set(targets) <= {"kiln", "moto"} or not targets:
        ap.error("--targets takes kiln and/or moto")
    scenarios = SCENARIOS
    if args.scenario:
        unknown = set(args.scenario) - {s.name for s in SCENARIOS}
        if unknown:
            ap.error(f"unknown scenario(s) {sorted(unknown)}; see --list")
        scenarios = [s for s in SCENARIOS if s.name in args.scenario]

    wrk = ensure_wrk(not args.no_install)
    wrk_version = subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout.splitlines()[:1]

    run_id = time.strftime("%Y%m%d-%H%M%S")
    work = OUT_DIR / run_id  # scripts, wrk output, server logs (bench/out is git-ignored)
    work.mkdir(parents=True, exist_ok=True)
    data_root = Path(tempfile.mkdtemp(prefix="kiln-bench-data-"))
    servers: dict[str, Server] = {}
    meta = {
        "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "duration_s": args.duration,
        "connections": args.connections,
        "threads": args.threads,
        "cpus": os.cpu_count(),
        "wrk": wrk_version[0] if wrk_version else "?",
    }
    try:
        if "kiln" in targets:
            kiln_bin = find_kiln(args.kiln_bin)
            if kiln_bin is None:
                sys.exit("kiln binary not found (build it, or pass --kiln-bin / KILN_BIN, "
                         "or run with --targets moto)")
            meta["kiln_bin"] = str(kiln_bin)
            if "/debug/" in str(kiln_bin):
                print(f"note: {kiln_bin} is a debug build; numbers are not representative",
                      file=sys.stderr)
            port = free_port()
            servers["kiln"] = Server(
                "kiln",
                [str(kiln_bin), "serve", "--host", "127.0.0.1", "--port", str(port),
                 "--data-dir", str(data_root), "--auth", "dev", "--latency", "instant",
                 "--log-level", args.kiln_log_level, *args.kiln_arg],
                port, work / "kiln.log", "/health",
            )
        if "moto" in targets:
            servers["moto"] = moto_server(work)
        for srv in servers.values():
            srv.start()
            print(f"{srv.name:<5} up at {srv.endpoint}  (log {srv.log_path})", file=sys.stderr)

        print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency; "
              f"{os.cpu_count()} CPUs shared by wrk and the server under test", file=sys.stderr)
        all_results = []
        failed = False
        for sc in scenarios:
            results: dict = {}
            for name, srv in servers.items():
                req = sign(srv.endpoint, sc)
                ok, why = warm_up(req, args.warmup)
                if not ok:
                    results[name] = {"error": why}
                    failed = True
                    continue
                script = work / f"{sc.name}-{name}.lua"
                script.write_text(wrk_script(req))
                try:
                    res, raw = run_wrk(wrk, srv.endpoint + "/", script, args)
                except (RuntimeError, ValueError, subprocess.TimeoutExpired) as e:
                    results[name] = {"error": str(e)[:500]}
                    failed = True
                    continue
                if res["non_2xx"] or res["socket_errors"]:
                    failed = True
                (work / f"{sc.name}-{name}.wrk.txt").write_text(raw)
                results[name] = res
            print_table(sc, results)
            all_results.append({"scenario": sc.name, "service": sc.service, "action": sc.action,
                                "region": sc.region, "params": sc.params, "results": results})

        out = args.json or work / "results.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"meta": meta, "scenarios": all_results}, indent=2))
        print(f"\nresults: {out}\n(wrk scripts, wrk output and server logs in {work})")
        return 1 if failed else 0
    finally:
        for srv in servers.values():
            srv.stop()
        shutil.rmtree(data_root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
