"""Numbers tests measure, printed at the end of the run (see conftest.pytest_terminal_summary)."""

STATS: dict[str, str] = {}
