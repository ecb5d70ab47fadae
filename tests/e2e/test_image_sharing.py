"""Sharing images across accounts, organizations and organizational units: who sees what in
DescribeImages (by id, ExecutableUsers, Owners, the default listing), the two request shapes of
ModifyImageAttribute launchPermission, refusals for non-owners, CancelImageLaunchPermission,
DisableImage stripping shares, snapshots shared for RegisterImage, the deprecation visibility
rule, and all of it surviving a restart.

The tests run on a dev-auth server (kiln_harness.image_org_server, one per session) whose
config declares one organization:

    o-exampleorg1, management account 111111111111 (the owner of every image here)
      ou-root-exampleou1 "prod": 444444444444   (the OU member)
      ou-root-exampleou2 "dev":  555555555555   (an org member outside that OU)
    222222222222: shared with by account id, in no organization (the recipient)
    333333333333: nobody shares with it (the stranger)

Expectations follow AWS's documentation (DescribeImages' ExecutableUsers/IncludeDeprecated
docs, the AMI sharing guide); invisible images are InvalidAMIID.NotFound everywhere.

The deprecation rule needs a deprecation time to pass, and EnableImageDeprecation only takes
future, minute-rounded times: kiln_harness.scheduled_image_deprecation sets one at the next whole
minute, once per session and as early as possible (test_images.py asks for it at its start), and
the last test here waits for it, so that the wait overlaps with everything else.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from kiln_harness import (
    ids_of,
    raises,
    BLOCK_SIZE,
    IMAGE_DEPRECATION_REGION,
    IMAGE_ORG_ARN,
    IMAGE_ORG_MEMBER,
    IMAGE_OU_ARN,
    IMAGE_OU_MEMBER,
    IMAGE_OWNER,
    IMAGE_RECIPIENT,
    IMAGE_STRANGER,
    client_error,
    image_org_server,
    make_client,
    scheduled_image_deprecation,
    start_image_org_server,
    upload_snapshot,
)

OWNER = IMAGE_OWNER
RECIPIENT = IMAGE_RECIPIENT
STRANGER = IMAGE_STRANGER
OU_MEMBER = IMAGE_OU_MEMBER
ORG_MEMBER = IMAGE_ORG_MEMBER
VIEWERS = [OWNER, RECIPIENT, OU_MEMBER, ORG_MEMBER, STRANGER]
ORG_ARN = IMAGE_ORG_ARN
OU_ARN = IMAGE_OU_ARN

AMI_ID = re.compile(r"^ami-[0-9a-f]{17}$")


# ---------------------------------------------------------------- helpers


def token() -> str:
    return uuid.uuid4().hex[:10]


def register(ec2, snapshot_id: str, name: str, **kw) -> str:
    resp = ec2.register_image(
        Name=name,
        RootDeviceName="/dev/xvda",
        Architecture="x86_64",
        VirtualizationType="hvm",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot_id}}],
        **kw,
    )
    assert AMI_ID.match(resp["ImageId"]), resp
    return resp["ImageId"]




def can_see(ec2, image_id: str, **kw) -> bool:
    """DescribeImages by id: True if returned, False on InvalidAMIID.NotFound."""
    try:
        images = ec2.describe_images(ImageIds=[image_id], **kw)["Images"]
    except ClientError as e:
        assert e.response["Error"]["Code"] == "InvalidAMIID.NotFound", e
        return False
    return image_id in {i["ImageId"] for i in images}


def launch_permissions(ec2, image_id: str) -> list[dict]:
    return ec2.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")["LaunchPermissions"]


def as_set(perms: list[dict]) -> set[tuple]:
    return {tuple(sorted(p.items())) for p in perms}


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def org_server(pytestconfig, _servers, workdir):
    return image_org_server(pytestconfig, _servers, workdir)


@pytest.fixture(scope="module")
def ec2_as(org_server):
    """ec2_as(account, region="us-east-1") -> an EC2 client acting as that account."""
    cache = {}

    def get(account: str, region: str = "us-east-1"):
        if (account, region) not in cache:
            cache[(account, region)] = make_client(org_server.endpoint, "ec2", region=region, key=account)
        return cache[(account, region)]

    return get


@pytest.fixture(scope="module")
def ebs_as(org_server):
    def get(account: str, region: str = "us-east-1"):
        return make_client(org_server.endpoint, "ebs", region=region, key=account)

    return get


@pytest.fixture(scope="module")
def owner_snap(ebs_as) -> str:
    return upload_snapshot(ebs_as(OWNER), {0: os.urandom(BLOCK_SIZE)})


# ---------------------------------------------------------------- deprecation, part 1 (scheduled first)

DEPRECATION_REGION = IMAGE_DEPRECATION_REGION


@pytest.fixture(scope="module")
def deprecation(pytestconfig, _servers, workdir) -> dict:
    """Images shared by account, with the organization and publicly, deprecated at the next whole
    minute (scheduled once per session: test_images.py asks for it first when it runs too)."""
    return scheduled_image_deprecation(pytestconfig, _servers, workdir)


def test_deprecation_scheduled(ec2_as, deprecation):
    """Before the deprecation time every recipient lists the images."""
    shared, public, at = deprecation["shared"], deprecation["public"], deprecation["at"]
    owner = ec2_as(OWNER, DEPRECATION_REGION)
    for image_id in (shared, public):
        shown = owner.describe_images(ImageIds=[image_id])["Images"][0]["DeprecationTime"]
        assert dt.datetime.fromisoformat(shown.replace("Z", "+00:00")) == at
    if dt.datetime.now(dt.timezone.utc) < at - dt.timedelta(seconds=1):
        assert shared in ids_of(ec2_as(RECIPIENT, DEPRECATION_REGION).describe_images(ExecutableUsers=["self"]))
        assert shared in ids_of(ec2_as(ORG_MEMBER, DEPRECATION_REGION).describe_images(ExecutableUsers=["self"]))
        assert public in ids_of(ec2_as(STRANGER, DEPRECATION_REGION).describe_images(Owners=[OWNER]))


# ---------------------------------------------------------------- the sharing matrix

MATRIX_REGION = "eu-central-1"


@pytest.fixture(scope="module")
def matrix(ec2_as, ebs_as):
    """Five images of the owner's in their own region: private, shared with RECIPIENT's account,
    with the organization, with the OU, and public."""
    owner = ec2_as(OWNER, MATRIX_REGION)
    snap = upload_snapshot(ebs_as(OWNER, MATRIX_REGION), {0: os.urandom(BLOCK_SIZE)})
    t = token()
    m = {kind: register(owner, snap, f"matrix-{kind}-{t}", TagSpecifications=[{"ResourceType": "image", "Tags": [{"Key": "kind", "Value": kind}]}])
         for kind in ("private", "account", "org", "ou", "public")}  # fmt: skip
    owner.modify_image_attribute(ImageId=m["account"], LaunchPermission={"Add": [{"UserId": RECIPIENT}]})
    owner.modify_image_attribute(ImageId=m["org"], LaunchPermission={"Add": [{"OrganizationArn": ORG_ARN}]})
    owner.modify_image_attribute(ImageId=m["ou"], LaunchPermission={"Add": [{"OrganizationalUnitArn": OU_ARN}]})
    owner.disable_image_block_public_access()
    owner.modify_image_attribute(ImageId=m["public"], LaunchPermission={"Add": [{"Group": "all"}]})
    return m


# which images each viewer may launch (and so see)
VISIBLE = {
    OWNER: {"private", "account", "org", "ou", "public"},
    RECIPIENT: {"account", "public"},
    OU_MEMBER: {"org", "ou", "public"},
    ORG_MEMBER: {"org", "public"},
    STRANGER: {"public"},
}
# ExecutableUsers=self: shared with the account, its organization or OU (public ones are `all`)
EXECUTABLE_SELF = {
    RECIPIENT: {"account"},
    OU_MEMBER: {"org", "ou"},
    ORG_MEMBER: {"org"},
    STRANGER: set(),
}


@pytest.mark.parametrize("viewer", VIEWERS, ids=["owner", "recipient", "ou-member", "org-member", "stranger"])
def test_sharing_matrix(ec2_as, matrix, viewer):
    ec2 = ec2_as(viewer, MATRIX_REGION)
    kinds = {v: k for k, v in matrix.items()}
    mine = set(matrix.values())

    def kinds_in(resp) -> set[str]:
        return {kinds[i] for i in ids_of(resp) & mine}

    # by id: visible ones come back, the others are NotFound (existence is never leaked)
    by_id = {kind for kind, image_id in matrix.items() if can_see(ec2, image_id)}
    assert by_id == VISIBLE[viewer]
    # the default listing: everything the viewer may launch
    assert kinds_in(ec2.describe_images()) == VISIBLE[viewer]
    # Owners=<owner id> scopes, it does not widen
    assert kinds_in(ec2.describe_images(Owners=[OWNER])) == VISIBLE[viewer]
    # ExecutableUsers=all: the public images
    assert kinds_in(ec2.describe_images(ExecutableUsers=["all"])) == {"public"}
    if viewer != OWNER:
        assert kinds_in(ec2.describe_images(ExecutableUsers=["self"])) == EXECUTABLE_SELF[viewer]
        # the caller's own account id means the same as self
        assert kinds_in(ec2.describe_images(ExecutableUsers=[viewer])) == EXECUTABLE_SELF[viewer]
        assert kinds_in(ec2.describe_images(Owners=["self"])) == set()
        # several ids, one invisible: NotFound naming it
        hidden = [matrix[k] for k in ("private",)]
        with pytest.raises(ClientError) as ei:
            ec2.describe_images(ImageIds=[matrix["public"], *hidden])
        assert client_error(ei)[0] == "InvalidAMIID.NotFound"
        assert hidden[0] in ei.value.response["Error"]["Message"]
        assert matrix["public"] not in ei.value.response["Error"]["Message"]

    # paging one image at a time walks the same set
    paged, token_ = set(), None
    for _ in range(50):
        resp = ec2.describe_images(Owners=[OWNER], MaxResults=1, **({"NextToken": token_} if token_ else {}))
        assert len(resp["Images"]) <= 1
        paged |= ids_of(resp)
        token_ = resp.get("NextToken")
        if not token_:
            break
    assert {kinds[i] for i in paged & mine} == VISIBLE[viewer]
    # tag filters see the caller's own tags only
    tagged = kinds_in(ec2.describe_images(Filters=[{"Name": "tag:kind", "Values": ["public", "account"]}]))
    assert tagged == ({"public", "account"} if viewer == OWNER else set())

    for image in ec2.describe_images(Owners=[OWNER])["Images"]:
        if image["ImageId"] not in mine:
            continue
        assert image["OwnerId"] == OWNER
        assert image["Public"] is (kinds[image["ImageId"]] == "public")
        if viewer == OWNER:
            assert image["Tags"] == [{"Key": "kind", "Value": kinds[image["ImageId"]]}]
        else:
            assert not image.get("Tags"), "the owner's tags are not shared with other accounts"


def test_executable_users_other_account_counts_only_direct_shares(ec2_as, matrix):
    """AWS: with another account's id, only AMIs shared with that id are returned, not those
    shared with its organization or OU."""
    owner = ec2_as(OWNER, MATRIX_REGION)
    mine = set(matrix.values())
    assert ids_of(owner.describe_images(ExecutableUsers=[RECIPIENT])) & mine == {matrix["account"]}
    assert ids_of(owner.describe_images(ExecutableUsers=[OU_MEMBER])) & mine == set()
    assert ids_of(owner.describe_images(ExecutableUsers=[RECIPIENT, "all"])) & mine == {matrix["account"], matrix["public"]}
    # images are regional: none of these are seen from another region
    assert ids_of(ec2_as(OWNER, "us-east-2").describe_images(Owners=["self"])) & mine == set()
    assert not can_see(ec2_as(OWNER, "us-east-2"), matrix["private"])


def test_is_public_filter_across_accounts(ec2_as, matrix):
    stranger = ec2_as(STRANGER, MATRIX_REGION)
    got = ids_of(stranger.describe_images(Filters=[{"Name": "is-public", "Values": ["true"]}, {"Name": "owner-id", "Values": [OWNER]}]))
    assert got & set(matrix.values()) == {matrix["public"]}
    recipient = ec2_as(RECIPIENT, MATRIX_REGION)
    got = ids_of(recipient.describe_images(Owners=[OWNER], Filters=[{"Name": "is-public", "Values": ["false"]}]))
    assert got & set(matrix.values()) == {matrix["account"]}


# ---------------------------------------------------------------- ModifyImageAttribute launchPermission


def test_launch_permission_both_request_shapes(ec2_as, owner_snap):
    owner = ec2_as(OWNER)
    image_id = register(owner, owner_snap, f"forms-{token()}")

    # structured shape
    owner.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"UserId": RECIPIENT}, {"OrganizationalUnitArn": OU_ARN}]})
    assert as_set(launch_permissions(owner, image_id)) == as_set([{"UserId": RECIPIENT}, {"OrganizationalUnitArn": OU_ARN}])
    assert can_see(ec2_as(RECIPIENT), image_id) and can_see(ec2_as(OU_MEMBER), image_id)
    assert not can_see(ec2_as(ORG_MEMBER), image_id), "a share with one OU is not a share with the whole organization"

    # flat shape: Attribute + OperationType + UserIds / OrganizationArns
    owner.modify_image_attribute(ImageId=image_id, Attribute="launchPermission", OperationType="add", UserIds=[STRANGER])
    owner.modify_image_attribute(ImageId=image_id, Attribute="launchPermission", OperationType="add", OrganizationArns=[ORG_ARN])
    assert can_see(ec2_as(STRANGER), image_id) and can_see(ec2_as(ORG_MEMBER), image_id)
    # adding an existing grantee again changes nothing
    owner.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"UserId": RECIPIENT}]})
    assert as_set(launch_permissions(owner, image_id)) == as_set(
        [{"UserId": RECIPIENT}, {"UserId": STRANGER}, {"OrganizationalUnitArn": OU_ARN}, {"OrganizationArn": ORG_ARN}]
    )
    assert len(launch_permissions(owner, image_id)) == 4

    owner.modify_image_attribute(ImageId=image_id, Attribute="launchPermission", OperationType="remove", UserIds=[STRANGER])
    owner.modify_image_attribute(ImageId=image_id, LaunchPermission={"Remove": [{"OrganizationArn": ORG_ARN}]})
    owner.modify_image_attribute(ImageId=image_id, Attribute="launchPermission", OperationType="remove", OrganizationalUnitArns=[OU_ARN])
    assert not can_see(ec2_as(STRANGER), image_id)
    assert not can_see(ec2_as(ORG_MEMBER), image_id)
    assert not can_see(ec2_as(OU_MEMBER), image_id)
    assert launch_permissions(owner, image_id) == [{"UserId": RECIPIENT}]

    # public, through the flat shape's UserGroups (wire: UserGroup.N)
    owner.disable_image_block_public_access()
    owner.modify_image_attribute(ImageId=image_id, Attribute="launchPermission", OperationType="add", UserGroups=["all"])
    assert {"Group": "all"} in launch_permissions(owner, image_id)
    assert owner.describe_images(ImageIds=[image_id])["Images"][0]["Public"] is True
    assert can_see(ec2_as(STRANGER), image_id)
    owner.modify_image_attribute(ImageId=image_id, LaunchPermission={"Remove": [{"Group": "all"}]})
    assert owner.describe_images(ImageIds=[image_id])["Images"][0]["Public"] is False
    assert not can_see(ec2_as(STRANGER), image_id)

    # ResetImageAttribute launchPermission: no shares left, not public
    owner.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"Group": "all"}, {"OrganizationArn": ORG_ARN}]})
    owner.reset_image_attribute(ImageId=image_id, Attribute="launchPermission")
    assert launch_permissions(owner, image_id) == []
    assert owner.describe_images(ImageIds=[image_id])["Images"][0]["Public"] is False
    for viewer in (RECIPIENT, OU_MEMBER, ORG_MEMBER, STRANGER):
        assert not can_see(ec2_as(viewer), image_id), viewer


def test_public_sharing_refused_while_block_public_access_is_on(ec2_as, ebs_as):
    """A new account's image block public access is on by default (block-new-sharing)."""
    region = "ap-southeast-2"
    owner = ec2_as(OWNER, region)
    assert owner.get_image_block_public_access_state()["ImageBlockPublicAccessState"] == "block-new-sharing"
    image_id = register(owner, upload_snapshot(ebs_as(OWNER, region), {0: os.urandom(BLOCK_SIZE)}), f"bpa-{token()}")
    raises({"OperationNotPermitted", "InvalidParameterValue", "UnauthorizedOperation"},
           owner.modify_image_attribute, ImageId=image_id, LaunchPermission={"Add": [{"Group": "all"}]})  # fmt: skip
    raises({"OperationNotPermitted", "InvalidParameterValue", "UnauthorizedOperation"},
           owner.modify_image_attribute, ImageId=image_id, Attribute="launchPermission", OperationType="add", UserGroups=["all"])  # fmt: skip
    assert not can_see(ec2_as(STRANGER, region), image_id)
    # sharing with accounts is not affected
    owner.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"UserId": RECIPIENT}]})
    assert can_see(ec2_as(RECIPIENT, region), image_id)


