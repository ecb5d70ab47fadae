"""The image registry, one account at a time: RegisterImage (EBS-backed and instance-store),
the Image shape DescribeImages returns, name rules, DescribeImages filters and pagination,
DeregisterImage (with DeleteAssociatedSnapshots), image attributes, block public access,
deprecation, DisableImage/EnableImage and deregistration protection; a few calls through the
aws CLI.

Expectations follow AWS's documentation (EC2 API reference, user guide, the aws CLI's own
examples); where AWS documents no exact error code the tests accept the plausible ones.
Cross-account behaviour (sharing, visibility, organizations) is in test_image_sharing.py.

Everything runs on the shared dev server as account 111111111111 (a 12-digit access key id
acts as that account); names carry a per-test token so tests do not see each other's images.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid

import pytest
from botocore.exceptions import ClientError

from kiln_harness import (
    BLOCK_SIZE,
    client_error,
    ids_of,
    put_bundle,
    raises,
    scheduled_image_deprecation,
    signed_request,
    upload_snapshot,
    wait_volume_available,
)

OWNER = "111111111111"
OTHER = "333333333333"

AMI_ID = re.compile(r"^ami-[0-9a-f]{17}$")
AWS_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


# ---------------------------------------------------------------- helpers


def token() -> str:
    return uuid.uuid4().hex[:10]


def register(ec2, snapshot_id: str | None, name: str, root: str = "/dev/xvda", extra_mappings=(), **kw) -> str:
    """RegisterImage of an EBS-backed image whose root device is `snapshot_id`."""
    mappings = [{"DeviceName": root, "Ebs": {"SnapshotId": snapshot_id}}, *extra_mappings]
    resp = ec2.register_image(Name=name, RootDeviceName=root, BlockDeviceMappings=mappings, **kw)
    assert AMI_ID.match(resp["ImageId"]), resp
    return resp["ImageId"]


def describe_one(ec2, image_id: str, **kw) -> dict:
    images = ec2.describe_images(ImageIds=[image_id], **kw)["Images"]
    assert [i["ImageId"] for i in images] == [image_id], images
    return images[0]




def message(err: ClientError) -> str:
    return err.response["Error"].get("Message", "")


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module", autouse=True)
def _start_the_deprecation_clock(request, pytestconfig, _servers, workdir):
    """test_image_sharing.py's deprecation test waits for a deprecation time (the next whole
    minute) to pass; when it is in this session, scheduling it now lets that wait overlap with
    this module."""
    if any(item.nodeid.endswith("test_deprecated_images_are_hidden_from_non_owners") for item in request.session.items):
        scheduled_image_deprecation(pytestconfig, _servers, workdir)


@pytest.fixture(scope="module")
def ec2o(client):
    return client("ec2", key=OWNER)


@pytest.fixture(scope="module")
def ebso(client):
    return client("ebs", key=OWNER)


@pytest.fixture(scope="module")
def ec2o_raw(client):
    """The owner's client without boto3's parameter validation (for names boto3 refuses itself)."""
    return client("ec2", key=OWNER, validate=False)


@pytest.fixture(scope="module")
def snap(ebso) -> str:
    """A completed 1 GiB snapshot of the owner's."""
    return upload_snapshot(ebso, {0: os.urandom(BLOCK_SIZE)})


# ---------------------------------------------------------------- RegisterImage


