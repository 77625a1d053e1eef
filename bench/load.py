"""The load generator, run in its own process: N concurrent clients, a bounded number of GETs.

`python -m bench.load URL --requests 5000 --concurrency 50 --warmup 250 [--token T]` prints one JSON
object: every latency in milliseconds, the status counts, the wall time and this process's CPU time.
Each client holds its own keep-alive connection and sends its next request as soon as the last one is
answered (a closed loop).

The client is a few lines of HTTP/1.1 over asyncio streams on uvloop rather than httpx: with 50
connections httpx spent a whole core on itself at under 400 requests a second, so it measured itself,
not the server. This one handles exactly what the bench needs: GET, keep-alive, `Content-Length` bodies.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter
from urllib.parse import urlsplit

import uvloop


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> None:
        self.reader = reader
        self.writer = writer
        self.request = request

    @classmethod
    async def open(cls, url: str, token: str | None) -> Connection:
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        lines = [f"GET {parts.path or '/'} HTTP/1.1", f"Host: {host}:{port}", "User-Agent: candor-bench"]
        if token:
            lines.append(f"Authorization: Bearer {token}")
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    async def get(self) -> int:
        """Send the request and read the whole response; its status code."""
        self.writer.write(self.request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        length = None
        for line in header_lines:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if length is None:
            raise RuntimeError(f"response without Content-Length: {status_line}")
        await self.reader.readexactly(length)
        return int(status_line.split(" ", 2)[1])

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


async def _drive(connections: list[Connection], total: int) -> tuple[list[float], Counter[int]]:
    remaining = total
    millis: list[float] = []
    statuses: Counter[int] = Counter()

    async def one_client(connection: Connection) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            status = await connection.get()
            millis.append((time.perf_counter() - started) * 1000)
            statuses[status] += 1

    await asyncio.gather(*(one_client(c) for c in connections))
    return millis, statuses


async def run(url: str, token: str | None, total: int, concurrency: int, warmup: int) -> dict[str, object]:
    connections = [await Connection.open(url, token) for _ in range(concurrency)]
    try:
        await _drive(connections, warmup)
        cpu_started = time.process_time()
        started = time.perf_counter()
        millis, statuses = await _drive(connections, total)
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    finally:
        for connection in connections:
            await connection.close()
    return {
        "millis": millis,
        "statuses": {str(code): count for code, count in statuses.items()},
        "wall_seconds": wall,
        "client_cpu_seconds": cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--token")
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=250)
    args = parser.parse_args()
    result = uvloop.run(run(args.url, args.token, args.requests, args.concurrency, args.warmup))
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
