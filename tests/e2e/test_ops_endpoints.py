"""Operational endpoints: /moto-api/reset, /metrics, /health."""

import re

import pytest
import requests

from kiln_harness import create_volume, make_client


# ---------------------------------------------------------------- reset


def test_reset_wipes_state(kiln_factory):
    srv = kiln_factory()  # has --enable-test-reset
    ec2 = make_client(srv.endpoint, "ec2")
    vol = create_volume(ec2)
    ec2.create_tags(Resources=[vol], Tags=[{"Key": "a", "Value": "b"}])
    assert vol in {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]}

    r = requests.post(srv.endpoint + "/moto-api/reset", timeout=10)
    assert r.status_code == 200, r.text
    assert r.json() == {"status": "ok"}

    assert ec2.describe_volumes()["Volumes"] == []
    assert ec2.describe_tags()["Tags"] == []
    # the server keeps working after a reset
    assert create_volume(ec2).startswith("vol-")


def test_reset_is_durable(kiln_factory):
    """A reset must wipe what is on disk too: a crash afterwards must not bring it back."""
    srv = kiln_factory()
    ec2 = make_client(srv.endpoint, "ec2")
    vol = create_volume(ec2)
    assert requests.post(srv.endpoint + "/moto-api/reset", timeout=10).status_code == 200
    srv.crash_and_restart()
    ec2 = make_client(srv.endpoint, "ec2")
    assert vol not in {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]}


def test_reset_other_methods_rejected(kiln_factory):
    srv = kiln_factory()
    ec2 = make_client(srv.endpoint, "ec2")
    vol = create_volume(ec2)
    for method in ("GET", "PUT", "DELETE"):
        r = requests.request(method, srv.endpoint + "/moto-api/reset", timeout=10)
        assert r.status_code == 400, f"{method}: {r.status_code} {r.text}"
    assert vol in {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]}


def test_reset_disabled_without_flag(kiln, ec2):
    vol = create_volume(ec2)
    r = requests.post(kiln + "/moto-api/reset", timeout=10)
    assert r.status_code != 200, "reset must be off unless --enable-test-reset"
    assert vol in {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]}


# ---------------------------------------------------------------- metrics

_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)")


def _counters(text):
    """{family name: summed value} for every family declared '# TYPE <name> counter'."""
    families = set()
    for line in text.splitlines():
        m = re.match(r"#\s*TYPE\s+(\S+)\s+counter\s*$", line)
        if m:
            families.add(m.group(1))
    sums = {f: 0.0 for f in families}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        m = _SAMPLE.match(line)
        if not m:
            continue
        name = m.group(1)
        for fam in (name, name.removesuffix("_total")):
            if fam in sums:
                sums[fam] += float(m.group(3))
                break
    return sums


def _request_counters(text):
    return {k: v for k, v in _counters(text).items() if "request" in k.lower()}


def _summed_request_counters(kiln_server) -> dict:
    """The request counters of every node, summed: in cluster mode each node counts only the
    requests it served (a scraper reads every node)."""
    summed: dict = {}
    for endpoint in kiln_server.node_endpoints():
        reply = requests.get(endpoint + "/metrics", timeout=5)
        assert reply.status_code == 200
        assert reply.headers.get("Content-Type", "").startswith("text/plain"), reply.headers
        for key, value in _request_counters(reply.text).items():
            summed[key] = summed.get(key, 0) + value
    return summed


def test_metrics_count_requests(kiln_server, ec2, sts):
    before = _summed_request_counters(kiln_server)
    assert before, "no counter family with 'request' in its name"

    for _ in range(3):
        ec2.describe_regions()
    sts.get_caller_identity()

    after = _summed_request_counters(kiln_server)
    grew = {k: after.get(k, 0) - v for k, v in before.items()}
    assert max(grew.values()) >= 4, f"request counters did not grow by >= 4: {grew}"


@pytest.mark.extra
def test_extra_metrics_label_the_action(kiln_server, ec2):
    ec2.describe_availability_zones()
    text = "".join(requests.get(endpoint + "/metrics", timeout=5).text for endpoint in kiln_server.node_endpoints())
    assert "DescribeAvailabilityZones" in text, "expected an action/operation label"


def test_metrics_text_format_is_parseable(kiln):
    text = requests.get(kiln + "/metrics", timeout=5).text
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        assert m, f"not a Prometheus sample line: {line!r}"
        float(m.group(3))  # value must be a number (NaN/+Inf parse too)
