"""`make bench`: how fast Candor parses CVs and answers `GET /api/v1/auth/me`, written to docs/benchmarks.md.

Every figure comes with a baseline measured in the same run (the bare libraries for parsing, a bare Starlette
route in the same server for HTTP), so the ratio holds on a noisy or slower machine. The bench reports;
it never fails on a time.
"""
