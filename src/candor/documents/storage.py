"""Original uploads, stored content-addressed under the data dir: blobs/ab/cd/<sha256>."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import anyio.to_thread


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def _put(self, data: bytes, sha256: str) -> None:
        target = self.path(sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a crash never leaves a half-written blob under its final name.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    async def put(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        await anyio.to_thread.run_sync(self._put, data, sha256)
        return sha256

    async def read(self, sha256: str) -> bytes:
        return await anyio.to_thread.run_sync(self.path(sha256).read_bytes)

    async def delete(self, sha256: str) -> None:
        await anyio.to_thread.run_sync(lambda: self.path(sha256).unlink(missing_ok=True))

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()
