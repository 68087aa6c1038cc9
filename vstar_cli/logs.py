"""Log levels of vstar and of the libraries it drives (-q, -v), for every command."""

from __future__ import annotations

import logging
import os
import sys
import warnings

from rich.console import Console

# Loggers of the libraries vstar drives; -q silences them, -v lets their info through.
LIBRARY_LOGGERS = (
    "transformers",
    "bitsandbytes",
    "accelerate",
    "peft",
    "torch",
    "datasets",
    "trl",
    "sentence_transformers",
)
LIBRARY_ENV = {
    "TRANSFORMERS_VERBOSITY": {True: "error", False: "info"},
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": {True: "1"},
}
# `vstar -q COMMAND` / `vstar -v COMMAND` (set by the root callback) apply to every command.
GLOBAL_VERBOSITY = {"quiet": False, "verbose": False}
_saved_env: dict[str, str | None] = {}


def setup_logging(console: Console, quiet: bool = False, verbose: bool = False) -> None:
    """Send log messages to stderr through rich: errors only with ``quiet``, debug with ``verbose``.

    ``quiet`` also silences the libraries (transformers, bitsandbytes, accelerate, ...): their
    loggers and Python warnings; ``verbose`` shows their info messages.
    """
    from rich.logging import RichHandler

    quiet = quiet or GLOBAL_VERBOSITY["quiet"]
    verbose = (verbose or GLOBAL_VERBOSITY["verbose"]) and not quiet
    root = logging.getLogger("vstar")
    root.handlers[:] = [RichHandler(console=console, show_time=verbose, show_path=verbose)]
    root.setLevel(logging.DEBUG if verbose else logging.ERROR if quiet else logging.INFO)
    root.propagate = False
    _library_verbosity(quiet, verbose)
    root.debug("debug logging on; command line: %s", " ".join(sys.argv))


def _library_verbosity(quiet: bool, verbose: bool) -> None:
    mode = True if quiet else False if verbose else None
    for key, values in LIBRARY_ENV.items():
        if key not in _saved_env:
            _saved_env[key] = os.environ.get(key)
        value = values.get(mode) if mode is not None else None
        if value is not None:
            os.environ[key] = value  # read by transformers when it is imported later
        elif _saved_env[key] is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = _saved_env[key]
    level = logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(level)
    if "transformers" in sys.modules:  # already imported: its env variable was read already
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity(level)
    if quiet:
        warnings.filterwarnings("ignore")
