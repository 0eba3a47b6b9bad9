"""Exceptions a user can cause, each carrying a message that names the file and what was expected."""


class PipelineError(Exception):
    """Base class: the CLI turns these into one ``error: …`` line and exit code 1."""


class ConfigError(PipelineError):
    """A YAML file in ``config/`` (or the manifest) breaks its documented schema."""


class InputFileError(PipelineError):
    """A file that cannot be used as a whole: missing, empty, binary, not a table, missing columns."""


class WarehouseError(PipelineError):
    """The warehouse is missing, locked by another writer, or failed its checks before publishing."""
