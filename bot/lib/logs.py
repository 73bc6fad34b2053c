"""How `kabar run` logs: one line per event, as text for a person or JSON for a log
collector (KABAR_LOG_FORMAT=json). Personal data (names, phones, answers) is never
logged at INFO and above: log ids, counts and reasons instead."""

from __future__ import annotations

import logging
import sys
import traceback
from typing import Literal

LogFormat = Literal["text", "json"]
FORMATS: tuple[LogFormat, ...] = ("text", "json")


def _one_line_exception(exc_info: logging._SysExcInfoType) -> str:
    """The exception and where it was raised, on the event's own line: a traceback over
    forty lines made one event forty for a collector, and interleaved with others."""
    kind, error, tb = exc_info
    if kind is None:
        return ""
    frames = traceback.extract_tb(tb) if tb is not None else []
    where = f" at {frames[-1].filename}:{frames[-1].lineno} in {frames[-1].name}" if frames else ""
    return f"{kind.__name__}: {str(error).splitlines()[0] if str(error) else ''}{where}"


class OneLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = super().format(record).split("\n", 1)[0]
        if record.exc_info:
            message = f"{message} | {_one_line_exception(record.exc_info)}"
        return message

    def formatException(self, ei: logging._SysExcInfoType) -> str:  # noqa: N802 (logging's name)
        return ""  # on the same line instead, by format()


def _json_formatter() -> logging.Formatter:
    from pythonjsonlogger.json import JsonFormatter

    class OneLineJson(JsonFormatter):
        def formatException(self, ei: logging._SysExcInfoType) -> str:  # noqa: N802
            return _one_line_exception(ei)

    return OneLineJson(
        "%(asctime)s %(levelname)s %(name)s %(message)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
    )


def configure_logging(fmt: LogFormat, *, debug: bool = False) -> None:
    """Root logging for a long-running `kabar run`, on standard error."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(_json_formatter())
    else:
        handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    # Libraries that log every request or tick at INFO: Kabar logs what a tick did.
    for noisy in ("httpx", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
