"""The web console at /console in a real browser: Debian's Chromium, headless, driven by
Selenium through chromedriver. The browser may only reach 127.0.0.1.

Each test follows one of the issue's browser checks; the module's tests run in order and
share one server. Screenshots of every page go to tests/e2e/out/console/ (KILN_CONSOLE_SHOTS
moves them), and the test prints where.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from kiln_harness import DEV_ARGS, KilnServer, make_client, server_name, upload_snapshot

selenium = pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

OWNER = "111111111111"
FRIEND = "222222222222"
STRANGER = "333333333333"
SHOTS = Path(os.environ.get("KILN_CONSOLE_SHOTS", Path(__file__).resolve().parent / "out" / "console"))

state: dict[str, str] = {}


def _browser_paths() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not browser or not driver:
        pytest.skip("Debian's chromium and chromium-driver are not installed (scripts/install-deps.sh test)")
    return browser, driver


@pytest.fixture(scope="module")
def server(_servers, workdir) -> KilnServer:
    srv = KilnServer(workdir, server_name("console"), DEV_ARGS)
    _servers.append(srv)
    srv.start()
    return srv


@pytest.fixture(scope="module")
def browser():
    binary, driver_path = _browser_paths()
    options = Options()
    options.binary_location = binary
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        # Nothing but the server under test: every other host fails to resolve, no proxy,
        # and none of the browser's own background traffic.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        "--no-proxy-server",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-domain-reliability",
        "--no-first-run",
        "--no-default-browser-check",
        "--metrics-recording-only",
    ):
        options.add_argument(argument)
    os.environ.setdefault("SE_AVOID_STATS", "true")
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(30)
    SHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nconsole screenshots in {SHOTS}")
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def world(server):
    """Account OWNER's image (one 1 GiB snapshot) and a running instance of it, a second
    image, an Auto Scaling group; account STRANGER's private image."""
    ec2 = make_client(server.endpoint, "ec2", key=OWNER)
    ebs = make_client(server.endpoint, "ebs", key=OWNER)
    block = (b"console e2e root volume " * 30000)[: 512 * 1024]
    snapshot = upload_snapshot(ebs, {0: block, 3: block}, volume_size=1)
    base = ec2.register_image(
        Name="console-base-1",
        Architecture="x86_64",
        RootDeviceName="/dev/xvda",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot}}],
        VirtualizationType="hvm",
    )["ImageId"]
    ec2.create_tags(Resources=[base], Tags=[{"Key": "team", "Value": "platform"}])
    other_snapshot = upload_snapshot(ebs, {0: block}, volume_size=2)
    ec2.register_image(
        Name="other-thing",
        Architecture="arm64",
        RootDeviceName="/dev/xvda",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": other_snapshot}}],
    )
    for name, architecture in (("web-frontend-3", "x86_64"), ("web-frontend-4", "x86_64"), ("build-runner-7", "arm64")):
        extra = ec2.register_image(
            Name=name,
            Architecture=architecture,
            RootDeviceName="/dev/xvda",
            BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": other_snapshot}}],
        )["ImageId"]
        if name == "web-frontend-4":
            ec2.disable_image_block_public_access()
            ec2.modify_image_attribute(ImageId=extra, LaunchPermission={"Add": [{"Group": "all"}]})
        if name == "build-runner-7":
            ec2.modify_image_attribute(ImageId=extra, LaunchPermission={"Add": [{"UserId": FRIEND}]})
    instance = ec2.run_instances(ImageId=base, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    _wait(lambda: ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0]["State"]["Name"] == "running")
    autoscaling = make_client(server.endpoint, "autoscaling", key=OWNER)
    autoscaling.create_launch_configuration(LaunchConfigurationName="console-web", ImageId=base, InstanceType="t3.micro")
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="console-web",
        LaunchConfigurationName="console-web",
        MinSize=1,
        MaxSize=2,
        DesiredCapacity=2,
        AvailabilityZones=["us-east-1a", "us-east-1b"],
    )
    autoscaling.start_instance_refresh(AutoScalingGroupName="console-web", Preferences={"MinHealthyPercentage": 50})
    stranger_ec2 = make_client(server.endpoint, "ec2", key=STRANGER)
    stranger_snapshot = upload_snapshot(make_client(server.endpoint, "ebs", key=STRANGER), {0: block}, volume_size=1)
    private = stranger_ec2.register_image(
        Name="stranger-private",
        RootDeviceName="/dev/xvda",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": stranger_snapshot}}],
    )["ImageId"]
    return {"base": base, "instance": instance, "snapshot": snapshot, "private": private, "endpoint": server.endpoint}