def test_register_ebs_image_with_defaults_and_the_image_shape(ec2o, snap):
    name = f"shape-{token()}"
    before = dt.datetime.now(dt.timezone.utc)
    image_id = ec2o.register_image(
        Name=name,
        Description="an image",
        RootDeviceName="/dev/xvda",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snap}}],
        TagSpecifications=[{"ResourceType": "image", "Tags": [{"Key": "team", "Value": "kiln"}]}],
    )["ImageId"]
    assert AMI_ID.match(image_id)
    img = describe_one(ec2o, image_id)

    assert img["State"] == "available"
    assert img["OwnerId"] == OWNER
    assert img["Name"] == name
    assert img["Description"] == "an image"
    assert img["ImageLocation"] == f"{OWNER}/{name}"
    assert img["Public"] is False
    assert img["ImageType"] == "machine"
    assert img["Hypervisor"] == "xen"
    assert img["PlatformDetails"] == "Linux/UNIX"
    assert img["UsageOperation"] == "RunInstances"
    assert "Platform" not in img, "Platform is only set for Windows"
    assert "ImageOwnerAlias" not in img, "ordinary accounts have no owner alias"
    assert img["RootDeviceType"] == "ebs"
    assert img["RootDeviceName"] == "/dev/xvda"
    # RegisterImage's documented legacy defaults
    assert img["Architecture"] == "i386"
    assert img["VirtualizationType"] == "paravirtual"
    assert img["Tags"] == [{"Key": "team", "Value": "kiln"}]
    assert img.get("DeregistrationProtection", "disabled") == "disabled"
    assert "DeprecationTime" not in img

    # CreationDate is a string (clients sort on it), ISO-8601 with milliseconds, UTC
    assert isinstance(img["CreationDate"], str)
    assert AWS_DATE.match(img["CreationDate"]), img["CreationDate"]
    created = dt.datetime.strptime(img["CreationDate"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
    assert before - dt.timedelta(seconds=5) <= created <= dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=5)

    # the root mapping: VolumeSize defaults to the snapshot's, gp2, deleted on termination
    [bdm] = img["BlockDeviceMappings"]
    assert bdm["DeviceName"] == "/dev/xvda"
    ebs = bdm["Ebs"]
    assert ebs["SnapshotId"] == snap
    assert ebs["VolumeSize"] == 1
    assert ebs["VolumeType"] == "gp2"
    assert ebs["DeleteOnTermination"] is True
    assert ebs["Encrypted"] is False


def test_register_with_explicit_attributes_and_several_mappings(ec2o, snap):
    name = f"explicit-{token()}"
    image_id = ec2o.register_image(
        Name=name,
        Architecture="arm64",
        VirtualizationType="hvm",
        EnaSupport=True,
        BootMode="uefi",
        ImdsSupport="v2.0",
        RootDeviceName="/dev/sda1",
        BlockDeviceMappings=[
            {"DeviceName": "/dev/sda1", "Ebs": {"SnapshotId": snap, "VolumeSize": 8, "VolumeType": "gp3", "DeleteOnTermination": False}},
            {"DeviceName": "/dev/sdb", "Ebs": {"VolumeSize": 125, "VolumeType": "st1"}},
            {"DeviceName": "/dev/sdc", "VirtualName": "ephemeral0"},
        ],
    )["ImageId"]
    img = describe_one(ec2o, image_id)
    assert (img["Architecture"], img["VirtualizationType"]) == ("arm64", "hvm")
    assert img["EnaSupport"] is True
    assert img["BootMode"] == "uefi"
    assert img["ImdsSupport"] == "v2.0"
    assert img["RootDeviceName"] == "/dev/sda1"
    by_device = {m["DeviceName"]: m for m in img["BlockDeviceMappings"]}
    assert set(by_device) == {"/dev/sda1", "/dev/sdb", "/dev/sdc"}
    root = by_device["/dev/sda1"]["Ebs"]
    assert (root["SnapshotId"], root["VolumeSize"], root["VolumeType"], root["DeleteOnTermination"]) == (snap, 8, "gp3", False)
    empty = by_device["/dev/sdb"]["Ebs"]
    assert "SnapshotId" not in empty or not empty["SnapshotId"]
    assert (empty["VolumeSize"], empty["VolumeType"]) == (125, "st1")
    assert by_device["/dev/sdc"].get("VirtualName") == "ephemeral0"
    assert "Ebs" not in by_device["/dev/sdc"]


def test_register_instance_store_image_from_a_manifest(kiln, ec2o):
    name = f"istore-{token()}"
    location = put_bundle(kiln, f"my-bucket/bundles/{name}.manifest.xml", key=OWNER)
    image_id = ec2o.register_image(Name=name, ImageLocation=location)["ImageId"]
    img = describe_one(ec2o, image_id)
    assert img["RootDeviceType"] == "instance-store"
    assert img["ImageLocation"] == location
    assert img["State"] == "available"
    assert not any("Ebs" in m for m in img.get("BlockDeviceMappings", []))


def test_register_refusals(client, ec2o, ebso, snap):
    t = token()
    west = client("ec2", key=OWNER, region="us-west-2")
    # the root device must be one of the mappings ...
    raises(
        {"InvalidBlockDeviceMapping", "InvalidParameterValue", "InvalidParameterCombination"},
        ec2o.register_image,
        Name=f"r1-{t}",
        RootDeviceName="/dev/sda1",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snap}}],
    )
    # ... and an EBS volume from a snapshot
    raises(
        {"InvalidBlockDeviceMapping", "InvalidParameterValue", "InvalidParameterCombination"},
        ec2o.register_image,
        Name=f"r2-{t}",
        RootDeviceName="/dev/xvda",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8}}],
    )
    # unknown snapshot
    raises("InvalidSnapshot.NotFound", register, ec2o, "snap-0123456789abcdef0", f"r3-{t}")
    # malformed snapshot id
    raises("InvalidSnapshotID.Malformed", register, ec2o, "snap-not-hex!", f"r4-{t}")
    # a snapshot that is not completed yet
    pending = ebso.start_snapshot(VolumeSize=1)["SnapshotId"]
    raises(
        {"IncorrectState", "InvalidSnapshot.NotFound", "InvalidBlockDeviceMapping", "InvalidParameterValue", "InvalidSnapshot.Unavailable"},
        register,
        ec2o,
        pending,
        f"r5-{t}",
    )
    # a mapping smaller than its snapshot
    two_gib = upload_snapshot(ebso, {0: os.urandom(BLOCK_SIZE)}, volume_size=2)
    err = raises(
        "InvalidBlockDeviceMapping",
        ec2o.register_image,
        Name=f"r6-{t}",
        RootDeviceName="/dev/xvda",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": two_gib, "VolumeSize": 1}}],
    )
    assert two_gib in message(err)
    # equal or larger is fine
    ok = register(ec2o, two_gib, f"r7-{t}")
    assert describe_one(ec2o, ok)["BlockDeviceMappings"][0]["Ebs"]["VolumeSize"] == 2
    # the same device twice
    raises(
        {"InvalidBlockDeviceMapping", "InvalidParameterValue"},
        register,
        ec2o,
        snap,
        f"r8-{t}",
        extra_mappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snap}}],
    )
    # snapshots are regional
    raises("InvalidSnapshot.NotFound", register, west, snap, f"r9-{t}")
    # RegisterImage tags only the image: 'If you specify another value for ResourceType, the request fails.'
    raises(
        {"InvalidParameterValue", "InvalidParameter", "InvalidTagSpecification"},
        register,
        ec2o,
        snap,
        f"r10-{t}",
        TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "k", "Value": "v"}]}],
    )
    # billing products are for accounts AWS authorised
    raises(
        {"InvalidParameterValue", "AuthFailure", "UnauthorizedOperation", "InvalidParameter", "OperationNotPermitted"},
        register,
        ec2o,
        snap,
        f"r11-{t}",
        BillingProducts=["bp-6ba54002"],
    )
    # nothing refused left an image behind
    names = {i["Name"] for i in ec2o.describe_images(Owners=["self"], Filters=[{"Name": "name", "Values": [f"r*-{t}"]}])["Images"]}
    assert names == {f"r7-{t}"}