def test_bad_grantees_are_refused(ec2_as, owner_snap):
    owner = ec2_as(OWNER)
    image_id = register(owner, owner_snap, f"badgrant-{token()}")
    for grant in ({"UserId": "1234"}, {"UserId": "abcdefghijkl"}, {"Group": "everyone"}):
        raises("InvalidAMIAttributeItemValue", owner.modify_image_attribute, ImageId=image_id, LaunchPermission={"Add": [grant]})
    raises(
        {"InvalidAMIAttributeItemValue", "InvalidParameterValue"},
        owner.modify_image_attribute,
        ImageId=image_id,
        LaunchPermission={"Add": [{"OrganizationArn": "not-an-arn"}]},
    )
    assert launch_permissions(owner, image_id) == []


# ---------------------------------------------------------------- non-owners


def test_non_owners_cannot_manage_an_image(ec2_as, owner_snap):
    owner = ec2_as(OWNER)
    image_id = register(owner, owner_snap, f"nonowner-{token()}", Description="mine")
    owner.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"UserId": RECIPIENT}]})
    soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30)

    def attempts(ec2):
        return [
            (ec2.describe_image_attribute, dict(ImageId=image_id, Attribute="launchPermission")),
            (ec2.describe_image_attribute, dict(ImageId=image_id, Attribute="description")),
            (ec2.modify_image_attribute, dict(ImageId=image_id, LaunchPermission={"Add": [{"UserId": STRANGER}]})),
            (ec2.modify_image_attribute, dict(ImageId=image_id, Description={"Value": "theirs"})),
            (ec2.reset_image_attribute, dict(ImageId=image_id, Attribute="launchPermission")),
            (ec2.deregister_image, dict(ImageId=image_id)),
            (ec2.disable_image, dict(ImageId=image_id)),
            (ec2.enable_image_deprecation, dict(ImageId=image_id, DeprecateAt=soon)),
            (ec2.disable_image_deprecation, dict(ImageId=image_id)),
            (ec2.enable_image_deregistration_protection, dict(ImageId=image_id)),
        ]

    # the recipient can see the image but not manage it
    for fn, kw in attempts(ec2_as(RECIPIENT)):
        raises({"AuthFailure", "UnauthorizedOperation", "InvalidAMIID.NotFound", "OperationNotPermitted"}, fn, **kw)
    # a stranger can't even see it
    for fn, kw in attempts(ec2_as(STRANGER)):
        raises("InvalidAMIID.NotFound", fn, **kw)

    img = owner.describe_images(ImageIds=[image_id])["Images"][0]
    assert (img["State"], img["Description"]) == ("available", "mine")
    assert "DeprecationTime" not in img
    assert img.get("DeregistrationProtection", "disabled") == "disabled"
    assert launch_permissions(owner, image_id) == [{"UserId": RECIPIENT}]


