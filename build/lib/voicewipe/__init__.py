"""voicewipe: take back your Alexa voice history.

YAML flows drive Amazon's Alexa privacy pages through Playwright to export, bulk-delete and
auto-delete voice recordings. The public surface is small; everything else is private.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
