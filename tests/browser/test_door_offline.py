"""The door on any phone, online or not: the camera without BarcodeDetector, the installable
page, the offline roster and queue, and syncing exactly once from several devices."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from events.models import TeamMembership
from registration import seats as registration_seats
from registration import tickets
from registration.models import CheckIn, DoorScan
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from tests.registration.helpers import person

from .conftest import CHROMIUM, CHROMIUM_ARGS, serious_violations
from .test_door_and_desk import signed_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owner():
    return UserFactory(username="door-owner")


@pytest.fixture
def running(owner):
    start = timezone.now() - timedelta(hours=2)
    return EventFactory(owner=owner, start=start, end=start + timedelta(hours=10))


def door_url(event, language: str = "en") -> str:
    return f"/{language}/organiser/events/{event.slug}/check-in/"


def door_volunteer(event, n: int = 1):
    user = UserFactory(username=f"volunteer-{n}")
    TeamMembership.objects.create(event=event, user=user, role="checkin")
    return user


def open_door(new_page, live_server, event, user, **size):
    """The door page, signed in, once the roster is on the device."""
    page = new_page(**size)
    signed_in(page, user, live_server)
    page.goto(door_url(event))
    expect(page.locator("#door-offline-status")).to_contain_text("People on the roster")
    return page


def dropped_roster(page, slug: str, tries: int = 50) -> bool:
    """Whether the event's roster is gone from the device within a few seconds."""
    for _ in range(tries):
        if stored_roster(page, slug) is None:
            return True
        page.wait_for_timeout(100)
    return False


def scan(page, code: str) -> None:
    page.locator("#id_code").fill(code)
    page.locator("#id_code").press("Enter")


def stored_roster(page, slug: str):
    """The roster of this event kept in the page's IndexedDB, or None."""
    return page.evaluate(
        """slug => new Promise((resolve, reject) => {
            const open = indexedDB.open("scievents-door", 1);
            open.onupgradeneeded = () => {
                open.result.createObjectStore("rosters", { keyPath: "event" });
                const scans = open.result.createObjectStore("scans", { keyPath: "key" });
                scans.createIndex("event", "event");
            };
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const get = open.result.transaction("rosters").objectStore("rosters").get(slug);
                get.onsuccess = () => { open.result.close(); resolve(get.result || null); };
            };
        })""",
        slug,
    )


# --- The camera, with our decoder -----------------------------------------------------------


def ticket_video(registration, path) -> None:
    """A camera showing one of our tickets: the ticket's own PNG as a Y4M (4:2:0) video."""
    qr = Image.open(io.BytesIO(tickets.qr_png(registration, scale=8))).convert("RGB")
    frame = Image.new("RGB", (640, 480), "white")
    qr = qr.resize((400, 400), Image.NEAREST)
    frame.paste(qr, (120, 40))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (320, 240)
    planes = (
        y.tobytes() + cb.resize(half, Image.BOX).tobytes() + cr.resize(half, Image.BOX).tobytes()
    )
    header = b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n"
    path.write_bytes(header + (b"FRAME\n" + planes) * 5)


def test_camera_reads_a_ticket_with_our_decoder_without_barcode_detector(
    browser, live_server, running, tmp_path
):
    mai = registration_seats.register(running, person(1, name="Trần Thị Mai"))
    video = tmp_path / "ticket.y4m"
    ticket_video(mai, video)
    camera = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera.new_context(
            base_url=live_server.url, viewport={"width": 390, "height": 844}
        )
        context.grant_permissions(["camera"])
        # As on Safari, Firefox and Chrome on Windows and Linux: no BarcodeDetector at all.
        context.add_init_script("delete window.BarcodeDetector; delete self.BarcodeDetector;")
        page = context.new_page()
        signed_in(page, door_volunteer(running), live_server)
        page.goto(door_url(running))

        page.get_by_role("button", name="Scan with camera").click()

        result = page.locator("#scan-result")
        expect(result).to_have_class("scan-result scan-ok", timeout=20_000)
        expect(result).to_contain_text("Trần Thị Mai")
        assert page.evaluate("() => typeof window.jsQR") == "function"
        assert page.evaluate("() => 'BarcodeDetector' in window") is False
        assert CheckIn.objects.filter(registration=mai).count() == 1
    finally:
        camera.close()


# --- Installable, offline ---------------------------------------------------------------------


def test_door_page_is_installable_and_opens_without_network(new_page, live_server, running):
    mai = registration_seats.register(running, person(1, name="Trần Thị Mai"))
    page = open_door(new_page, live_server, running, door_volunteer(running))
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    session = page.context.new_cdp_session(page)
    found = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are incognito, where nothing installs; every other check counts.
    errors = [error["errorId"] for error in found if error["errorId"] != "in-incognito"]
    manifest = session.send("Page.getAppManifest")
    scope = page.evaluate("() => navigator.serviceWorker.getRegistration().then(r => r.scope)")

    page.context.set_offline(True)
    page.reload()
    scan(page, mai.ticket_code)

    assert errors == []
    assert manifest["errors"] == []
    assert scope == f"{live_server.url}{door_url(running)}"  # this event's door, nothing else
    expect(page.locator("#scan-result")).to_have_class("scan-result scan-ok")
    expect(page.locator("#scan-result")).to_contain_text("Checked in offline")
    expect(page.locator("#door-offline-status")).to_contain_text("Offline")


