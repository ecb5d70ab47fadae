"""Safe defaults: `--auth dev` stays on loopback unless --insecure says otherwise, and the
master key file must be readable by the server's user alone."""

import os
import subprocess

import pytest

from kiln_harness import DEV_ARGS, kiln_binary, make_client


def serve(tmp_path, *args) -> subprocess.CompletedProcess:
    argv = [str(kiln_binary()), "serve", "--data-dir", str(tmp_path / "data"), "--port", "0", *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("host", ["192.0.2.10", "0.0.0.0", "::"])
def test_dev_auth_refuses_a_non_loopback_address(tmp_path, host):
    run = serve(tmp_path, "--host", host, "--auth", "dev")
    assert run.returncode != 0, "dev auth started on a non-loopback address"
    assert "--insecure" in run.stderr and "any account" in run.stderr, run.stderr
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").iterdir()), "it should refuse before touching the data directory"


def test_master_key_readable_by_others_refuses_to_start(kiln_factory):
    srv = kiln_factory()
    key = srv.data_dir / "master.key"
    assert oct(key.stat().st_mode & 0o777) == oct(0o600), "Kiln creates its master key with mode 0600"
    srv.stop()
    os.chmod(key, 0o644)
    with pytest.raises(RuntimeError) as e:
        srv.start()
    assert "chmod 600" in str(e.value) and "master key" in str(e.value), str(e.value)
    os.chmod(key, 0o600)
    srv.start()
    assert make_client(srv.endpoint, "sts").get_caller_identity()["Account"]
