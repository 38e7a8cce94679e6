"""The backstop of the ``mamori`` command: every failure is one line and an exit code.

``mamori`` never ends in a Python traceback. :func:`run` calls the click group and turns
whatever escapes it into a documented exit code and a single message on stderr:

- ``MamoriError`` (bad input, usage): its message and its code (2);
- click's usage errors: the usage line and the message, exit 2 (click's own generic
  errors would be exit 1, which means "a FAIL was found");
- an interrupt (Ctrl-C): ``mamori: interrupted``, exit 130;
- the output pipe closed early (``mamori rules list | head``): no message, exit 141
  (128 + SIGPIPE, what a shell reports for Unix tools stopped that way; never 0, so a
  pipeline with ``pipefail`` cannot take it for a pass);
- ``RecursionError``, ``MemoryError``, and anything else unexpected: a message naming
  the exception type and where it was raised, "this is a bug, please report it", exit 2.
  The exception's own text and the traceback are printed only with ``MAMORI_DEBUG=1``:
  an unexpected message may quote an input value, and secrets never reach the output.

Every message goes through :func:`mamori.checks.text.printable`, so a file name or value
in it cannot move the cursor, recolour the terminal or forge an "ok" line.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any

import click

from mamori.checks.errors import EXIT_USAGE, MamoriError
from mamori.checks.text import printable

DEBUG_ENV = "MAMORI_DEBUG"
EXIT_INTERRUPTED = 130
EXIT_PIPE_CLOSED = 141


class PipeClosed(Exception):
    """stdout (or stderr) was closed by the reader; raised instead of the OSError that
    click would turn into exit 1."""


def safe_streams() -> None:
    """Make stdout and stderr unable to fail on characters they cannot encode.

    A report in Japanese written to a terminal or pipe whose encoding is ASCII would
    otherwise stop with UnicodeEncodeError; such characters are shown escaped instead.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            reconfigure(errors="backslashreplace")
        except (ValueError, OSError):  # a stream that is not a plain TextIOWrapper
            continue


def say(message: str, *, escape: bool = True) -> None:
    """One line on stderr, escaped (``escape=False`` only for mamori's own multi-line
    texts); a closed stderr is not an error of its own."""
    with contextlib.suppress(OSError, ValueError):
        click.echo(printable(message) if escape else message, err=True)


def run(main: Callable[[], Any]) -> int:
    """Call ``main`` (the click group, non-standalone) and return the exit code."""
    try:
        return _code(main())
    except SystemExit as exc:
        return _code(exc.code)
    except MamoriError as exc:
        say(f"mamori: {exc}")
        return exc.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        say("mamori: interrupted")
        return EXIT_INTERRUPTED
    except click.ClickException as exc:
        return _click_error(exc)
    except PipeClosed:
        return pipe_closed()
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            return pipe_closed()
        return internal_error(exc)
    except Exception as exc:  # the backstop: RecursionError, MemoryError, bugs...
        return internal_error(exc)


def finish(code: int) -> int:
    """Flush stdout before exiting; a reader that went away gives exit 141, quietly."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        return pipe_closed()
    return code


def pipe_closed() -> int:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail too."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return EXIT_PIPE_CLOSED


def internal_error(exc: BaseException) -> int:
    """An exception mamori did not expect: name it, ask for a report, exit 2."""
    debug = os.environ.get(DEBUG_ENV, "") not in ("", "0")
    where = _origin(exc)
    if isinstance(exc, RecursionError):
        what = "an input is nested too deeply for mamori to follow (RecursionError)"
    elif isinstance(exc, MemoryError):
        what = "out of memory (MemoryError): an input may be too large"
    else:
        what = f"internal error: {type(exc).__name__}"
    detail = f": {exc}" if debug and str(exc) else ""
    say(f"mamori: {what}{detail} at {where}; this is a bug, please report it"
        + ("" if debug else f" (set {DEBUG_ENV}=1 to see the details)"))
    if debug:
        with contextlib.suppress(OSError, ValueError):
            traceback.print_exception(exc, file=sys.stderr)
    return EXIT_USAGE


def _origin(exc: BaseException) -> str:
    """``module.py:123 in function`` of the innermost frame of the traceback."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "an unknown place"
    last = frames[-1]
    return f"{os.path.basename(last.filename)}:{last.lineno} in {last.name}"


def _click_error(exc: click.ClickException) -> int:
    if isinstance(exc, click.UsageError) and exc.ctx is not None:
        say(exc.ctx.get_usage(), escape=False)
        say(f"Try '{exc.ctx.command_path} --help' for help.")
    say(f"mamori: {exc.format_message()}")
    return EXIT_USAGE


def _code(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    say(f"mamori: {value}")
    return EXIT_USAGE