# ---------------------------------------------------------------- CancelImageLaunchPermission


def test_cancel_image_launch_permission(ec2_as, owner_snap):
    owner = ec2_as(OWNER)
    image_id = register(owner, owner_snap, f"cancel-{token()}")
    owner.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"UserId": RECIPIENT}, {"OrganizationalUnitArn": OU_ARN}]})

    recipient = ec2_as(RECIPIENT)
    assert recipient.cancel_image_launch_permission(ImageId=image_id)["Return"] is True
    assert not can_see(recipient, image_id)
    assert launch_permissions(owner, image_id) == [{"OrganizationalUnitArn": OU_ARN}]
    # no longer shared with it
    raises("InvalidAMIID.NotFound", recipient.cancel_image_launch_permission, ImageId=image_id)
    # shared only through its OU: not something an account can cancel
    raises("InvalidAMIID.NotFound", ec2_as(OU_MEMBER).cancel_image_launch_permission, ImageId=image_id)
    assert can_see(ec2_as(OU_MEMBER), image_id)
    # not visible at all
    raises("InvalidAMIID.NotFound", ec2_as(STRANGER).cancel_image_launch_permission, ImageId=image_id)
    raises("InvalidAMIID.NotFound", recipient.cancel_image_launch_permission, ImageId="ami-0123456789abcdef0")
    raises("InvalidAMIID.Malformed", recipient.cancel_image_launch_permission, ImageId="ami-nothex")


