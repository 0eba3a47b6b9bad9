"""Fixtures for the pipeline tests: the command line run in-process, with the promise every run keeps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.cli import main


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def accounting(self) -> str:
        return self.out.strip().splitlines()[-1]

    def one_error_line(self, *fragments: str) -> str:
        """Assert the promise for unusable files and faults: exit 1, one ``error:`` line saying it all."""
        lines = self.err.strip().splitlines()
        assert self.code == 1 and len(lines) == 1 and lines[0].startswith("error: "), (self.code, self.err)
        for fragment in fragments:
            assert fragment in lines[0], (fragment, lines[0])
        return lines[0]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """``cli("ingest", path, "--db", db)`` → exit code, stdout and stderr of ``python -m pipelines``."""

    def run(*args: str | Path) -> Result:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err
        return Result(code, captured.out, captured.err)

    return run
