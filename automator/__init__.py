"""automator: checks account executives' workbooks and vendor PDFs, fills the
agency's Word templates and files them in the client archive."""

__version__ = "0.1.0"