def test_deregistered_shared_images_vanish_for_recipients(ec2_as, owner_snap):
    owner = ec2_as(OWNER)
    image_id = register(owner, owner_snap, f"dereg-shared-{token()}")
    owner.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"UserId": RECIPIENT}, {"OrganizationArn": ORG_ARN}]})
    assert can_see(ec2_as(RECIPIENT), image_id) and can_see(ec2_as(ORG_MEMBER), image_id)
    owner.deregister_image(ImageId=image_id)
    for viewer in (RECIPIENT, ORG_MEMBER, OU_MEMBER):
        assert not can_see(ec2_as(viewer), image_id), viewer
        assert image_id not in ids_of(ec2_as(viewer).describe_images(ExecutableUsers=["self"]))
    raises("InvalidAMIID.NotFound", ec2_as(RECIPIENT).cancel_image_launch_permission, ImageId=image_id)
    raises({"InvalidAMIID.NotFound", "InvalidAMIID.Unavailable"}, ec2_as(RECIPIENT).deregister_image, ImageId=image_id)


# ---------------------------------------------------------------- DisableImage strips shares


def test_disable_image_removes_every_launch_permission(ec2_as, owner_snap):
    owner = ec2_as(OWNER)
    image_id = register(owner, owner_snap, f"disable-shared-{token()}")
    owner.disable_image_block_public_access()
    owner.modify_image_attribute(
        ImageId=image_id,
        LaunchPermission={"Add": [{"UserId": RECIPIENT}, {"OrganizationArn": ORG_ARN}, {"OrganizationalUnitArn": OU_ARN}, {"Group": "all"}]},
    )
    for viewer in (RECIPIENT, OU_MEMBER, ORG_MEMBER, STRANGER):
        assert can_see(ec2_as(viewer), image_id), viewer

    owner.disable_image(ImageId=image_id)
    assert launch_permissions(owner, image_id) == []
    for viewer in (RECIPIENT, OU_MEMBER, ORG_MEMBER, STRANGER):
        assert not can_see(ec2_as(viewer), image_id, IncludeDisabled=True), viewer
        assert image_id not in ids_of(ec2_as(viewer).describe_images(IncludeDisabled=True))
    assert can_see(owner, image_id, IncludeDisabled=True)

    owner.enable_image(ImageId=image_id)
    img = owner.describe_images(ImageIds=[image_id])["Images"][0]
    assert (img["State"], img["Public"]) == ("available", False)
    for viewer in (RECIPIENT, OU_MEMBER, ORG_MEMBER, STRANGER):
        assert not can_see(ec2_as(viewer), image_id), f"{viewer}: EnableImage must not restore shares"


