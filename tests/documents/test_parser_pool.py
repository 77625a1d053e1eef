"""The parser pool's worker processes never keep the interpreter from exiting.

multiprocessing's exit hook waits forever for non-daemon children; if the pool is not stopped before it
runs, a server (or the test run) that parsed one document hangs at exit. This ran for 90 minutes in CI.
"""

import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).parents[1] / "fixtures" / "cvs"

SCRIPT = """
import asyncio, sys
from pathlib import Path
from candor.documents.detection import detect_format
from candor.documents.parsing import ParserPool
from candor.documents.schemas import DocumentKind

path = Path(sys.argv[1])
data = path.read_bytes()
pool = ParserPool.shared(2, 512)
fmt = detect_format(data, path.name)
parsed = asyncio.run(pool.parse(data, fmt, DocumentKind.CV, max_pages=20, deadline=30))
print(parsed.parse["email"])
"""


def test_a_process_that_parsed_a_document_exits_on_its_own() -> None:
    cv = next(FIXTURE.glob("*.pdf"))
    # The timeout turns a hang into a failure instead of a stalled run; it is not a speed check.
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(cv)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "@" in done.stdout
