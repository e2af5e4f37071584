"""Errors a user can act on.

Every failure that is the user's to fix (a bad file, a bad query, a missing
index) is a CaptionSearchError. Its message is one line that names what is
wrong and what to do; the CLI prints it without a traceback.
"""

from __future__ import annotations


class CaptionSearchError(Exception):
    """Base class: a problem the user can fix; str() is the one-line message."""

    exit_code = 2


class ConfigError(CaptionSearchError):
    """A setting in pyproject.toml, the environment or on the command line is invalid."""


class CorpusError(CaptionSearchError):
    """One input file (or one entry in it) could not be read.

    Corpus readers report these and carry on with the rest of the input,
    so the message always names the file and, where known, the line.
    """

    def __init__(self, path: str, message: str, line: int | None = None, hint: str = ""):
        self.path = str(path)
        self.line = line
        self.problem = message
        self.hint = hint
        where = f"{self.path}:{line}" if line else self.path
        text = f"{where}: {message}"
        if hint:
            text += f" ({hint})"
        super().__init__(text)


class IndexMissing(CaptionSearchError):
    """No index where one was expected."""

    def __init__(self, index_dir: str):
        self.index_dir = str(index_dir)
        super().__init__(
            f"no index in {self.index_dir}: run 'captionsearch index corpus/' first "
            "(or pass --index DIR)"
        )


class IndexLocked(CaptionSearchError):
    """Another live process is writing the index."""


class QuerySyntaxError(CaptionSearchError):
    """The query could not be parsed; the message says where and how to fix it."""


class PipelineUnavailable(CaptionSearchError):
    """No spaCy pipeline of the configured name is installed."""


class WorkerDied(CaptionSearchError):
    """A worker process running the trained pipeline stopped before it finished."""

    def __init__(self) -> None:
        super().__init__(
            "a worker process running the trained pipeline stopped before it finished "
            "(out of memory?): the photos are searchable and the entities found so far are kept; "
            "run 'captionsearch index' again, or set procs = 1 in [tool.captionsearch] "
            "to run the pipeline in this process"
        )