def _wait(condition, timeout: float = 60, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError("timed out waiting")


def _shot(browser, name: str) -> None:
    """The whole page, however long: the window grows to the page's height for the picture."""
    path = SHOTS / f"{name}.png"
    width, height = browser.get_window_size()["width"], browser.get_window_size()["height"]
    page_height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(width, max(height, min(page_height + 140, 6000)))
    try:
        browser.save_screenshot(str(path))
    finally:
        browser.set_window_size(width, height)
    assert path.stat().st_size > 10_000, f"screenshot {path} is nearly empty"


def _sign_in(browser, endpoint: str, account: str, region: str = "us-east-1") -> None:
    browser.delete_all_cookies()
    browser.get(f"{endpoint}/console/signin")
    field = browser.find_element(By.ID, "account")
    field.clear()
    field.send_keys(account)
    Select(browser.find_element(By.ID, "signin-region")).select_by_value(region)
    browser.find_element(By.ID, "signin-submit").click()
    WebDriverWait(browser, 30).until(lambda b: "/console/images" in b.current_url)
    assert f"Account {account}" in browser.find_element(By.ID, "signed-in-account").text


def _flash(browser) -> str:
    """The page's flash message, read again when the page was replaced under the read (a
    form's answer arriving while a wait polls)."""
    for _ in range(20):
        try:
            return browser.find_element(By.ID, "flash").text
        except StaleElementReferenceException:
            time.sleep(0.1)
    return browser.find_element(By.ID, "flash").text


def _wait_image_available(browser, timeout: float = 60) -> None:
    def available(b):
        b.refresh()
        return b.find_element(By.ID, "image-state").text == "available"

    WebDriverWait(browser, timeout, poll_frequency=1).until(available)


def test_sign_in_list_filter_and_open_an_image(browser, world):
    endpoint = world["endpoint"]
    browser.get(f"{endpoint}/console/images")
    assert "/console/signin" in browser.current_url, "without a session the console asks to sign in"
    _shot(browser, "01-sign-in")
    _sign_in(browser, endpoint, OWNER)
    names = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#images-table a.image-link")]
    assert {"console-base-1", "other-thing"} <= set(names)
    _shot(browser, "02-images")
    name = browser.find_element(By.ID, "f-name")
    name.send_keys("console-*")
    browser.find_element(By.ID, "apply-filters").click()
    WebDriverWait(browser, 30).until(lambda b: "name=console-" in b.current_url)
    names = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#images-table a.image-link")]
    assert names == ["console-base-1"], names
    _shot(browser, "02-images-filtered-by-name")
    browser.find_element(By.LINK_TEXT, "console-base-1").click()
    WebDriverWait(browser, 30).until(lambda b: b.find_element(By.ID, "image-name").text == "console-base-1")
    assert browser.find_element(By.CSS_SELECTOR, "#mappings-table .snapshot-id").text == world["snapshot"]
    assert browser.find_element(By.CSS_SELECTOR, "#mappings-table .snapshot-size").text == "1 GiB"
    assert "1.05 MB" in browser.find_element(By.ID, "mappings-table").text, "two 512 KiB blocks of data"
    lineage = browser.find_element(By.ID, "lineage-svg")
    assert world["base"] in lineage.get_attribute("innerHTML")
    assert world["instance"] in lineage.get_attribute("innerHTML"), "the instance launched from it is drawn"
    assert "platform" in browser.find_element(By.ID, "tags-table").text
    _shot(browser, "03-image-base")


def test_create_an_image_from_a_running_instance(browser, world):
    endpoint = world["endpoint"]
    browser.find_element(By.LINK_TEXT, "Instances").click()
    WebDriverWait(browser, 30).until(lambda b: b.find_elements(By.ID, "instances-table"))
    _shot(browser, "04-instances")
    browser.find_element(By.LINK_TEXT, world["instance"]).click()
    WebDriverWait(browser, 30).until(lambda b: b.find_element(By.ID, "instance-state").text == "running")
    assert browser.find_element(By.ID, "console-output").get_attribute("data-poll"), "a running instance's output updates live"
    browser.find_element(By.ID, "image-name-input").send_keys("console-made-1")
    browser.find_element(By.ID, "image-description-input").send_keys("made in the console")
    browser.find_element(By.ID, "no-reboot").click()
    _shot(browser, "05-instance-create-image")
    browser.find_element(By.ID, "create-image-submit").click()
    WebDriverWait(browser, 30).until(lambda b: "/console/images/ami-" in b.current_url)
    assert "Creating" in _flash(browser)
    _wait_image_available(browser)
    state["made"] = browser.find_element(By.ID, "image-id").text
    lineage = browser.find_element(By.ID, "lineage-svg").get_attribute("innerHTML")
    assert world["instance"] in lineage and world["base"] in lineage, "made from the instance, launched from the base image"
    ec2 = make_client(endpoint, "ec2", key=OWNER)
    made = ec2.describe_images(ImageIds=[state["made"]])["Images"][0]
    assert made["Description"] == "made in the console" and made["SourceInstanceId"] == world["instance"]


def test_copy_to_a_second_region_and_share_it(browser, world):
    endpoint = world["endpoint"]
    Select(browser.find_element(By.ID, "copy-region")).select_by_value("us-west-2")
    name = browser.find_element(By.ID, "copy-name")
    name.clear()
    name.send_keys("console-made-1-west")
    browser.find_element(By.ID, "copy-submit").click()
    WebDriverWait(browser, 30).until(lambda b: "region=us-west-2" in b.current_url)
    _wait_image_available(browser)
    state["copy"] = browser.find_element(By.ID, "image-id").text
    assert state["made"] in browser.find_element(By.ID, "lineage-svg").get_attribute("innerHTML")
    # A refused change is shown plainly, with AWS's code.
    browser.find_element(By.ID, "share-org").send_keys("not-an-organization")
    browser.find_element(By.ID, "share-submit").click()
    WebDriverWait(browser, 30).until(lambda b: b.find_elements(By.CSS_SELECTOR, "#flash.error"))
    with pytest.raises(ClientError) as api:
        make_client(endpoint, "ec2", key=OWNER, region="us-west-2").modify_image_attribute(
            ImageId=state["copy"], LaunchPermission={"Add": [{"OrganizationArn": "not-an-organization"}]}
        )
    expected = api.value.response["Error"]
    assert _flash(browser) == f"{expected['Code']} {expected['Message']}", "the API's code and message"
    assert not browser.find_elements(By.ID, "permissions-table")
    browser.find_element(By.ID, "share-account").send_keys(FRIEND)
    browser.find_element(By.ID, "share-submit").click()
    WebDriverWait(browser, 30).until(lambda b: "Shared with" in _flash(b))
    assert FRIEND in browser.find_element(By.ID, "permissions-table").text
    _shot(browser, "06-image-copy-shared")
    # The original now draws its copy in the other region.
    browser.get(f"{endpoint}/console/images/{state['made']}?region=us-east-1")
    assert state["copy"] in browser.find_element(By.ID, "lineage-svg").get_attribute("innerHTML")
    _shot(browser, "07-image-made")

    _sign_in(browser, endpoint, FRIEND, region="us-west-2")
    browser.find_element(By.LINK_TEXT, "Shared with me").click()
    WebDriverWait(browser, 30).until(lambda b: "scope=shared" in b.current_url)
    assert "console-made-1-west" in [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#images-table a.image-link")]
    _shot(browser, "08-friend-shared-with-me")
    browser.find_element(By.LINK_TEXT, "console-made-1-west").click()
    assert browser.find_element(By.ID, "image-visibility").text == "shared with me"
    assert not browser.find_elements(By.ID, "deregister-form"), "only the owner gets the owner's actions"
    browser.find_element(By.ID, "launch-submit").click()
    WebDriverWait(browser, 30).until(lambda b: "/console/instances/i-" in b.current_url)
    assert "Launched" in _flash(browser)
    WebDriverWait(browser, 30, poll_frequency=1).until(
        lambda b: b.refresh() or b.find_element(By.ID, "instance-state").text == "running"
    )
    assert browser.find_element(By.ID, "instance-image").text == state["copy"]
    _shot(browser, "09-friend-launched")
    # The page's script follows the instance without a reload: stopped through the API, the
    # page shows it.
    launched = browser.find_element(By.ID, "instance-id").text
    browser.execute_script("document.getElementById('instance-state').setAttribute('data-unreloaded', 'yes')")
    make_client(endpoint, "ec2", key=FRIEND, region="us-west-2").stop_instances(InstanceIds=[launched])
    WebDriverWait(browser, 20).until(lambda b: b.find_element(By.ID, "instance-state").text in ("stopping", "stopped"))
    assert browser.find_element(By.ID, "instance-state").get_attribute("data-unreloaded") == "yes", "updated in place"


def test_deregister_an_image_with_its_snapshots(browser, world):
    endpoint = world["endpoint"]
    _sign_in(browser, endpoint, OWNER)
    ec2 = make_client(endpoint, "ec2", key=OWNER)
    snapshots = [m["Ebs"]["SnapshotId"] for m in ec2.describe_images(ImageIds=[state["made"]])["Images"][0]["BlockDeviceMappings"]]
    browser.get(f"{endpoint}/console/images/{state['made']}?region=us-east-1")
    browser.find_element(By.ID, "deregister-snapshots").click()
    browser.find_element(By.ID, "deregister-submit").click()
    WebDriverWait(browser, 30).until(lambda b: "Deregistered" in _flash(b))
    for snapshot in snapshots:
        assert snapshot in _flash(browser)
    _shot(browser, "10-deregistered")
    with pytest.raises(ClientError) as refused:
        ec2.describe_snapshots(SnapshotIds=snapshots)
    assert refused.value.response["Error"]["Code"] == "InvalidSnapshot.NotFound"
    # The copy goes without its snapshots, which CopyImage made: they are orphaned now.
    browser.get(f"{endpoint}/console/images/{state['copy']}?region=us-west-2")
    copy_snapshots = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#mappings-table .snapshot-id")]
    browser.find_element(By.ID, "deregister-submit").click()
    WebDriverWait(browser, 30).until(lambda b: "Deregistered" in _flash(b))
    assert "Deleted" not in _flash(browser)
    browser.find_element(By.LINK_TEXT, "Snapshots and volumes").click()
    assert browser.find_element(By.ID, "storage-chart").is_displayed()
    assert browser.find_element(By.ID, "cost-chart").is_displayed()
    assert "orphaned" in browser.find_element(By.ID, "storage-chart").get_attribute("innerHTML")
    orphaned = [row.find_element(By.CSS_SELECTOR, "td").text.split()[0] for row in browser.find_elements(By.CSS_SELECTOR, "#snapshots-table tr.orphaned")]
    assert orphaned and set(orphaned) == set(copy_snapshots), (orphaned, copy_snapshots)
    _shot(browser, "11-storage")
    browser.get(f"{endpoint}/console/autoscaling?region=us-east-1")
    assert "console-web" in browser.find_element(By.ID, "main").text
    assert browser.find_elements(By.CSS_SELECTOR, "progress"), "the instance refresh shows its progress"
    _shot(browser, "12-autoscaling")


def test_another_accounts_private_image_stays_hidden_even_by_url(browser, world):
    endpoint = world["endpoint"]
    private = world["private"]
    for scope in ("own", "shared", "public", "community"):
        browser.get(f"{endpoint}/console/images?scope={scope}")
        assert private not in browser.page_source
        assert "stranger-private" not in browser.page_source
    browser.get(f"{endpoint}/console/images/{private}?region=us-east-1")
    error = browser.find_element(By.ID, "error").text
    assert "InvalidAMIID.NotFound" in error and private in error
    _shot(browser, "13-private-image-by-url")
    with pytest.raises(ClientError) as api:
        make_client(endpoint, "ec2", key=OWNER).describe_images(ImageIds=[private])
    assert api.value.response["Error"]["Code"] == "InvalidAMIID.NotFound", "the console gives the API's answer"
    assert api.value.response["Error"]["Message"] in error


def test_forms_without_the_session_token_are_refused(browser, world):
    import requests

    endpoint = world["endpoint"]
    cookie = browser.get_cookie("kiln_console")
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    answer = requests.post(
        f"{endpoint}/console/images/{world['base']}/state",
        data={"op": "disable", "region": "us-east-1", "csrf": "0" * 64},
        cookies={"kiln_console": cookie["value"]},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 403 and "InvalidCSRFToken" in answer.text
    ec2 = make_client(endpoint, "ec2", key=OWNER)
    assert ec2.describe_images(ImageIds=[world["base"]])["Images"][0]["State"] == "available"


def test_narrow_viewport(browser, world):
    browser.set_window_size(390, 900)
    try:
        browser.get(f"{world['endpoint']}/console/images")
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 400, f"the images page is {width}px wide on a phone"
        _shot(browser, "14-images-narrow")
        browser.get(f"{world['endpoint']}/console/images/{world['base']}?region=us-east-1")
        _shot(browser, "15-image-narrow")
    finally:
        browser.set_window_size(1280, 1000)


def _listed(browser) -> list[str]:
    return [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#images-table a.image-link")]


def test_sort_by_a_column_across_pages(browser, world):
    """More images than a page holds, registered in an order unlike their names': sorted by
    name either way, or newest first, the pages continue the order rather than each page
    sorting itself."""
    endpoint = world["endpoint"]
    ec2 = make_client(endpoint, "ec2", key=OWNER)
    count = 57
    registered = [f"sortpage-{(index * 37) % count:03d}" for index in range(count)]
    for name in registered:
        ec2.register_image(
            Name=name,
            Architecture="x86_64",
            RootDeviceName="/dev/xvda",
            BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": world["snapshot"]}}],
        )
    by_name = sorted(registered)
    _sign_in(browser, endpoint, OWNER)
    browser.get(f"{endpoint}/console/images?name=sortpage-%2A")
    browser.find_element(By.ID, "sort-name").click()
    WebDriverWait(browser, 30).until(lambda b: "sort=name" in b.current_url)
    header = browser.find_element(By.ID, "sort-name").find_element(By.XPATH, "..")
    assert header.get_attribute("aria-sort") == "ascending"
    assert _listed(browser) == by_name[:50]
    browser.find_element(By.ID, "sort-name").click()
    WebDriverWait(browser, 30).until(lambda b: "sort=-name" in b.current_url)
    assert browser.find_element(By.ID, "sort-name").find_element(By.XPATH, "..").get_attribute("aria-sort") == "descending"
    first = _listed(browser)
    assert first == by_name[::-1][:50], first
    _shot(browser, "17-images-sorted-by-name-descending")
    browser.find_element(By.ID, "next-page").click()
    WebDriverWait(browser, 30).until(lambda b: "token=" in b.current_url)
    assert first + _listed(browser) == by_name[::-1], "the second page continues the order"
    assert not browser.find_elements(By.ID, "next-page")
    _shot(browser, "18-images-sorted-next-page")
    # Newest first, from the form's select: the last registered leads.
    browser.get(f"{endpoint}/console/images?name=sortpage-%2A")
    Select(browser.find_element(By.ID, "f-sort")).select_by_value("-created")
    browser.find_element(By.ID, "apply-filters").click()
    WebDriverWait(browser, 30).until(lambda b: "sort=-created" in b.current_url)
    newest = _listed(browser)
    browser.find_element(By.ID, "next-page").click()
    WebDriverWait(browser, 30).until(lambda b: "token=" in b.current_url)
    assert newest + _listed(browser) == registered[::-1]


def test_strict_sign_in_takes_an_access_key_and_its_secret(browser, strict_server):
    endpoint = strict_server.endpoint
    browser.delete_all_cookies()
    browser.get(f"{endpoint}/console/signin")
    assert not browser.find_elements(By.ID, "account"), "with --auth strict there is no account to choose"
    browser.find_element(By.ID, "accessKeyId").send_keys("AKIAEXAMPLE2222")
    browser.find_element(By.ID, "secretAccessKey").send_keys("not-the-secret")
    browser.find_element(By.ID, "signin-submit").click()
    WebDriverWait(browser, 30).until(lambda b: b.find_elements(By.ID, "flash"))  # the refused form, once loaded
    assert "AuthFailure" in browser.find_element(By.ID, "flash").text
    _shot(browser, "16-strict-sign-in-refused")
    browser.find_element(By.ID, "accessKeyId").send_keys("AKIAEXAMPLE2222")
    browser.find_element(By.ID, "secretAccessKey").send_keys("secret2")
    browser.find_element(By.ID, "signin-submit").click()
    WebDriverWait(browser, 30).until(lambda b: "/console/images" in b.current_url)
    assert "Account 222222222222" in browser.find_element(By.ID, "signed-in-account").text