@pytest.mark.parametrize("encrypted", [True, False])
def test_register_encrypted_flag_is_refused_on_snapshot_mappings(ec2o, snap, encrypted):
    """EbsBlockDevice.Encrypted, for RegisterImage: 'If you are creating a block device mapping
    from an existing encrypted or unencrypted snapshot, you must omit this parameter. If you
    include this parameter, the request will fail, regardless of the value that you specify.'"""
    name = f"encflag-{encrypted}-{token()}"
    with pytest.raises(ClientError) as ei:
        ec2o.register_image(
            Name=name,
            RootDeviceName="/dev/xvda",
            BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snap, "Encrypted": encrypted}}],
        )
    assert client_error(ei)[0] in {"InvalidBlockDeviceMapping", "InvalidParameterValue", "InvalidParameterCombination", "InvalidParameter"}
    assert not ec2o.describe_images(Owners=["self"], Filters=[{"Name": "name", "Values": [name]}])["Images"]


def test_register_encrypted_flag_on_an_empty_volume(ec2o, snap):
    """... 'for a new (empty) volume, you can include this parameter'."""
    image_id = register(
        ec2o,
        snap,
        f"encempty-{token()}",
        extra_mappings=[
            {"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 4, "Encrypted": True}},
            {"DeviceName": "/dev/sdg", "Ebs": {"VolumeSize": 4, "Encrypted": False}},
        ],
    )
    by_device = {m["DeviceName"]: m["Ebs"] for m in describe_one(ec2o, image_id)["BlockDeviceMappings"]}
    assert by_device["/dev/sdf"]["Encrypted"] is True
    assert by_device["/dev/sdg"]["Encrypted"] is False
    assert by_device["/dev/xvda"]["Encrypted"] is False


@pytest.mark.parametrize(
    "bad",
    ["ab", "x" * 129, "bad!name", "hash#tag", "com,ma", "t\u00e9l\u00e9", "new\nline", "semi;colon", "star*"],
    ids=["too-short", "too-long", "bang", "hash", "comma", "non-ascii", "newline", "semicolon", "star"],
)
def test_register_malformed_names(ec2o_raw, snap, bad):
    raises("InvalidAMIName.Malformed", register, ec2o_raw, snap, bad)


def test_register_name_edge_cases_that_are_valid(ec2o, snap):
    t = token()
    names = [
        "a" + t[:2],  # exactly 3 characters
        (t + "n" * 128)[:128],  # exactly 128
        f"All (ok) [chars] ./-'@_ {t}",
    ]
    for name in names:
        image_id = register(ec2o, snap, name)
        assert describe_one(ec2o, image_id)["Name"] == name


def test_duplicate_names_per_account_and_region(kiln, client, ec2o, snap):
    name = f"dup-{token()}"
    first = register(ec2o, snap, name)
    err = raises("InvalidAMIName.Duplicate", register, ec2o, snap, name)
    assert first in message(err), message(err)
    # another region of the same account: a different namespace (the snapshot is regional, so
    # use an instance-store image there)
    ec2_west = client("ec2", key=OWNER, region="us-west-2")
    ec2_west.register_image(Name=name, ImageLocation=put_bundle(kiln, "bucket/x/image.manifest.xml", key=OWNER))
    # another account, same region
    other_ec2 = client("ec2", key=OTHER)
    other_snap = upload_snapshot(client("ebs", key=OTHER), {0: os.urandom(BLOCK_SIZE)})
    register(other_ec2, other_snap, name)
    # a deregistered image frees its name
    ec2o.deregister_image(ImageId=first)
    second = register(ec2o, snap, name)
    assert second != first


# ---------------------------------------------------------------- DescribeImages: errors


def test_describe_images_errors(ec2o, snap):
    for bad in ["ami-xyz", "foo-1", "ami-", "snap-0123456789abcdef0"]:
        err = raises("InvalidAMIID.Malformed", ec2o.describe_images, ImageIds=[bad])
        assert bad in message(err)
    unknown = "ami-0123456789abcdef0"
    err = raises("InvalidAMIID.NotFound", ec2o.describe_images, ImageIds=[unknown])
    assert unknown in message(err)
    # one known, one unknown: still NotFound, naming the unknown one
    known = register(ec2o, snap, f"known-{token()}")
    err = raises("InvalidAMIID.NotFound", ec2o.describe_images, ImageIds=[known, unknown])
    assert unknown in message(err) and known not in message(err)
    raises("InvalidParameterCombination", ec2o.describe_images, ImageIds=[known], MaxResults=5)
    raises("InvalidPaginationToken", ec2o.describe_images, Owners=["self"], MaxResults=5, NextToken="not-a-token")
    raises({"InvalidParameterValue", "InvalidFilter"}, ec2o.describe_images, Owners=["self"], Filters=[{"Name": "no-such-filter", "Values": ["x"]}])


def test_owner_aliases_scope_to_aws_published_images(ec2o, snap):
    """Owners=amazon / aws-marketplace match ImageOwnerAlias, which ordinary accounts don't have
    (this server starts without Kiln's catalogue; test_catalog.py covers a catalogued one)."""
    mine = register(ec2o, snap, f"alias-{token()}")
    for alias in ("amazon", "aws-marketplace"):
        images = ec2o.describe_images(Owners=[alias])["Images"]
        assert all(img.get("ImageOwnerAlias") == alias for img in images), images
        assert mine not in ids_of(ec2o.describe_images(Owners=[alias]))
    assert mine in ids_of(ec2o.describe_images(Owners=["amazon", "self"]))
    assert mine in ids_of(ec2o.describe_images(Owners=["aws-marketplace", OWNER]))
    assert mine not in ids_of(ec2o.describe_images(Filters=[{"Name": "owner-alias", "Values": ["amazon"]}]))


# ---------------------------------------------------------------- DescribeImages: pagination


def test_pagination_over_25_images(client):
    # a fresh account, so that Owners=self is exactly these images
    account = "4" + uuid.uuid4().int.__str__()[:11]
    ec2 = client("ec2", key=account)
    own_snap = upload_snapshot(client("ebs", key=account), {0: os.urandom(BLOCK_SIZE)})
    t = token()
    created = {register(ec2, own_snap, f"page-{t}-{i:02d}") for i in range(25)}

    pages, token_ = [], None
    while True:
        kw = {"NextToken": token_} if token_ else {}
        resp = ec2.describe_images(Owners=["self"], MaxResults=10, **kw)
        pages.append([i["ImageId"] for i in resp["Images"]])
        token_ = resp.get("NextToken")
        if not token_:
            break
        assert len(pages) < 10, "pagination does not end"
    seen = [i for p in pages for i in p]
    assert all(len(p) <= 10 for p in pages), [len(p) for p in pages]
    assert len(seen) == len(set(seen)), "an image came back on two pages"
    assert set(seen) == created
    assert len(pages) >= 3

    # the same through boto3's paginator, and with a filter narrowing the set
    paginator = ec2.get_paginator("describe_images")
    got = []
    for page in paginator.paginate(Owners=["self"], PaginationConfig={"PageSize": 7}):
        assert len(page["Images"]) <= 7
        got += [i["ImageId"] for i in page["Images"]]
    assert sorted(got) == sorted(created)
    narrowed = []
    for page in paginator.paginate(
        Owners=["self"], Filters=[{"Name": "name", "Values": [f"page-{t}-1*"]}], PaginationConfig={"PageSize": 4}
    ):
        narrowed += [i["Name"] for i in page["Images"]]
    assert sorted(narrowed) == [f"page-{t}-{i}" for i in range(10, 20)]


# ---------------------------------------------------------------- DescribeImages: filters


@pytest.fixture(scope="module")
def filter_world(kiln, client, ec2o, ebso):
    """Five images of the owner's with different attributes, named f-<t>-..."""
    t = token()
    s1 = upload_snapshot(ebso, {0: os.urandom(BLOCK_SIZE)})
    s2 = upload_snapshot(ebso, {0: os.urandom(BLOCK_SIZE)}, volume_size=3)
    tag = lambda **kv: [{"ResourceType": "image", "Tags": [{"Key": k, "Value": v} for k, v in kv.items()]}]  # noqa: E731
    w = {"t": t, "s1": s1, "s2": s2}
    w["A"] = register(ec2o, s1, f"f-{t}-alpha-1", Architecture="x86_64", VirtualizationType="hvm", TagSpecifications=tag(team="red"), Description="web server")
    w["B"] = register(
        ec2o,
        s2,
        f"f-{t}-alpha-2",
        root="/dev/sda1",
        Architecture="arm64",
        VirtualizationType="hvm",
        TagSpecifications=tag(team="blue"),
        Description="db server",
    )
    w["C"] = ec2o.register_image(
        Name=f"f-{t}-beta-10", ImageLocation=put_bundle(kiln, f"bkt/{t}/c.manifest.xml", key=OWNER), Architecture="x86_64",
        TagSpecifications=tag(team="red", env="prod")
    )["ImageId"]
    w["D"] = register(
        ec2o,
        s1,
        f"f-{t}-gamma",
        extra_mappings=[{"DeviceName": "/dev/sdf", "Ebs": {"SnapshotId": s2, "VolumeSize": 9, "VolumeType": "io1", "Iops": 100, "DeleteOnTermination": False}}],
    )
    w["all"] = {w[k] for k in "ABCD"}
    return w


def test_filters(ec2o, filter_world):
    w = filter_world
    t = w["t"]
    A, B, C, D = (w[k] for k in "ABCD")

    def q(*filters, **kw):
        flt = [{"Name": n, "Values": v if isinstance(v, list) else [v]} for n, v in filters]
        return ids_of(ec2o.describe_images(Owners=["self"], Filters=flt, **kw)) & w["all"]

    # name: * and ? wildcards, case-sensitive, exact without wildcard
    assert q(("name", f"f-{t}-alpha-*")) == {A, B}
    assert q(("name", f"f-{t}-alpha-?")) == {A, B}
    assert q(("name", f"f-{t}-alpha-1*")) == {A}, "* also matches nothing"
    assert q(("name", f"f-{t}-beta-?")) == set()
    assert q(("name", f"f-{t}-beta-??")) == {C}
    assert q(("name", f"f-{t}-*a")) == {D}
    assert q(("name", f"F-{t}-*")) == set(), "string filters are case-sensitive"
    assert q(("name", f"f-{t}-gamma")) == {D}
    assert q(("name", f"f-{t}-gam")) == set(), "no wildcard means an exact match"
    assert q(("name", [f"f-{t}-gamma", f"f-{t}-beta-*"])) == {C, D}, "values of one filter are OR-ed"
    # tags
    assert q(("tag:team", "red")) == {A, C}
    assert q(("tag:team", ["red", "blue"])) == {A, B, C}
    assert q(("tag:team", "r*")) == {A, C}
    assert q(("tag-key", "env")) == {C}
    assert q(("tag:env", "prod"), ("tag:team", "red")) == {C}
    # attributes
    assert q(("architecture", "arm64")) == {B}
    assert q(("architecture", ["x86_64", "i386"])) == {A, C, D}
    assert q(("virtualization-type", "paravirtual")) == {C, D}
    assert q(("root-device-type", "instance-store")) == {C}
    assert q(("root-device-type", "ebs")) == {A, B, D}
    assert q(("root-device-name", "/dev/xvda")) == {A, D}
    assert q(("description", "* server")) == {A, B}
    assert q(("image-id", [A, D])) == {A, D}
    assert q(("owner-id", OWNER)) == w["all"]
    assert q(("image-type", "machine")) == w["all"]
    assert q(("hypervisor", "xen")) == w["all"]
    assert q(("manifest-location", f"bkt/{t}/*")) == {C}
    # block device mappings: any mapping matching counts
    assert q(("block-device-mapping.snapshot-id", w["s1"])) == {A, D}
    assert q(("block-device-mapping.snapshot-id", w["s2"])) == {B, D}
    assert q(("block-device-mapping.volume-size", "9")) == {D}
    assert q(("block-device-mapping.volume-size", "3")) == {B}
    assert q(("block-device-mapping.volume-type", "io1")) == {D}
    assert q(("block-device-mapping.device-name", "/dev/sdf")) == {D}
    assert q(("block-device-mapping.delete-on-termination", "false")) == {D}
    assert q(("block-device-mapping.encrypted", "true")) == set()
    # state, visibility
    assert q(("state", "available")) == w["all"]
    assert q(("state", ["pending", "failed"])) == set()
    assert q(("is-public", "false")) == w["all"]
    assert q(("is-public", "true")) == set()
    # filters are AND-ed
    assert q(("name", f"f-{t}-alpha-*"), ("architecture", "x86_64")) == {A}
    assert q(("name", f"f-{t}-*"), ("tag:team", "red"), ("root-device-type", "ebs")) == {A}


def test_filter_creation_date_prefix_wildcard(ec2o, filter_world):
    w = filter_world
    dates = {i["ImageId"]: i["CreationDate"] for i in ec2o.describe_images(ImageIds=sorted(w["all"]))["Images"]}
    a_date = dates[w["A"]]

    def q(value):
        resp = ec2o.describe_images(Owners=["self"], Filters=[{"Name": "creation-date", "Values": [value]}])
        return ids_of(resp) & w["all"]

    day = a_date[:10]
    assert q(day + "T*") == {i for i, d in dates.items() if d.startswith(day)}
    assert w["A"] in q(a_date[:13] + "*")
    assert q(a_date) >= {w["A"]}, "the exact value matches"
    assert q(day) == set(), "a date without a wildcard is not a prefix match"
    assert q("1999-*") == set()


def test_is_public_filter_and_block_public_access(client, snap):
    """A new account starts with image block public access on; public sharing is refused until
    it is disabled, then Group=all makes the image public; re-enabling it keeps existing public
    images public but refuses new ones."""
    account = "5" + uuid.uuid4().int.__str__()[:11]
    ec2 = client("ec2", key=account)
    own_snap = upload_snapshot(client("ebs", key=account), {0: os.urandom(BLOCK_SIZE)})
    t = token()
    pub = register(ec2, own_snap, f"pub-{t}")
    other = register(ec2, own_snap, f"priv-{t}")

    assert ec2.get_image_block_public_access_state()["ImageBlockPublicAccessState"] == "block-new-sharing"
    make_public = lambda image_id: ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"Group": "all"}]})  # noqa: E731
    raises({"OperationNotPermitted", "InvalidParameterValue", "UnauthorizedOperation"}, make_public, pub)
    assert describe_one(ec2, pub)["Public"] is False

    assert ec2.disable_image_block_public_access()["ImageBlockPublicAccessState"] == "unblocked"
    assert ec2.get_image_block_public_access_state()["ImageBlockPublicAccessState"] == "unblocked"
    make_public(pub)
    assert describe_one(ec2, pub)["Public"] is True
    public = lambda v: ids_of(ec2.describe_images(Owners=["self"], Filters=[{"Name": "is-public", "Values": [v]}]))  # noqa: E731
    assert public("true") == {pub}
    assert public("false") == {other}

    assert ec2.enable_image_block_public_access(ImageBlockPublicAccessState="block-new-sharing")["ImageBlockPublicAccessState"] == "block-new-sharing"
    assert describe_one(ec2, pub)["Public"] is True, "existing public images stay public"
    raises({"OperationNotPermitted", "InvalidParameterValue", "UnauthorizedOperation"}, make_public, other)
    # the setting is per region
    west = client("ec2", key=account, region="us-west-2")
    assert west.get_image_block_public_access_state()["ImageBlockPublicAccessState"] == "block-new-sharing"


