"""Turning an upload into text and a structured parse, under time and memory bounds.

Parsing runs in a small pool of worker processes. Each worker caps its own address space, and each task
has a deadline after which its worker is killed and replaced, so a hostile file cannot stall or exhaust
the server. The CLI calls `parse_document` directly.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import multiprocessing
import resource
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass
from typing import Any

from pebble import ProcessExpired, ProcessPool

from candor.documents.errors import ParseResourceLimit, ParseTimeout
from candor.documents.schemas import DocumentFormat, DocumentKind

# Bump when the extraction or parsers change what they produce; stored with every parse.
PARSER_VERSION = "2026.11.1"


@dataclass(frozen=True)
class ParsedDocument:
    text: str
    page_count: int | None
    parse: dict[str, Any]


def parse_document(data: bytes, fmt: DocumentFormat, kind: DocumentKind, max_pages: int) -> ParsedDocument:
    # Imported here: the parsers (and pdfium) are loaded by the worker processes, not the API process.
    from candor.documents.cv_parser import parse_cv
    from candor.documents.extraction import extract_text
    from candor.documents.job_parser import parse_job

    extracted = extract_text(data, fmt, max_pages=max_pages)
    parsed = parse_cv(extracted.text) if kind == DocumentKind.CV else parse_job(extracted.text)
    return ParsedDocument(extracted.text, extracted.page_count, parsed.model_dump(mode="json"))


def _init_worker(memory_mb: int) -> None:
    """Cap the worker's memory, and load the parsers now so that no task pays for the imports."""
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import candor.documents.cv_parser
    import candor.documents.extraction
    import candor.documents.job_parser  # noqa: F401


class ParserPool:
    """Worker processes that parse documents; started on first use, shared by everything in a process."""

    _pools: dict[tuple[int, int], ParserPool] = {}  # noqa: RUF012 - one registry per process

    def __init__(self, workers: int, memory_mb: int) -> None:
        self._pool = ProcessPool(
            max_workers=workers,
            max_tasks=200,  # recycle workers now and then so no fragmentation builds up
            initializer=_init_worker,
            initargs=(memory_mb,),
            context=multiprocessing.get_context("spawn"),
        )

    @classmethod
    def shared(cls, workers: int, memory_mb: int) -> ParserPool:
        key = (workers, memory_mb)
        if key not in cls._pools:
            cls._pools[key] = cls(workers, memory_mb)
            # (Re)registered after a pool exists, hence after multiprocessing's own exit hook, which
            # waits forever for non-daemon workers: exit hooks run last-registered first.
            atexit.unregister(close_parser_pools)
            atexit.register(close_parser_pools)
        return cls._pools[key]

    async def parse(
        self, data: bytes, fmt: DocumentFormat, kind: DocumentKind, *, max_pages: int, deadline: float
    ) -> ParsedDocument:
        future = self._pool.submit(parse_document, deadline, data, fmt, kind, max_pages)
        try:
            return await asyncio.wrap_future(future)
        except FuturesTimeout:
            raise ParseTimeout(
                f"Reading this document took longer than {deadline:g} seconds, so it was stopped. "
                "Export it again (for example 'Save as PDF') and upload that copy."
            ) from None
        except (MemoryError, ProcessExpired):
            raise ParseResourceLimit(
                "This document needs more memory to read than is safe. Export a simpler version "
                "(for example 'Save as PDF' from your editor) and upload that."
            ) from None

    def close(self) -> None:
        self._pool.stop()  # type: ignore[no-untyped-call]  # pebble ships no annotations here
        with contextlib.suppress(TimeoutError):  # stop() has told the workers to go; don't wait on them
            self._pool.join(timeout=5)


def close_parser_pools() -> None:
    """Stop every parser pool in this process. Safe to call more than once; runs at exit."""
    pools = list(ParserPool._pools.values())
    ParserPool._pools.clear()
    for pool in pools:
        pool.close()
