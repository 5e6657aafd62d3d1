"""Stack traces in the shapes real runtimes print; a log stream picks one by style."""

from __future__ import annotations

STACKS: dict[str, tuple[str, ...]] = {
    "java": (
        "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available,"
        " request timed out after 5000ms.",
        "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)",
        "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:197)",
        "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:162)",
        "\tat com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:128)",
        "\tat com.example.gateway.db.ConnectionManager.acquire(ConnectionManager.java:88)",
        "\tat com.example.gateway.route.UpstreamRouter.forward(UpstreamRouter.java:214)",
        "\tat com.example.gateway.http.GatewayHandler.handle(GatewayHandler.java:61)",
        "\tat org.eclipse.jetty.server.handler.HandlerWrapper.handle(HandlerWrapper.java:127)",
        "\t... 14 common frames omitted",
    ),
    "go": (
        "goroutine 4187 [running]:",
        "github.com/example/svc/internal/db.(*Pool).Acquire(0xc000124000, {0x1a2b3c0, 0xc0003e6f00"
        "})",
        "\t/src/internal/db/pool.go:142 +0x2c5",
        "github.com/example/svc/internal/handler.(*Handler).serve(0xc0001b2000, {0x1a2b3c0,"
        " 0xc0003e6f00})",
        "\t/src/internal/handler/handler.go:87 +0x1f4",
        "net/http.HandlerFunc.ServeHTTP(0xc0001c4a80, {0x1a2c1e8, 0xc0004a81c0}, 0xc000512300)",
        "\t/usr/local/go/src/net/http/server.go:2136 +0x29",
        "net/http.(*conn).serve(0xc0003a6000, {0x1a2c7a0, 0xc000286120})",
        "\t/usr/local/go/src/net/http/server.go:2039 +0x8a5",
    ),
    "python": (
        "Traceback (most recent call last):",
        '  File "/app/checkout/payments.py", line 112, in charge',
        "    conn = self.pool.getconn(timeout=2.0)",
        '  File "/usr/local/lib/python3.11/site-packages/psycopg_pool/pool.py", line 184,'
        " in getconn",
        "    raise PoolTimeout(f\"couldn't get a connection after {timeout:.2f} sec\")",
        "psycopg_pool.PoolTimeout: couldn't get a connection after 2.00 sec",
    ),
}