def test_images_with_encrypted_snapshots_cannot_be_public(client):
    account = "6" + uuid.uuid4().int.__str__()[:11]
    ec2 = client("ec2", key=account)
    enc = upload_snapshot(client("ebs", key=account), {0: os.urandom(BLOCK_SIZE)}, Encrypted=True)
    image_id = register(ec2, enc, f"enc-{token()}")
    img = describe_one(ec2, image_id)
    assert img["BlockDeviceMappings"][0]["Ebs"]["Encrypted"] is True
    ec2.disable_image_block_public_access()
    raises(
        {"InvalidParameterValue", "OperationNotPermitted", "InvalidParameter", "InvalidAMIAttributeItemValue"},
        ec2.modify_image_attribute,
        ImageId=image_id,
        LaunchPermission={"Add": [{"Group": "all"}]},
    )
    assert describe_one(ec2, image_id)["Public"] is False


def test_images_backed_by_the_aws_managed_key_cannot_be_shared(client):
    """AWS: snapshots encrypted with the default AWS managed key (aws/ebs) can't be shared, and
    neither can AMIs backed by them ('You can only share AMIs that have unencrypted volumes and
    volumes that are encrypted with a customer managed key')."""
    account = "7" + uuid.uuid4().int.__str__()[:11]
    ec2 = client("ec2", key=account)
    enc = upload_snapshot(client("ebs", key=account), {0: os.urandom(BLOCK_SIZE)}, Encrypted=True)
    image_id = register(ec2, enc, f"awsebs-{token()}")
    error = raises(
        "OperationNotPermitted",
        ec2.modify_snapshot_attribute,
        SnapshotId=enc,
        Attribute="createVolumePermission",
        CreateVolumePermission={"Add": [{"UserId": "222222222222"}]},
    )
    assert "Encrypted snapshots with EBS default key cannot be shared" in str(error), "AWS's words"
    error = raises(
        "InvalidParameter",
        ec2.modify_image_attribute,
        ImageId=image_id,
        LaunchPermission={"Add": [{"UserId": "222222222222"}]},
    )
    assert "Snapshots encrypted with the AWS Managed CMK can't be shared. Specify another snapshot." in str(error)
    assert ec2.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")["LaunchPermissions"] == []


