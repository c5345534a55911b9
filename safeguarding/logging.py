import logging
import time


class UTCFormatter(logging.Formatter):
    """Log timestamps in UTC with an explicit zone, as the security checklist asks."""

    converter = time.gmtime

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", self.converter(record.created))
