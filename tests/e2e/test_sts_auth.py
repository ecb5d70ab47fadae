"""STS GetCallerIdentity, account derivation and strict SigV4 checking."""

import pytest
from botocore.exceptions import ClientError

from kiln_harness import (
    DEFAULT_ACCOUNT,
    STRICT_ACCOUNTS,
    client_error,
    ec2_params,
    make_client,
    signed_post,
    sts_params,
)

ACCOUNT_1 = STRICT_ACCOUNTS[0]["id"]
KEY_1 = STRICT_ACCOUNTS[0]["accessKeys"][0]
ACCOUNT_2 = STRICT_ACCOUNTS[1]["id"]
KEY_2 = STRICT_ACCOUNTS[1]["accessKeys"][0]

# Codes a server may use to refuse a request signed too far from its clock.
EXPIRED_CODES = {"RequestExpired", "SignatureDoesNotMatch", "AuthFailure", "RequestTimeTooSkewed"}


def _identity_ok(ident, account):
    assert ident["Account"] == account
    assert ident["Arn"] == f"arn:aws:iam::{account}:root"
    assert ident["UserId"] == account


# ---------------------------------------------------------------- dev auth


def test_get_caller_identity_default_account(sts):
    _identity_ok(sts.get_caller_identity(), DEFAULT_ACCOUNT)


def test_cli_get_caller_identity_default_account(aws):
    _identity_ok(aws("sts", "get-caller-identity"), DEFAULT_ACCOUNT)


@pytest.mark.parametrize("account", ["123456789012", "999988887777"])
def test_twelve_digit_key_is_the_account(client, account):
    _identity_ok(client("sts", key=account, secret="whatever").get_caller_identity(), account)


def test_cli_twelve_digit_key_is_the_account(aws):
    _identity_ok(aws("sts", "get-caller-identity", key="444455556666"), "444455556666")


def test_dev_mode_accepts_any_signature(kiln):
    r = signed_post(kiln, "sts", sts_params(), key="AKIANOTCONFIGURED1", secret="garbage")
    assert r.status == 200, r.text
    assert r.find("Account") == DEFAULT_ACCOUNT


def test_sts_in_other_enabled_region(client):
    _identity_ok(client("sts", region="eu-west-1").get_caller_identity(), DEFAULT_ACCOUNT)


# ---------------------------------------------------------------- strict auth


@pytest.mark.parametrize("account,key", [(ACCOUNT_1, KEY_1), (ACCOUNT_2, KEY_2)])
def test_strict_good_signature_sts(strict_server, account, key):
    sts = make_client(
        strict_server.endpoint, "sts", key=key["accessKeyId"], secret=key["secretAccessKey"]
    )
    _identity_ok(sts.get_caller_identity(), account)


def test_strict_good_signature_ec2(strict_server):
    ec2 = make_client(
        strict_server.endpoint, "ec2", key=KEY_1["accessKeyId"], secret=KEY_1["secretAccessKey"]
    )
    assert "us-east-1" in {r["RegionName"] for r in ec2.describe_regions()["Regions"]}


def test_strict_cli_good_signature(strict_server):
    from kiln_harness import run_aws

    out = run_aws(
        strict_server.endpoint,
        "sts",
        "get-caller-identity",
        key=KEY_2["accessKeyId"],
        secret=KEY_2["secretAccessKey"],
    )
    _identity_ok(out, ACCOUNT_2)


def test_strict_wrong_secret_sts(strict_server):
    sts = make_client(strict_server.endpoint, "sts", key=KEY_1["accessKeyId"], secret="wrong")
    with pytest.raises(ClientError) as ei:
        sts.get_caller_identity()
    code, status = client_error(ei)
    assert code == "SignatureDoesNotMatch"
    assert status in (401, 403)


def test_strict_wrong_secret_ec2(strict_server):
    ec2 = make_client(strict_server.endpoint, "ec2", key=KEY_1["accessKeyId"], secret="wrong")
    with pytest.raises(ClientError) as ei:
        ec2.describe_regions()
    assert client_error(ei) == ("AuthFailure", 401)


def test_strict_other_accounts_secret_fails(strict_server):
    """Key of account 1 signed with account 2's secret must not pass."""
    sts = make_client(
        strict_server.endpoint, "sts", key=KEY_1["accessKeyId"], secret=KEY_2["secretAccessKey"]
    )
    with pytest.raises(ClientError) as ei:
        sts.get_caller_identity()
    assert client_error(ei)[0] == "SignatureDoesNotMatch"


def test_strict_unknown_key_sts(strict_server):
    sts = make_client(strict_server.endpoint, "sts", key="AKIAUNKNOWN99999", secret="x")
    with pytest.raises(ClientError) as ei:
        sts.get_caller_identity()
    code, status = client_error(ei)
    assert code == "InvalidClientTokenId"
    assert status == 403


def test_strict_unknown_key_ec2(strict_server):
    ec2 = make_client(strict_server.endpoint, "ec2", key="AKIAUNKNOWN99999", secret="x")
    with pytest.raises(ClientError) as ei:
        ec2.describe_regions()
    assert client_error(ei) == ("AuthFailure", 401)


def test_strict_unsigned_request_refused(strict_server):
    import requests

    r = requests.post(
        strict_server.endpoint + "/",
        data=ec2_params("DescribeRegions"),
        timeout=10,
    )
    assert r.status_code in (400, 401, 403), r.text
    assert "<Code>" in r.text


def test_strict_tampered_body_refused(strict_server):
    """Signature computed over one body, another body sent: must not pass."""
    import requests

    from kiln_harness import sign_query_request

    req = sign_query_request(
        strict_server.endpoint,
        "ec2",
        ec2_params("DescribeRegions", **{"RegionName.1": "us-east-1"}),
        key=KEY_1["accessKeyId"],
        secret=KEY_1["secretAccessKey"],
    )
    tampered = req.data.replace("us-east-1", "us-west-2")
    r = requests.post(req.url, data=tampered, headers=dict(req.headers.items()), timeout=10)
    assert r.status_code == 401, r.text
    assert "AuthFailure" in r.text


@pytest.mark.parametrize("skew", [-20 * 60, 20 * 60])
def test_strict_stale_signature_refused(strict_server, skew):
    ok = signed_post(
        strict_server.endpoint,
        "sts",
        sts_params(),
        key=KEY_1["accessKeyId"],
        secret=KEY_1["secretAccessKey"],
    )
    assert ok.status == 200, ok.text  # same request with a correct clock passes
    stale = signed_post(
        strict_server.endpoint,
        "sts",
        sts_params(),
        key=KEY_1["accessKeyId"],
        secret=KEY_1["secretAccessKey"],
        skew_seconds=skew,
    )
    assert stale.status in (400, 401, 403), stale.text
    assert stale.error_code in EXPIRED_CODES, stale.text


def test_strict_stale_signature_refused_ec2(strict_server):
    stale = signed_post(
        strict_server.endpoint,
        "ec2",
        ec2_params("DescribeRegions"),
        key=KEY_1["accessKeyId"],
        secret=KEY_1["secretAccessKey"],
        skew_seconds=-16 * 60,
    )
    assert stale.status in (400, 401, 403), stale.text
    assert stale.error_code in EXPIRED_CODES, stale.text


def test_strict_small_skew_accepted(strict_server):
    r = signed_post(
        strict_server.endpoint,
        "sts",
        sts_params(),
        key=KEY_1["accessKeyId"],
        secret=KEY_1["secretAccessKey"],
        skew_seconds=-5 * 60,
    )
    assert r.status == 200, r.text
    assert r.find("Account") == ACCOUNT_1
