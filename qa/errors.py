"""Errors the library raises. Messages are German and say what to do.

Only the edges (cli.py, ui.py) translate these for people; nothing in qa/
prints or exits.
"""


class QAError(Exception):
    """Base class: `str(error)` is a German message meant for the user."""


class SettingsError(QAError):
    pass


class QuestionError(QAError):
    """The question cannot be processed (empty, too long, ...)."""


class CorpusError(QAError):
    """The corpus folder is missing, empty, or a file cannot be read."""


class IndexNotFoundError(QAError):
    pass


class IndexMismatchError(QAError):
    """The index was built with another embedding model or format."""


class IndexCorruptError(QAError):
    pass


class ServerUnavailableError(QAError):
    """The configured Chroma server does not answer."""


class ModelError(QAError):
    """An embedding or generative model cannot be loaded."""


class IndexBusyError(QAError):
    """Another process is writing the index (it holds the writer lock)."""


class DiskFullError(QAError):
    """No space left where the index is written; what was published before stays readable."""
