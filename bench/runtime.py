#!/usr/bin/env python3
"""The QEMU runtime's numbers, one run on this machine:

* boot time of the fixture disk, from RunInstances to the console marker (TCG here);
* guest disk throughput on a Kiln volume served over NBD against the same disk as a local
  raw file under the same QEMU command line: sequential write and read (1 MiB, O_DIRECT)
  and 4 KiB random writes (O_DIRECT, then fsync), as ratios (targets: sequential >= 0.7x,
  random writes >= 0.5x); against the same file opened with direct I/O (libvirt's
  cache=none), whose reads come from the disk as Kiln's reads of its own packs do; against
  the raw file served by qemu-nbd, QEMU's own NBD server;
  and against bench/nbd_ceiling.c, an NBD server that keeps nothing (writes dropped, reads
  from one buffer): the most any NBD server can give the guest under this QEMU, here;
* the memory Kiln itself uses per running instance (its RSS with two machines running,
  less its RSS with none, halved).

Usage: KILN_BIN=.build/release/kiln python3 bench/runtime.py [--seq-mib 1024] [--writes 3000]
The sequential size is also the span of the random writes. 1 GiB, the whole data volume, is far
more than the caches hold, so the figures include storing blocks, not only filling caches; and
it spreads thin the fixed cost of the commit that answers the guest's fsync at a phase's end
(--seq-mib 256 shows that cost).
Needs what scripts/install-deps.sh bench installs, and gcc with a static libc for the guest's
benchmark program (bench/guest_io.c) and the ceiling server (bench/nbd_ceiling.c).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from kiln_harness import DEV_ARGS, KilnServer, make_client, run_kiln  # noqa: E402

FIXTURE = ROOT / "tests" / "e2e" / "fixtures" / "build_boot_disk.py"
# The NVMe controllers' largest transfer, 2^8 4 KiB pages (1 MiB): the same as Kiln's machines
# (MachineSpec.transferExponent), so that both disks see the same requests.
TRANSFER_EXPONENT = 8
RESULT = re.compile(r"KILN-BENCH seq_write_mibps=([\d.]+) seq_read_mibps=([\d.]+) randwrite_iops=([\d.]+)")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def console(ec2, instance_id: str) -> str:
    return ec2.get_console_output(InstanceId=instance_id, Latest=True).get("Output", "")  # botocore decodes the base64


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise SystemExit(f"timed out waiting for {what}")


def build_disks(work: Path, seq_mib: int, writes: int) -> tuple[Path, Path]:
    binary = work / "guest_io"
    subprocess.run(["gcc", "-O2", "-static", "-o", str(binary), str(ROOT / "bench" / "guest_io.c")], check=True)
    subprocess.run(["gcc", "-O2", "-o", str(work / "nbd_ceiling"), str(ROOT / "bench" / "nbd_ceiling.c")], check=True)
    poweroff = work / "poweroff.raw"
    bench = work / "bench.raw"
    subprocess.run([sys.executable, str(FIXTURE), str(poweroff), "--mode", "poweroff"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, str(FIXTURE), str(bench), "--mode", "bench", "--bench-binary", str(binary),
                    "--bench-args", f"{seq_mib} {writes}"], check=True, stdout=subprocess.DEVNULL)
    return poweroff, bench


def reference_run(bench_disk: Path, work: Path, serve: str = "file") -> tuple[float, float, float]:
    """The same guest and QEMU command line, its disks served another way. With `serve`:
    "file", both are local raw files that QEMU opens itself, through the host's page cache;
    "file-direct", the same with direct I/O (`cache.direct`, as libvirt's `cache=none`), so
    that reads come from the disk, as Kiln's reads of blocks it wrote do (its packs are
    written with direct I/O); "qemu-nbd", qemu-nbd (QEMU's own NBD server) serves those files
    on Unix sockets; "ceiling", the root is a local raw file and bench/nbd_ceiling.c serves
    the data disk, keeping nothing."""
    label = serve
    root = work / f"{label}-root.raw"
    data = work / f"{label}-data.raw"
    shutil.copyfile(bench_disk, root)
    with open(data, "wb") as handle:
        handle.truncate(1 << 30)
    log = work / f"{label}-console.log"
    arguments = [
        "qemu-system-x86_64", "-machine", "pc", "-accel", "tcg", "-m", "256", "-smp", "1", "-nodefaults", "-no-user-config",
        "-display", "none", "-vga", "none", "-net", "none", "-chardev", f"file,id=console,path={log}", "-serial", "chardev:console",
    ]
    servers = []
    try:
        for index, path in enumerate([root, data]):
            node = f"disk{index}"
            if serve == "qemu-nbd" or (serve == "ceiling" and index == 1):
                socket = work / f"{label}-{index}.sock"
                server = ["qemu-nbd", "--format=raw", "--persistent", f"--socket={socket}", str(path)]
                servers.append(subprocess.Popen(server if serve == "qemu-nbd" else [str(work / "nbd_ceiling"), str(socket)]))
                wait_for(socket.exists, 30, "the NBD server's socket")
                blockdev = f'{{"driver":"nbd","node-name":"{node}","server":{{"type":"unix","path":"{socket}"}}}}'
            else:
                direct = ',"cache":{"direct":true}' if serve == "file-direct" and index == 1 else ""
                blockdev = f'{{"driver":"file","node-name":"{node}","filename":"{path}"{direct}}}'
            arguments += ["-blockdev", blockdev,
                          "-device", f"nvme,id=nvme{index},drive={node},serial=local{index},mdts={TRANSFER_EXPONENT}"
                          + (",bootindex=0" if index == 0 else "")]
        subprocess.run(arguments, check=True, timeout=900)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    match = RESULT.search(log.read_text(errors="replace"))
    if not match:
        raise SystemExit(f"the {label} run printed no result:\n" + log.read_text(errors="replace")[-2000:])
    return tuple(float(value) for value in match.groups())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seq-mib", type=int, default=1024)
    parser.add_argument("--writes", type=int, default=3000)
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kiln-bench-runtime-"))
    server = None
    try:
        poweroff, bench = build_disks(work, arguments.seq_mib, arguments.writes)
        server = KilnServer(work, "kiln", DEV_ARGS + ["--runtime", "qemu", "--runtime-max-memory", "256", "--runtime-max-vcpus", "1"])
        server.start()
        ec2 = make_client(server.endpoint, "ec2")
        images = {}
        for name, path in (("poweroff", poweroff), ("bench", bench)):
            images[name] = run_kiln(server.endpoint, "image", "import", path, "--name", f"bench-{name}", "--register").stdout.split()[1]
        idle_rss = rss_kib(server.proc.pid)

        boots = []
        for _ in range(2):
            started = time.monotonic()
            instance_id = ec2.run_instances(ImageId=images["poweroff"], InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
            wait_for(lambda: "KILN-MARKER-OK" in console(ec2, instance_id), 300, "the boot marker")
            boots.append(time.monotonic() - started)
            ec2.terminate_instances(InstanceIds=[instance_id])

        reservation = ec2.run_instances(ImageId=images["poweroff"], InstanceType="t3.micro", MinCount=2, MaxCount=2)
        ids = [i["InstanceId"] for i in reservation["Instances"]]
        # The poweroff guest runs briefly; sample Kiln's RSS while both machines are running.
        samples = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            states = {i["InstanceId"]: i["State"]["Name"] for r in ec2.describe_instances(InstanceIds=ids)["Reservations"] for i in r["Instances"]}
            if all(state == "running" for state in states.values()):
                samples.append(rss_kib(server.proc.pid))
            if all(state == "stopped" for state in states.values()):
                break
            time.sleep(0.5)
        ec2.terminate_instances(InstanceIds=ids)
        per_instance = (max(samples) - idle_rss) / 2 if samples else float("nan")

        instance = ec2.run_instances(
            ImageId=images["bench"], InstanceType="t3.micro", MinCount=1, MaxCount=1,
            BlockDeviceMappings=[{"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 1, "VolumeType": "gp3", "DeleteOnTermination": True}}],
        )["Instances"][0]
        text = wait_for(lambda: (lambda t: t if RESULT.search(t) else None)(console(ec2, instance["InstanceId"])), 900, "the Kiln run's result")
        kiln = tuple(float(value) for value in RESULT.search(text).groups())
        ec2.terminate_instances(InstanceIds=[instance["InstanceId"]])
        references = {
            "local raw file": reference_run(bench, work),
            "local, direct I/O": reference_run(bench, work, serve="file-direct"),
            "qemu-nbd, raw": reference_run(bench, work, serve="qemu-nbd"),
            "NBD ceiling": reference_run(bench, work, serve="ceiling"),
        }

        print(f"boot to marker (TCG): {', '.join(f'{b:.1f} s' for b in boots)}")
        print(f"{'':26}{'Kiln over NBD':>14}" + "".join(f"{name:>19}{'ratio':>7}" for name in references) + f"{'ceiling/local':>15}")
        rows = (("sequential write", "MiB/s", 0), ("sequential read", "MiB/s", 1), ("4 KiB random write", "IOPS", 2))
        for name, unit, i in rows:
            k = kiln[i]
            cells = "".join(f"{r[i]:>19.1f}{k / r[i]:>6.2f}x" for r in references.values())
            ceiling_over_local = references["NBD ceiling"][i] / references["local raw file"][i]
            print(f"{name + ' (' + unit + ')':26}{k:>14.1f}{cells}{ceiling_over_local:>14.2f}x")
        print(f"Kiln RSS: {idle_rss / 1024:.1f} MiB idle; {per_instance / 1024:.1f} MiB more per running instance")
        return 0
    finally:
        if server is not None:
            server.stop(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