# ---------------------------------------------------------------- DeregisterImage


def test_deregister_image(ec2o, snap):
    image_id = register(ec2o, snap, f"dereg-{token()}")
    resp = ec2o.deregister_image(ImageId=image_id)
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert not resp.get("DeleteSnapshotResults")
    # gone from listings; by id AWS answers NotFound (or, briefly, a deregistered entry)
    assert image_id not in ids_of(ec2o.describe_images(Owners=["self"]))
    try:
        images = ec2o.describe_images(ImageIds=[image_id])["Images"]
        assert all(i["State"] == "deregistered" for i in images), images
    except ClientError as e:
        assert e.response["Error"]["Code"] == "InvalidAMIID.NotFound"
    raises("InvalidAMIID.Unavailable", ec2o.deregister_image, ImageId=image_id)
    raises("InvalidAMIID.NotFound", ec2o.deregister_image, ImageId="ami-0123456789abcdef0")
    raises("InvalidAMIID.Malformed", ec2o.deregister_image, ImageId="image-1")
    # the snapshot is kept
    assert ec2o.describe_snapshots(SnapshotIds=[snap])["Snapshots"][0]["State"] == "completed"


def test_deregister_with_delete_associated_snapshots(ec2o, ebso):
    shared_snap = upload_snapshot(ebso, {0: os.urandom(BLOCK_SIZE)})
    own_snap = upload_snapshot(ebso, {0: os.urandom(BLOCK_SIZE)})
    t = token()
    first = register(ec2o, shared_snap, f"das-a-{t}", extra_mappings=[{"DeviceName": "/dev/sdf", "Ebs": {"SnapshotId": own_snap}}])
    second = register(ec2o, shared_snap, f"das-b-{t}")

    # snapshots of registered images can't be deleted
    err = raises("InvalidSnapshot.InUse", ec2o.delete_snapshot, SnapshotId=own_snap)
    assert first in message(err), message(err)

    resp = ec2o.deregister_image(ImageId=first, DeleteAssociatedSnapshots=True)
    results = {r["SnapshotId"]: r["ReturnCode"] for r in resp["DeleteSnapshotResults"]}
    assert results == {own_snap: "success", shared_snap: "skipped"}
    raises("InvalidSnapshot.NotFound", ec2o.describe_snapshots, SnapshotIds=[own_snap])
    assert ec2o.describe_snapshots(SnapshotIds=[shared_snap])["Snapshots"][0]["State"] == "completed"
    err = raises("InvalidSnapshot.InUse", ec2o.delete_snapshot, SnapshotId=shared_snap)
    assert second in message(err)

    ec2o.deregister_image(ImageId=second)
    ec2o.delete_snapshot(SnapshotId=shared_snap)
    raises("InvalidSnapshot.NotFound", ec2o.describe_snapshots, SnapshotIds=[shared_snap])


