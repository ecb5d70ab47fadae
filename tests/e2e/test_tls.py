"""`kiln serve --tls-cert/--tls-key`: HTTPS that the aws CLI (with --ca-bundle) and boto3 trust,
and that refuses plain HTTP."""

import subprocess
import time

import boto3
import pytest
import requests
from botocore.config import Config

from kiln_harness import free_port, kiln_binary, run_aws


@pytest.fixture
def certificate(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


@pytest.fixture
def https_kiln(tmp_path, certificate):
    cert, key = certificate
    port = free_port()
    log = open(tmp_path / "kiln.log", "wb")
    argv = [str(kiln_binary()), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(tmp_path / "data"),
            "--catalog", "none", "--latency", "instant", "--tls-cert", str(cert), "--tls-key", str(key)]
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    endpoint = f"https://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, (tmp_path / "kiln.log").read_text()
        try:
            if requests.get(endpoint + "/health", verify=str(cert), timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.1)
    yield endpoint, cert
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


def test_aws_cli_over_https_with_ca_bundle(https_kiln):
    endpoint, cert = https_kiln
    assert run_aws(endpoint, "sts", "get-caller-identity", "--ca-bundle", str(cert))["Account"] == "000000000000"
    volume = run_aws(endpoint, "ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "1", "--ca-bundle", str(cert))
    assert volume["VolumeId"].startswith("vol-")


def test_boto3_trusts_it_and_plain_http_is_refused(https_kiln):
    endpoint, cert = https_kiln
    ec2 = boto3.session.Session().client(
        "ec2", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test",
        verify=str(cert), config=Config(retries={"total_max_attempts": 1}),
    )
    assert ec2.describe_regions()["Regions"]
    with pytest.raises(requests.RequestException):
        requests.get(endpoint.replace("https://", "http://") + "/health", timeout=3)
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(endpoint + "/health", timeout=3)  # not trusted without the CA bundle


def test_tls_cert_without_key_is_refused(certificate, tmp_path):
    cert, _ = certificate
    run = subprocess.run([str(kiln_binary()), "serve", "--data-dir", str(tmp_path / "d"), "--tls-cert", str(cert)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "--tls-key" in run.stderr
