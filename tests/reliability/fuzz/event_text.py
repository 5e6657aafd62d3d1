"""atheris target: raw bytes → event texts → journal append/replay → post-mortem Markdown.

``python -m tests.reliability.fuzz.event_text -atheris_runs=5000``
"""

from tests.reliability.fuzz.runner import fuzz

if __name__ == "__main__":
    fuzz("check_event_bytes")
