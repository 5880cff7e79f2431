"""report.html: one self-contained page per run, made from the same data as run.json."""

from voicewipe.reporting.report import write_report

__all__ = ["write_report"]
