"""The HTTP load client of the read-side benchmark, run in a process of its own.

It reads a JSON plan on stdin: ``{"base_url", "headers", "clients": [[[path, body], ...],
...], "warmup": n}``. Each client is a thread with its own keep-alive ``httpx.Client``; the
clients first send ``warmup`` requests each (connecting, warming caches), wait for each
other, then send their requests as fast as the server answers. It prints
``{"seconds", "count", "errors", "statuses"}`` as JSON.

A process of its own, so that the client's work does not compete with the server (which
runs in the benchmark's process) for one interpreter lock.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections import Counter
from typing import Any

import httpx


def no_delay_transport() -> httpx.HTTPTransport:
    """Keep-alive with TCP_NODELAY, as browsers and HTTP libraries in production send:
    without it a POST's headers and body leave in two segments and the body waits for the
    server's delayed ACK (about 40 ms per request on Linux)."""
    return httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])


def run(plan: dict[str, Any]) -> dict[str, Any]:
    clients: list[list[list[Any]]] = plan["clients"]
    warmup: int = plan.get("warmup", 5)
    ready = threading.Barrier(len(clients) + 1)
    done = threading.Barrier(len(clients) + 1)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def client(requests: list[list[Any]]) -> None:
        seen: Counter[int] = Counter()
        with httpx.Client(base_url=plan["base_url"], headers=plan["headers"], timeout=60,
                          transport=no_delay_transport()) as http:
            for path, body in requests[:warmup]:
                http.post(path, json=body)
            ready.wait()
            for path, body in requests[warmup:]:
                seen[http.post(path, json=body).status_code] += 1
            done.wait()
        with lock:
            statuses.update(seen)

    threads = [threading.Thread(target=client, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    done.wait()
    seconds = time.perf_counter() - started
    for thread in threads:
        thread.join()
    count = sum(statuses.values())
    errors = sum(n for status, n in statuses.items() if status >= 400)
    return {"seconds": seconds, "count": count, "errors": errors,
            "statuses": {str(k): v for k, v in statuses.items()}}


if __name__ == "__main__":
    print(json.dumps(run(json.load(sys.stdin))))
