#!/usr/bin/env python3
"""The console's images page at scale: seeds N images (default 100,000) with
`kiln debug seed-images`, starts the server, signs in to /console as the owner and as
another account, and times the pages a user opens first: the first page of their own
images, the next page, a name filter with a wildcard, and the public images another
account sees. Prints the median and the slowest of --repeat loads per page.

    python3 bench/console.py                    # 100,000 images
    python3 bench/console.py --count 20000 --repeat 5
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import Server, free_port, kiln_or_exit  # noqa: E402

OWNER = "111111111111"
OTHER = "222222222222"


def sign_in(endpoint: str, account: str) -> requests.Session:
    session = requests.Session()
    answer = session.post(f"{endpoint}/console/signin", data={"account": account, "region": "us-east-1"}, allow_redirects=False, timeout=30)
    answer.raise_for_status()
    assert answer.status_code == 303 and "kiln_console" in session.cookies, answer.text
    return session


def timed(session: requests.Session, url: str, repeat: int) -> tuple[list[float], str]:
    times = []
    body = ""
    for _ in range(repeat):
        started = time.perf_counter()
        answer = session.get(url, timeout=120)
        times.append(time.perf_counter() - started)
        assert answer.status_code == 200, (url, answer.status_code, answer.text[:500])
        body = answer.text
    return times, body


def next_link(endpoint: str, body: str) -> str | None:
    link = re.search(r'href="([^"]*token=[^"]*)" rel="next"', body)
    return endpoint + link.group(1).replace("&amp;", "&") if link else None


def deep_page(session: requests.Session, endpoint: str, url: str, pages: int) -> tuple[str, int, float]:
    """The URL of the page `pages` links after `url`, how many links were followed, and the
    mean time of a page on the way."""
    started = time.perf_counter()
    followed = 0
    while followed < pages:
        answer = session.get(url, timeout=120)
        assert answer.status_code == 200, (url, answer.status_code)
        link = next_link(endpoint, answer.text)
        if link is None:
            break
        url = link
        followed += 1
    return url, followed, (time.perf_counter() - started) / max(followed, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--deep", type=int, default=1000, help="how many pages in the deep page is")
    parser.add_argument("--kiln-bin")
    args = parser.parse_args()
    kiln = kiln_or_exit(args.kiln_bin)
    work = Path(tempfile.mkdtemp(prefix="kiln-console-bench-"))
    data = work / "data"
    started = time.perf_counter()
    subprocess.run([str(kiln), "debug", "seed-images", "--data-dir", str(data), "--count", str(args.count)], check=True)
    print(f"seeded {args.count} images in {time.perf_counter() - started:.1f} s ({kiln})")
    port = free_port()
    argv = [str(kiln), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data), "--auth", "dev",
            "--latency", "instant", "--log-level", "warning", "--catalog", "none"]
    server = Server("kiln", argv, port, work / "kiln.log", "/health")
    server.start()
    try:
        endpoint = server.endpoint
        owner = sign_in(endpoint, OWNER)
        other = sign_in(endpoint, OTHER)
        first_times, first = timed(owner, f"{endpoint}/console/images", args.repeat)
        link = re.search(r'href="([^"]*token=[^"]*)" rel="next"', first)
        assert link, "the first page links to the next"
        pages = {
            "own images, first page": (owner, f"{endpoint}/console/images", first_times),
            "own images, next page": (owner, endpoint + link.group(1).replace("&amp;", "&"), None),
            "own images, name bench-image-00512*": (owner, f"{endpoint}/console/images?name=bench-image-00512%2A", None),
            "public images, another account": (other, f"{endpoint}/console/images?scope=public", None),
        }
        for label, sort in (("by name", "name"), ("newest first", "-created")):
            first_url = f"{endpoint}/console/images?sort={sort}"
            deep_url, followed, walk = deep_page(owner, endpoint, first_url, args.deep)
            print(f"walked {followed} pages {label}: {walk * 1000:.1f} ms a page on the way")
            # Seeded names and creation dates both follow the seed's index.
            index = followed * 50 if sort == "name" else args.count - 1 - followed * 50
            shown = re.search(r'class="image-link">([^<]*)<', owner.get(deep_url, timeout=120).text)
            assert shown and shown.group(1) == f"bench-image-{index:07d}", (label, shown and shown.group(1))
            pages[f"own images {label}, first page"] = (owner, first_url, None)
            pages[f"own images {label}, page {followed + 1}"] = (owner, deep_url, None)
        pages["public images by name, another account"] = (other, f"{endpoint}/console/images?scope=public&sort=name", None)
        print(f"{'page':42} {'rows':>5} {'median':>9} {'slowest':>9}")
        for name, (session, url, times) in pages.items():
            body = None
            if times is None:
                times, body = timed(session, url, args.repeat)
            rows = (body or first).count('class="image-link"')
            print(f"{name:42} {rows:>5} {statistics.median(times) * 1000:>7.1f}ms {max(times) * 1000:>7.1f}ms")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