def test_offline_answers_green_and_red_like_online_then_syncs_each_once(
    new_page, live_server, running
):
    # 20 here; the API's own test syncs 50 in one batch.
    people = [registration_seats.register(running, person(n)) for n in range(20)]
    gone = registration_seats.register(running, person(99, name="Phạm Hủy"))
    registration_seats.cancel(gone)
    page = open_door(new_page, live_server, running, door_volunteer(running), width=390, height=844)
    page.context.set_offline(True)
    result = page.locator("#scan-result")

    for registration in people:
        scan(page, registration.ticket_code)
        expect(result).to_contain_text(registration.name)
    scan(page, people[0].ticket_code)
    expect(result).to_contain_text("Already checked in today")
    expect(result).to_have_class("scan-result scan-bad")
    scan(page, gone.ticket_code)
    expect(result).to_contain_text("This registration was cancelled.")
    scan(page, "NOSUCHCODE22")
    expect(result).to_contain_text("Unknown ticket code")
    expect(page.locator("#door-queue")).to_contain_text("20")
    assert not CheckIn.objects.exists()

    page.context.set_offline(False)

    expect(page.locator("#door-queue")).to_have_text("")
    assert CheckIn.objects.filter(event=running).count() == 20
    assert DoorScan.objects.count() == 20
    assert serious_violations(page) == []


def test_same_ticket_on_two_offline_devices_one_check_in_both_told(new_page, live_server, running):
    mai = registration_seats.register(running, person(1, name="Trần Thị Mai"))
    first = open_door(new_page, live_server, running, door_volunteer(running, 1))
    second = open_door(new_page, live_server, running, door_volunteer(running, 2))
    for device in (first, second):
        device.context.set_offline(True)
        scan(device, mai.ticket_code)
        expect(device.locator("#scan-result")).to_have_class("scan-result scan-ok")

    first.context.set_offline(False)
    expect(first.locator("#door-queue")).to_have_text("")
    second.context.set_offline(False)
    expect(second.locator("#door-sync-list li")).to_contain_text("Duplicate: Trần Thị Mai")
    first.locator("#door-sync-button").click()

    expect(first.locator("#door-sync-list li")).to_contain_text("also scanned on another device")
    assert CheckIn.objects.filter(registration=mai).count() == 1


def test_ticket_cancelled_while_offline_is_reported_after_sync(new_page, live_server, running):
    mai = registration_seats.register(running, person(1, name="Trần Thị Mai"))
    page = open_door(new_page, live_server, running, door_volunteer(running))
    page.context.set_offline(True)
    registration_seats.cancel(mai)
    scan(page, mai.ticket_code)
    expect(page.locator("#scan-result")).to_have_class("scan-result scan-ok")

    page.context.set_offline(False)

    report = page.locator("#door-sync-list li")
    expect(report).to_contain_text(
        "Trần Thị Mai was not checked in: This registration was cancelled."
    )
    assert not CheckIn.objects.exists()


# --- Nothing stays on the device ---------------------------------------------------------------


def test_roster_holds_only_the_door_fields_and_is_dropped_on_sign_out(
    new_page, live_server, running
):
    registration_seats.register(running, person(1, name="Trần Thị Mai", affiliation="VAST"))
    page = open_door(new_page, live_server, running, door_volunteer(running))
    roster = stored_roster(page, running.slug)
    assert list(roster["people"].values()) == [["Trần Thị Mai", "delegate", "confirmed"]]
    assert "person1@example.org" not in str(roster)
    assert "VAST" not in str(roster)

    # The door's address ends in "/" too: wait for the navigation itself, not for a URL.
    with page.expect_navigation():
        page.locator("form[data-sign-out] button").click()

    assert stored_roster(page, running.slug) is None


def test_roster_is_dropped_after_the_event(new_page, live_server, owner):
    start = timezone.now() - timedelta(days=3)
    ended = EventFactory(owner=owner, start=start, end=start + timedelta(hours=8))
    RegistrationFactory(event=ended)
    page = new_page()
    signed_in(page, door_volunteer(ended), live_server)
    with page.expect_response(lambda response: "/door/roster/" in response.url):
        page.goto(door_url(ended))

    expect(page.locator("#door-offline-status")).to_contain_text("No roster on this device")
    # The page stores the answer, sees it expired and drops it: wait for that, not a moment.
    assert dropped_roster(page, ended.slug)


# --- Walk-ins ----------------------------------------------------------------------------------


def test_walk_in_on_a_phone_in_vietnamese_is_registered_and_checked_in(
    new_page, live_server, running
):
    page = new_page(width=390, height=844)
    signed_in(page, door_volunteer(running), live_server)
    page.goto(door_url(running, "vi"))
    page.get_by_role("link", name="Đăng ký khách đến trực tiếp").click()
    assert serious_violations(page) == []

    page.locator("#id_name").fill("Lê Văn Bình")
    page.locator("#id_email").fill("binh@example.org")
    page.locator("#id_consent").check()
    page.locator("form.walk-in-form button[type=submit]").click()

    expect(page.locator(".message-success")).to_contain_text("Lê Văn Bình đã được đăng ký")
    assert CheckIn.objects.filter(registration__email="binh@example.org").count() == 1
    # Nothing wider than the phone: tables scroll inside their own box.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []
