"""notifications.enqueue.wake_outbox: the broker is asked from a thread of the process, at most
once per interval, and never on the caller's time."""

import threading
import time

from notifications import enqueue


class Broker:
    """Stands in for the Celery app's send_task; `hold` keeps each publish waiting."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.hold = threading.Event()
        self.hold.set()

    def send_task(self, name: str, *args, **kwargs) -> None:
        self.hold.wait(5)
        self.sent.append((name, threading.current_thread().name))


def with_broker(monkeypatch) -> Broker:
    from celery import current_app

    broker = Broker()
    app = current_app._get_current_object()
    monkeypatch.setattr(app, "send_task", broker.send_task)
    monkeypatch.setattr(enqueue, "WAKE_INTERVAL", 0.3)
    enqueue._forget_waker()  # a waker of its own, handed the patched app
    return broker


def settle(broker: Broker, count: int) -> None:
    deadline = time.monotonic() + 5
    while len(broker.sent) < count and time.monotonic() < deadline:
        time.sleep(0.01)


def test_wake_outbox_publishes_from_the_waker_thread(monkeypatch):
    broker = with_broker(monkeypatch)

    enqueue.wake_outbox()
    settle(broker, 1)

    assert broker.sent == [("notifications.tasks.drain_outbox", "outbox-waker")]


def test_wake_outbox_returns_while_the_broker_hangs(monkeypatch):
    broker = with_broker(monkeypatch)
    broker.hold.clear()  # every publish waits until released
    returned = threading.Event()

    caller = threading.Thread(target=lambda: (enqueue.wake_outbox(), returned.set()))
    caller.start()

    assert returned.wait(1)  # the publish itself is still waiting
    assert broker.sent == []
    broker.hold.set()
    settle(broker, 1)
    assert len(broker.sent) == 1


def test_wake_outbox_burst_publishes_once_then_once_more(monkeypatch):
    broker = with_broker(monkeypatch)

    for _n in range(50):
        enqueue.wake_outbox()
    settle(broker, 1)
    for _n in range(50):  # asked for during the interval: sent when it ends, not dropped
        enqueue.wake_outbox()
    settle(broker, 2)
    time.sleep(0.5)

    assert len(broker.sent) == 2
