"""A local SMTP sink for benchmarks: accepts everything, counts deliveries per recipient and
prints a JSON summary when stopped (SIGTERM).

aiosmtpd, the server the tests use, on uvloop when it is installed (it then takes about a
third less CPU per email). With `--processes N` that many processes listen on the one port
(SO_REUSEPORT), the kernel spreading connections over them, and their counts are added up:
one Python process caps what many parallel senders can hand over, and on a small machine
the sink shares the cores with them. It prints `ready` once every process listens.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import Counter

from aiosmtpd.smtp import SMTP

try:
    import uvloop
except ImportError:  # plain asyncio: slower, counts the same
    uvloop = None


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


def serve(port: int, ready, results) -> None:
    """One listening process: serves until SIGTERM, then sends what it counted."""
    loop = uvloop.new_event_loop() if uvloop else asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Counting()
    server = loop.run_until_complete(
        loop.create_server(
            lambda: SMTP(handler, hostname="sink", loop=loop), "127.0.0.1", port, reuse_port=True
        )
    )
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    ready.set()
    loop.run_until_complete(stop.wait())
    server.close()
    results.send(
        {
            "counts": dict(handler.per_recipient),
            "first": handler.first,
            "last": handler.last,
            "bytes": handler.size,
            "cpu": time.process_time(),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    context = multiprocessing.get_context("fork")
    children = []
    for _ in range(args.processes):
        ready = context.Event()
        receiving, sending = context.Pipe(duplex=False)
        process = context.Process(target=serve, args=(args.port, ready, sending), daemon=True)
        process.start()
        children.append((process, ready, receiving))
    for _process, ready, _ in children:
        if not ready.wait(timeout=30):
            sys.exit("the SMTP sink did not start")
    print("ready", flush=True)
    while not stopped.wait(timeout=1):
        pass
    counts: Counter[str] = Counter()
    firsts, lasts, size, cpu = [], [], 0, 0.0
    for process, _, receiving in children:
        os.kill(process.pid, signal.SIGTERM)
        result = receiving.recv()
        process.join()
        counts.update(result["counts"])
        firsts += [result["first"]] if result["first"] else []
        lasts += [result["last"]] if result["last"] else []
        size += result["bytes"]
        cpu += result["cpu"]
    print(
        json.dumps(
            {
                "received": sum(counts.values()),
                "unique": len(counts),
                "repeated": sum(n - 1 for n in counts.values()),
                "first": min(firsts, default=None),
                "last": max(lasts, default=None),
                "bytes": size,
                # the sink's own CPU seconds: what it took of the cores the senders share
                "cpu": cpu,
                "processes": args.processes,
                "loop": "uvloop" if uvloop else "asyncio",
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