# ---------------------------------------------------------------- shared snapshots and RegisterImage


def test_register_from_a_snapshot_shared_with_create_volume_permission(ec2_as, ebs_as):
    owner = ec2_as(OWNER)
    recipient = ec2_as(RECIPIENT)
    stranger = ec2_as(STRANGER)
    snap = upload_snapshot(ebs_as(OWNER), {0: os.urandom(BLOCK_SIZE)})
    t = token()

    # not shared: the recipient can neither see it nor register from it
    raises("InvalidSnapshot.NotFound", recipient.describe_snapshots, SnapshotIds=[snap])
    raises("InvalidSnapshot.NotFound", register, recipient, snap, f"from-shared-{t}")
    assert owner.describe_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission")["CreateVolumePermissions"] == []

    # structured shape
    owner.modify_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission", CreateVolumePermission={"Add": [{"UserId": RECIPIENT}]})
    got = owner.describe_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission")
    assert got["SnapshotId"] == snap
    assert got["CreateVolumePermissions"] == [{"UserId": RECIPIENT}]
    # the recipient sees it, by id, by owner and as restorable by itself
    assert [s["SnapshotId"] for s in recipient.describe_snapshots(SnapshotIds=[snap])["Snapshots"]] == [snap]
    assert snap in {s["SnapshotId"] for s in recipient.describe_snapshots(OwnerIds=[OWNER])["Snapshots"]}
    assert snap in {s["SnapshotId"] for s in recipient.describe_snapshots(RestorableByUserIds=["self"])["Snapshots"]}
    assert snap not in {s["SnapshotId"] for s in recipient.describe_snapshots(OwnerIds=["self"])["Snapshots"]}
    assert snap not in {s["SnapshotId"] for s in stranger.describe_snapshots(OwnerIds=[OWNER])["Snapshots"]}

    image_id = register(recipient, snap, f"from-shared-{t}")
    img = recipient.describe_images(ImageIds=[image_id])["Images"][0]
    assert img["OwnerId"] == RECIPIENT
    assert img["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"] == snap
    assert not can_see(owner, image_id), "the recipient's image is its own, not shared back"
    raises("InvalidSnapshot.NotFound", register, stranger, snap, f"stranger-{t}")

    # deregistering the recipient's image may not delete the owner's snapshot
    other = register(recipient, snap, f"from-shared-2-{t}")
    resp = recipient.deregister_image(ImageId=other, DeleteAssociatedSnapshots=True)
    assert [r["SnapshotId"] for r in resp["DeleteSnapshotResults"]] == [snap]
    assert resp["DeleteSnapshotResults"][0]["ReturnCode"] in {"skipped", "missing-permissions", "client-error"}
    assert owner.describe_snapshots(SnapshotIds=[snap])["Snapshots"][0]["State"] == "completed"

    # flat shape, add and remove
    owner.modify_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission", OperationType="add", UserIds=[STRANGER])
    assert snap in {s["SnapshotId"] for s in stranger.describe_snapshots(RestorableByUserIds=["self"])["Snapshots"]}
    owner.modify_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission", OperationType="remove", UserIds=[STRANGER])
    raises("InvalidSnapshot.NotFound", stranger.describe_snapshots, SnapshotIds=[snap])
    assert owner.describe_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission")["CreateVolumePermissions"] == [{"UserId": RECIPIENT}]

    # reset: no one else may use it any more
    owner.reset_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission")
    assert owner.describe_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission")["CreateVolumePermissions"] == []
    raises("InvalidSnapshot.NotFound", recipient.describe_snapshots, SnapshotIds=[snap])
    raises("InvalidSnapshot.NotFound", register, recipient, snap, f"again-{t}")

    # only the owner manages the snapshot's permissions
    raises(
        {"InvalidSnapshot.NotFound", "UnauthorizedOperation", "AuthFailure"},
        stranger.modify_snapshot_attribute,
        SnapshotId=snap,
        Attribute="createVolumePermission",
        CreateVolumePermission={"Add": [{"UserId": STRANGER}]},
    )


