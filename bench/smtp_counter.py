"""A local SMTP sink for benchmarks: accepts everything, counts deliveries per recipient and
prints a JSON summary when stopped (SIGTERM)."""

import argparse
import asyncio
import json
import signal
import time
from collections import Counter

from aiosmtpd.controller import Controller


class Counting:
    def __init__(self) -> None:
        self.per_recipient: Counter[str] = Counter()
        self.first = self.last = None
        self.size = 0

    async def handle_DATA(self, server, session, envelope):
        now = time.time()
        self.first = self.first or now
        self.last = now
        self.size += len(envelope.content)
        for recipient in envelope.rcpt_tos:
            self.per_recipient[recipient] += 1
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=args.port)
    controller.start()
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()
    counts = handler.per_recipient
    print(
        json.dumps(
            {
                "received": sum(counts.values()),
                "unique": len(counts),
                "repeated": sum(n - 1 for n in counts.values()),
                "first": handler.first,
                "last": handler.last,
                "bytes": handler.size,
                # the sink's own CPU: what it takes of the cores the senders share with it
                "cpu": time.process_time(),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
