"""atheris target: raw log bytes → LineSplitter → LogIngest → format_line, inert on screen.

``python -m tests.reliability.fuzz.log_lines -atheris_runs=20000``
"""

from tests.reliability.fuzz.runner import fuzz

if __name__ == "__main__":
    fuzz("check_log_bytes")