# ---------------------------------------------------------------- public images and deprecation


def test_public_images_are_deprecated_within_two_years(ec2_as, ebs_as):
    """AWS: 'By default, the deprecation date of all public AMIs is set to two years from the AMI
    creation date. You can set the deprecation date to earlier than two years. To cancel the
    deprecation date, or to move the deprecation to a later date, you must make the AMI private.'
    EnableImageDeprecation: 'The upper limit for DeprecateAt is 10 years from now, except for
    public AMIs, where the upper limit is 2 years from the creation date.'"""
    region = "eu-west-1"
    owner = ec2_as(OWNER, region)
    image_id = register(owner, upload_snapshot(ebs_as(OWNER, region), {0: os.urandom(BLOCK_SIZE)}), f"pub2y-{token()}")
    owner.disable_image_block_public_access()
    owner.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"Group": "all"}]})
    img = owner.describe_images(ImageIds=[image_id])["Images"][0]
    created = dt.datetime.fromisoformat(img["CreationDate"].replace("Z", "+00:00"))
    problems = []
    if "DeprecationTime" not in img:
        problems.append("making the image public set no default DeprecationTime")
    else:
        shown = dt.datetime.fromisoformat(img["DeprecationTime"].replace("Z", "+00:00"))
        if abs(shown - created.replace(year=created.year + 2)) > dt.timedelta(days=1):
            problems.append(f"default DeprecationTime {img['DeprecationTime']} is not two years after {img['CreationDate']}")
    # earlier than two years is fine
    owner.enable_image_deprecation(ImageId=image_id, DeprecateAt=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=200))
    # later than two years after creation is refused for a public image
    try:
        owner.enable_image_deprecation(ImageId=image_id, DeprecateAt=created + dt.timedelta(days=3 * 365))
        problems.append("EnableImageDeprecation 3 years after creation was accepted for a public image")
    except ClientError as e:
        if e.response["Error"]["Code"] != "InvalidParameterValue":
            problems.append(f"3 years on a public image: {e.response['Error']['Code']}, expected InvalidParameterValue")
    # cancelling needs the image to be private first
    try:
        owner.disable_image_deprecation(ImageId=image_id)
        problems.append("DisableImageDeprecation on a public image was accepted")
    except ClientError:
        pass
    assert not problems, problems