def test_delete_associated_snapshots_keeps_volumes_made_from_them(kiln, ec2o, ebso):
    """The snapshot goes, but a volume made from it (an instance's root, say) still reads its data."""
    data = os.urandom(BLOCK_SIZE)
    snap = upload_snapshot(ebso, {0: data})
    image = register(ec2o, snap, f"das-volume-{token()}")
    volume = ec2o.create_volume(AvailabilityZone="us-east-1a", SnapshotId=snap)["VolumeId"]
    wait_volume_available(ec2o, volume)
    resp = ec2o.deregister_image(ImageId=image, DeleteAssociatedSnapshots=True)
    assert [r["ReturnCode"] for r in resp["DeleteSnapshotResults"]] == ["success"]
    raises("InvalidSnapshot.NotFound", ec2o.describe_snapshots, SnapshotIds=[snap])
    reply = signed_request(kiln, "GET", f"/kiln/volumes/{volume}/data", query={"offset": "0", "length": str(BLOCK_SIZE)}, key=OWNER)
    assert reply.status_code == 200, reply.text
    assert reply.content == data, "the volume lost the blocks of the snapshot it was made from"


# ---------------------------------------------------------------- attributes


def test_image_attributes(ec2o, snap):
    image_id = register(ec2o, snap, f"attr-{token()}", Description="first")
    got = ec2o.describe_image_attribute(ImageId=image_id, Attribute="description")
    assert got["ImageId"] == image_id
    assert got["Description"] == {"Value": "first"}

    ec2o.modify_image_attribute(ImageId=image_id, Description={"Value": "second"})
    assert ec2o.describe_image_attribute(ImageId=image_id, Attribute="description")["Description"] == {"Value": "second"}
    ec2o.modify_image_attribute(ImageId=image_id, Attribute="description", Value="third")
    assert describe_one(ec2o, image_id)["Description"] == "third"

    assert ec2o.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")["LaunchPermissions"] == []

    ec2o.modify_image_attribute(ImageId=image_id, ImdsSupport={"Value": "v2.0"})
    assert ec2o.describe_image_attribute(ImageId=image_id, Attribute="imdsSupport")["ImdsSupport"] == {"Value": "v2.0"}
    assert describe_one(ec2o, image_id)["ImdsSupport"] == "v2.0"

    # the blockDeviceMapping attribute is no longer served
    raises("AuthFailure", ec2o.describe_image_attribute, ImageId=image_id, Attribute="blockDeviceMapping")
    raises("InvalidAMIID.NotFound", ec2o.describe_image_attribute, ImageId="ami-0123456789abcdef0", Attribute="description")
    raises("InvalidAMIID.Malformed", ec2o.describe_image_attribute, ImageId="ami-zz", Attribute="description")
    # bad grantees
    raises("InvalidAMIAttributeItemValue", ec2o.modify_image_attribute, ImageId=image_id, LaunchPermission={"Add": [{"UserId": "12345"}]})
    raises(
        "InvalidAMIAttributeItemValue",
        ec2o.modify_image_attribute,
        ImageId=image_id,
        Attribute="launchPermission",
        OperationType="add",
        UserIds=["not-an-account"],
    )
    raises(
        "InvalidAMIAttributeItemValue",
        ec2o.modify_image_attribute,
        ImageId=image_id,
        Attribute="launchPermission",
        OperationType="add",
        UserGroups=["everyone"],
    )
    assert ec2o.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")["LaunchPermissions"] == []


