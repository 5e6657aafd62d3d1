"""Level detection: one rule set for pods, files and commands."""

from __future__ import annotations

import pytest

from cockpit.sources.logs.levels import LevelTagger, detect_level, is_continuation

TABLE = [
    # plain text
    ("2024-01-15 10:28:45,123 ERROR [main] payment failed", "error"),
    ("2024-01-15 10:28:45 WARN pool nearly exhausted", "warn"),
    ("2024-01-15 10:28:45 WARNING disk 91% full", "warn"),
    ("2024-01-15 10:28:45 INFO started in 1.2s", "info"),
    ("2024-01-15 10:28:45 DEBUG cache miss key=42", "debug"),
    ("FATAL: could not bind :8080", "error"),
    ("CRITICAL database unreachable", "error"),
    ("ERROR:root:boom", "error"),
    ("WARNING:urllib3:retrying", "warn"),
    ("error: unable to open config", "error"),
    ("Warning - deprecated flag --foo", "warn"),
    ("10:28:45 ERR connection reset", "error"),
    ("10:28:45 [error] upstream timed out", "error"),
    ("10:28:45 [warn] slow query", "warn"),
    ("nginx: 2024/01/15 10:28:45 [crit] 12#12: open() failed", "error"),
    ("<info> listening", "info"),
    # klog and logcat
    ("E0115 10:28:45.123456       1 controller.go:114] sync failed", "error"),
    ("W0115 10:28:45.123456       1 reflector.go:42] watch closed", "warn"),
    ("I0115 10:28:45.123456       1 main.go:12] serving", "info"),
    ("F0115 10:28:45.123456       1 main.go:99] cannot start", "error"),
    ("E/ActivityManager( 123): ANR in com.example", "error"),
    ("01-15 10:28:45.123  1234  5678 W Looper: slow dispatch", "warn"),
    # logfmt and key: value
    ('ts=2024-01-15T10:28:45Z level=error msg="db down"', "error"),
    ("ts=2024-01-15T10:28:45Z lvl=warn msg=slow", "warn"),
    ('level=info msg="got ERROR count=0 from upstream"', "info"),
    ("severity: DEBUG something", "debug"),
    # JSON
    ('{"level":"error","msg":"db down"}', "error"),
    ('{"level":"WARNING","msg":"slow"}', "warn"),
    ('{"severity":"ERROR","message":"x"}', "error"),
    ('{"severity":"NOTICE","message":"x"}', "info"),
    ('{"lvl":"dbug"}', ""),
    ('{"lvl":"debug","msg":"x"}', "debug"),
    ('{"level":50,"msg":"pino error"}', "error"),
    ('{"level":60,"msg":"bunyan fatal"}', "error"),
    ('{"level":40,"msg":"w"}', "warn"),
    ('{"level":30,"msg":"i"}', "info"),
    ('{"level":20,"msg":"d"}', "debug"),
    ('{"log":{"level":"warn"},"message":"ecs"}', "warn"),
    ('{"levelname":"ERROR","message":"python json logger"}', "error"),
    ('{"msg":"ERROR: no level key, message says so"}', "error"),
    ('{"msg":"all good","status":500}', ""),
    ('{"broken json, ERROR inside', "error"),
    # exceptions
    ("Traceback (most recent call last):", "error"),
    ("ValueError: invalid literal for int()", "error"),
    ("java.lang.NullPointerException: null", "error"),
    ('Exception in thread "main" java.lang.IllegalStateException', "error"),
    ("panic: runtime error: index out of range [3] with length 3", "error"),
    # nothing to see
    ("GET /api/v1/orders 200 12ms", ""),
    ("INFORMATION_SCHEMA query took 3ms", ""),
    ("processed 0 errors in batch", ""),
    ("XERROR is not a word here", ""),
    ("", ""),
]


@pytest.mark.parametrize(("text", "level"), TABLE)
def test_detect_level(text: str, level: str) -> None:
    assert detect_level(text) == level


def test_leftmost_marker_wins() -> None:
    assert detect_level("INFO retrying after ERROR from upstream") == "info"
    assert detect_level("ERROR retrying, INFO follows") == "error"


def test_java_stack_trace_inherits_error() -> None:
    tagger = LevelTagger()
    lines = [
        "2024-01-15 10:28:45 ERROR [http] request failed",
        "java.lang.IllegalStateException: pool closed",
        "\tat com.example.Pool.get(Pool.java:42)",
        "\tat com.example.Handler.handle(Handler.java:7)",
        "Caused by: java.io.IOException: broken pipe",
        "\t... 12 more",
        "2024-01-15 10:28:46 INFO recovered",
        "    indented continuation of an info line",
    ]
    levels = [tagger.tag(("pod-a", "app"), line) for line in lines]
    assert levels == ["error"] * 6 + ["info", "info"]


def test_python_traceback_inherits_error() -> None:
    tagger = LevelTagger()
    lines = [
        "Traceback (most recent call last):",
        '  File "/app/main.py", line 3, in <module>',
        "    main()",
        "KeyError: 'user'",
    ]
    assert [tagger.tag(("f", ""), line) for line in lines] == ["error"] * 4


def test_continuation_is_per_stream() -> None:
    tagger = LevelTagger()
    assert tagger.tag(("pod-a", ""), "ERROR boom") == "error"
    assert tagger.tag(("pod-b", ""), "INFO fine") == "info"
    assert tagger.tag(("pod-b", ""), "\tat x.y(Z.java:1)") == "info"
    assert tagger.tag(("pod-a", ""), "\tat x.y(Z.java:1)") == "error"


def test_continuation_without_head_is_detected_normally() -> None:
    tagger = LevelTagger()
    assert tagger.tag(("s", ""), "  WARN indented but first") == "warn"
    assert is_continuation("\tat com.x.Y(Y.java:1)")
    assert is_continuation('File "x.py", line 3, in f')
    assert not is_continuation("plain line")