# ---------------------------------------------------------------- restart


def _seed_for_restart(srv) -> dict:
    owner = make_client(srv.endpoint, "ec2", key=OWNER)
    snap = upload_snapshot(make_client(srv.endpoint, "ebs", key=OWNER), {0: os.urandom(BLOCK_SIZE)})
    t = token()
    shared = register(
        owner,
        snap,
        f"keep-shared-{t}",
        Description="kept",
        TagSpecifications=[{"ResourceType": "image", "Tags": [{"Key": "keep", "Value": "yes"}]}],
    )
    public = register(owner, snap, f"keep-public-{t}")
    disabled = register(owner, snap, f"keep-disabled-{t}")
    gone = register(owner, snap, f"keep-gone-{t}")
    owner.modify_image_attribute(ImageId=shared, LaunchPermission={"Add": [{"UserId": RECIPIENT}, {"OrganizationalUnitArn": OU_ARN}]})
    owner.disable_image_block_public_access()
    owner.modify_image_attribute(ImageId=public, LaunchPermission={"Add": [{"Group": "all"}]})
    owner.modify_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission", CreateVolumePermission={"Add": [{"UserId": RECIPIENT}]})
    deprecate_at = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0) + dt.timedelta(days=7)
    owner.enable_image_deprecation(ImageId=shared, DeprecateAt=deprecate_at)
    owner.enable_image_deregistration_protection(ImageId=shared, WithCooldown=True)
    owner.disable_image(ImageId=disabled)
    owner.deregister_image(ImageId=gone)
    return dict(snap=snap, shared=shared, public=public, disabled=disabled, gone=gone, deprecate_at=deprecate_at, t=t)


def _check_after_restart(srv, s: dict) -> None:
    owner = make_client(srv.endpoint, "ec2", key=OWNER)
    recipient = make_client(srv.endpoint, "ec2", key=RECIPIENT)
    ou_member = make_client(srv.endpoint, "ec2", key=OU_MEMBER)
    stranger = make_client(srv.endpoint, "ec2", key=STRANGER)

    img = owner.describe_images(ImageIds=[s["shared"]])["Images"][0]
    assert (img["State"], img["Description"], img["Name"]) == ("available", "kept", f"keep-shared-{s['t']}")
    assert img["Tags"] == [{"Key": "keep", "Value": "yes"}]
    assert dt.datetime.fromisoformat(img["DeprecationTime"].replace("Z", "+00:00")) == s["deprecate_at"]
    assert img["DeregistrationProtection"] == "enabled-with-cooldown"
    assert img["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"] == s["snap"]
    assert as_set(launch_permissions(owner, s["shared"])) == as_set([{"UserId": RECIPIENT}, {"OrganizationalUnitArn": OU_ARN}])
    assert can_see(recipient, s["shared"]) and can_see(ou_member, s["shared"])
    assert not can_see(stranger, s["shared"])
    assert s["shared"] in ids_of(recipient.describe_images(ExecutableUsers=["self"]))

    assert owner.describe_images(ImageIds=[s["public"]])["Images"][0]["Public"] is True
    assert can_see(stranger, s["public"])
    assert owner.get_image_block_public_access_state()["ImageBlockPublicAccessState"] == "unblocked"

    assert s["disabled"] not in ids_of(owner.describe_images(Owners=["self"]))
    assert [i["State"] for i in owner.describe_images(ImageIds=[s["disabled"]], IncludeDisabled=True)["Images"]] == ["disabled"]
    assert not can_see(owner, s["gone"])
    raises("InvalidAMIID.Unavailable", owner.deregister_image, ImageId=s["gone"])
    raises({"InvalidParameterValue", "OperationNotPermitted", "UnauthorizedOperation", "IncorrectState"}, owner.deregister_image, ImageId=s["shared"])
    raises("InvalidSnapshot.InUse", owner.delete_snapshot, SnapshotId=s["snap"])
    raises("InvalidAMIName.Duplicate", register, owner, s["snap"], f"keep-public-{s['t']}")

    assert owner.describe_snapshot_attribute(SnapshotId=s["snap"], Attribute="createVolumePermission")["CreateVolumePermissions"] == [{"UserId": RECIPIENT}]
    assert [x["SnapshotId"] for x in recipient.describe_snapshots(SnapshotIds=[s["snap"]])["Snapshots"]] == [s["snap"]]