def test_modify_image_attribute_one_attribute_at_a_time(ec2o, snap):
    """ModifyImageAttribute: 'You can specify only one attribute at a time.'"""
    image_id = register(ec2o, snap, f"oneattr-{token()}", Description="before")
    with pytest.raises(ClientError) as ei:
        ec2o.modify_image_attribute(ImageId=image_id, Description={"Value": "after"}, LaunchPermission={"Add": [{"UserId": "222222222222"}]})
    assert client_error(ei)[0] in {"InvalidParameterCombination", "InvalidParameter", "InvalidParameterValue"}
    assert describe_one(ec2o, image_id)["Description"] == "before"
    assert ec2o.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")["LaunchPermissions"] == []


# ---------------------------------------------------------------- life cycle


def test_disable_and_enable_image(ec2o, snap):
    image_id = register(ec2o, snap, f"disable-{token()}")
    ec2o.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"UserId": "222222222222"}]})
    assert ec2o.disable_image(ImageId=image_id)["Return"] is True

    # hidden unless IncludeDisabled
    assert image_id not in ids_of(ec2o.describe_images(Owners=["self"]))
    listed = ec2o.describe_images(Owners=["self"], IncludeDisabled=True, Filters=[{"Name": "image-id", "Values": [image_id]}])["Images"]
    assert [(i["ImageId"], i["State"]) for i in listed] == [(image_id, "disabled")]
    assert ids_of(ec2o.describe_images(Owners=["self"], IncludeDisabled=True, Filters=[{"Name": "state", "Values": ["disabled"]}])) >= {image_id}
    # disabling removed every launch permission
    assert ec2o.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")["LaunchPermissions"] == []
    # a disabled image can't be shared
    raises(
        {"InvalidParameterValue", "IncorrectState", "OperationNotPermitted", "InvalidAMIID.Unavailable"},
        ec2o.modify_image_attribute,
        ImageId=image_id,
        LaunchPermission={"Add": [{"UserId": "222222222222"}]},
    )

    assert ec2o.enable_image(ImageId=image_id)["Return"] is True
    img = describe_one(ec2o, image_id)
    assert img["State"] == "available"
    assert ec2o.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")["LaunchPermissions"] == [], "shares are not restored"


