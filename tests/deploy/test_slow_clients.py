"""Behind the shipped nginx, 50 slow connections do not delay a normal patient's journey.

Without nginx they would: each sync worker of gunicorn waits on one slow client, so a few of
them stop the service (bench/slow_clients.py measures both; docs/deployment.md has the figures).
"""

from __future__ import annotations

import time

from bench.slow_clients import SlowClients, percentiles, time_journeys, tls_socket

JOURNEYS = 8
SLOW = 50


def test_fifty_slow_connections_do_not_delay_a_journey(deployment):
    connect = deployment.connection
    time_journeys(connect, 1)  # warm up
    alone = percentiles(time_journeys(connect, JOURNEYS))
    slow = SlowClients(
        tls_socket(deployment.nginx.https_port, deployment.cert.context()), SLOW, seconds=8.0
    )
    with slow:
        time.sleep(0.5)  # every slow connection is open and has sent its first bytes
        loaded = percentiles(time_journeys(connect, JOURNEYS))
        still_open = SLOW - slow.dropped
    # The slow connections were all still holding on while the journeys ran...
    assert still_open == SLOW
    # ...and the journeys did not wait for them (a generous bound: the machine is shared).
    assert loaded["p95"] <= 2 * alone["p95"] + 250, f"alone {alone}, with {SLOW} slow: {loaded}"
    print(f"journey ms alone {alone}, with {SLOW} slow connections {loaded}")