def test_images_and_permissions_survive_restart(_servers, workdir):
    srv = start_image_org_server(_servers, workdir, "image-restart")
    seeded = _seed_for_restart(srv)
    _check_after_restart(srv, seeded)  # the checks themselves hold before any restart

    assert srv.restart() == 0
    _check_after_restart(srv, seeded)

    srv.crash_and_restart()
    _check_after_restart(srv, seeded)
    # new ids don't collide with reloaded ones
    owner = make_client(srv.endpoint, "ec2", key=OWNER)
    fresh = register(owner, seeded["snap"], f"after-{token()}")
    assert fresh not in {seeded[k] for k in ("shared", "public", "disabled", "gone")}


# ---------------------------------------------------------------- deprecation, part 2 (last: waits for the time set in part 1)


def test_deprecated_images_are_hidden_from_non_owners(ec2_as, deprecation):
    """AWS: deprecated AMIs are left out of DescribeImages unless IncludeDeprecated, except for
    their owner; an AMI named by id is still described."""
    server_now = dt.datetime.fromisoformat(deprecation["server"].advance_clock(0).replace("Z", "+00:00"))
    wait = (deprecation["at"] - server_now).total_seconds() + 0.5
    if wait > 0:
        deprecation["server"].advance_clock(wait)
    shared, public = deprecation["shared"], deprecation["public"]
    r = DEPRECATION_REGION
    owner, recipient, org_member, stranger = (ec2_as(a, r) for a in (OWNER, RECIPIENT, ORG_MEMBER, STRANGER))

    # the owner always sees its deprecated images
    assert {shared, public} <= ids_of(owner.describe_images(Owners=["self"]))
    assert {shared, public} <= ids_of(owner.describe_images())

    for viewer, ec2 in ((RECIPIENT, recipient), (ORG_MEMBER, org_member)):
        assert shared not in ids_of(ec2.describe_images()), viewer
        assert shared not in ids_of(ec2.describe_images(ExecutableUsers=["self"])), viewer
        assert shared not in ids_of(ec2.describe_images(Owners=[OWNER])), viewer
        assert shared in ids_of(ec2.describe_images(ExecutableUsers=["self"], IncludeDeprecated=True)), viewer
        assert shared in ids_of(ec2.describe_images(Owners=[OWNER], IncludeDeprecated=True)), viewer
        # named by id: still described, with its DeprecationTime
        img = ec2.describe_images(ImageIds=[shared])["Images"][0]
        assert dt.datetime.fromisoformat(img["DeprecationTime"].replace("Z", "+00:00")) == deprecation["at"]
        assert img["State"] == "available", "deprecation is a time, not a state"

    assert public not in ids_of(stranger.describe_images(ExecutableUsers=["all"]))
    assert public not in ids_of(stranger.describe_images(Owners=[OWNER]))
    assert public in ids_of(stranger.describe_images(ExecutableUsers=["all"], IncludeDeprecated=True))
    assert [i["ImageId"] for i in stranger.describe_images(ImageIds=[public])["Images"]] == [public]
    # and the stranger still can't see the shared one, deprecated or not
    assert not can_see(stranger, shared)
    # deprecated images still launch by id
    launched = recipient.run_instances(ImageId=shared, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
    assert launched["ImageId"] == shared
    assert stranger.run_instances(ImageId=public, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]["ImageId"] == public
    assert shared not in ids_of(stranger.describe_images(IncludeDeprecated=True))

    # disabling the deprecation brings it back
    owner.disable_image_deprecation(ImageId=shared)
    assert shared in ids_of(recipient.describe_images(ExecutableUsers=["self"]))