def test_deregistration_protection(ec2o, snap):
    image_id = register(ec2o, snap, f"protect-{token()}")
    resp = ec2o.enable_image_deregistration_protection(ImageId=image_id)
    assert isinstance(resp["Return"], str) and resp["Return"]
    assert describe_one(ec2o, image_id)["DeregistrationProtection"].startswith("enabled")
    raises({"InvalidParameterValue", "OperationNotPermitted", "UnauthorizedOperation", "IncorrectState"}, ec2o.deregister_image, ImageId=image_id)
    assert describe_one(ec2o, image_id)["State"] == "available"

    ec2o.disable_image_deregistration_protection(ImageId=image_id)
    assert describe_one(ec2o, image_id)["DeregistrationProtection"] == "disabled"
    ec2o.deregister_image(ImageId=image_id)

    # with cooldown: after disabling, deregistration stays refused for 24 hours
    cool = register(ec2o, snap, f"cooldown-{token()}")
    ec2o.enable_image_deregistration_protection(ImageId=cool, WithCooldown=True)
    assert describe_one(ec2o, cool)["DeregistrationProtection"] == "enabled-with-cooldown"
    ec2o.disable_image_deregistration_protection(ImageId=cool)
    shown = describe_one(ec2o, cool)["DeregistrationProtection"]
    assert shown.startswith("disabled-until "), shown
    until = dt.datetime.fromisoformat(shown.split(" ", 1)[1].replace("Z", "+00:00"))
    assert dt.timedelta(hours=23) < until - dt.datetime.now(dt.timezone.utc) <= dt.timedelta(hours=24, minutes=1)
    raises({"InvalidParameterValue", "OperationNotPermitted", "UnauthorizedOperation", "IncorrectState"}, ec2o.deregister_image, ImageId=cool)


def _next_minutes(minutes: int) -> dt.datetime:
    now = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
    return now + dt.timedelta(minutes=minutes)


def test_deprecation_time(ec2o, snap):
    image_id = register(ec2o, snap, f"deprecate-{token()}")
    at = _next_minutes(10)
    ec2o.enable_image_deprecation(ImageId=image_id, DeprecateAt=at)
    shown = describe_one(ec2o, image_id)["DeprecationTime"]
    assert isinstance(shown, str)
    parsed = dt.datetime.fromisoformat(shown.replace("Z", "+00:00"))
    assert parsed == at, (shown, at)
    # not yet deprecated: still listed for its owner (and for everyone, see test_image_sharing)
    assert image_id in ids_of(ec2o.describe_images(Owners=["self"]))

    # the past is refused
    raises("InvalidParameterValue", ec2o.enable_image_deprecation, ImageId=image_id, DeprecateAt=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1))
    # more than 10 years ahead is refused
    raises("InvalidParameterValue", ec2o.enable_image_deprecation, ImageId=image_id, DeprecateAt=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3700))

    ec2o.disable_image_deprecation(ImageId=image_id)
    assert "DeprecationTime" not in describe_one(ec2o, image_id)
    raises("InvalidAMIID.NotFound", ec2o.enable_image_deprecation, ImageId="ami-0123456789abcdef0", DeprecateAt=at)


def test_deprecation_time_seconds_round_to_the_nearest_minute(ec2o, snap):
    """AWS: 'If you specify a value for seconds, Amazon EC2 rounds the seconds to the nearest minute.'"""
    image_id = register(ec2o, snap, f"round-{token()}")
    base = _next_minutes(30)
    ec2o.enable_image_deprecation(ImageId=image_id, DeprecateAt=base + dt.timedelta(seconds=10))
    down = dt.datetime.fromisoformat(describe_one(ec2o, image_id)["DeprecationTime"].replace("Z", "+00:00"))
    ec2o.enable_image_deprecation(ImageId=image_id, DeprecateAt=base + dt.timedelta(seconds=50))
    up = dt.datetime.fromisoformat(describe_one(ec2o, image_id)["DeprecationTime"].replace("Z", "+00:00"))
    assert (down, up) == (base, base + dt.timedelta(minutes=1)), f":10 -> {down}, :50 -> {up}"


# ---------------------------------------------------------------- the aws CLI


def test_aws_cli_register_describe_share_deregister(aws, ec2o, snap):
    name = f"cli-{token()}"
    mappings = '[{"DeviceName":"/dev/xvda","Ebs":{"SnapshotId":"%s","VolumeType":"gp3"}}]' % snap
    out = aws(
        "ec2", "register-image",
        "--name", name,
        "--architecture", "x86_64",
        "--virtualization-type", "hvm",
        "--root-device-name", "/dev/xvda",
        "--block-device-mappings", mappings,
        key=OWNER,
    )  # fmt: skip
    image_id = out["ImageId"]
    assert AMI_ID.match(image_id)

    ids = aws("ec2", "describe-images", "--owners", "self", "--query", f"Images[?Name=='{name}'].ImageId", key=OWNER)
    assert ids == [image_id]
    shape = aws(
        "ec2", "describe-images", "--image-ids", image_id,
        "--query", "Images[0].{a:Architecture,v:VirtualizationType,t:BlockDeviceMappings[0].Ebs.VolumeType,s:State}",
        key=OWNER,
    )  # fmt: skip
    assert shape == {"a": "x86_64", "v": "hvm", "t": "gp3", "s": "available"}

    aws("ec2", "modify-image-attribute", "--image-id", image_id, "--launch-permission", "Add=[{UserId=222222222222}]", key=OWNER)
    perms = aws("ec2", "describe-image-attribute", "--image-id", image_id, "--attribute", "launchPermission", key=OWNER)
    assert perms["LaunchPermissions"] == [{"UserId": "222222222222"}]
    # the recipient sees it through the CLI too
    shared = aws("ec2", "describe-images", "--executable-users", "self", "--filters", f"Name=name,Values={name}", "--query", "Images[].ImageId", key="222222222222")
    assert shared == [image_id]

    aws("ec2", "deregister-image", "--image-id", image_id, key=OWNER)
    assert image_id not in ids_of(ec2o.describe_images(Owners=["self"], Filters=[{"Name": "name", "Values": [name]}]))
