"""`jsm serve` under attack, on loopback: 200 slow clients (a request line, then one header line
a second: slowloris) and 200 normal ones at once. /healthz keeps a p99 under 100 ms and every
normal request is answered."""

import concurrent.futures
import socket
import statistics
import threading
import time
import urllib.request

from conftest import run_jsm
from e2e.test_serve import Server

SLOW, NORMAL = 200, 200


def slow_client(port, stop):
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        sock.sendall(b"GET /api/tables HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        n = 0
        while not stop.wait(1.0):
            try:
                sock.sendall(f"X-Drip-{n}: x\r\n".encode())
            except OSError:  # the server closed it: its head deadline passed
                return "closed"
            n += 1
        return "held"
    finally:
        sock.close()


def normal_request(url):
    with urllib.request.urlopen(url + "/api/tables", timeout=30) as response:
        return response.status


def test_slow_clients_do_not_stop_health_or_normal_requests(tmp_path):
    lakehouse = tmp_path / "lakehouse"
    run_jsm("run", "--synthetic", 5000, "--until-drained", "--lakehouse", lakehouse, timeout=600)
    server = Server(lakehouse)
    port = int(server.url.rsplit(":", 1)[1])
    stop = threading.Event()
    try:
        with concurrent.futures.ThreadPoolExecutor(SLOW) as slow_pool:
            slow = [slow_pool.submit(slow_client, port, stop) for _ in range(SLOW)]
            time.sleep(1.5)  # every slow client connected and dripping
            latencies = []
            with concurrent.futures.ThreadPoolExecutor(50) as normal_pool:
                normal = [normal_pool.submit(normal_request, server.url) for _ in range(NORMAL)]
                while not all(f.done() for f in normal) or len(latencies) < 200:
                    started = time.monotonic()
                    with urllib.request.urlopen(server.url + "/healthz", timeout=30) as response:
                        assert response.status == 200
                    latencies.append(time.monotonic() - started)
                statuses = [f.result() for f in normal]
            stop.set()
            outcomes = [f.result() for f in slow]
        latencies.sort()
        p99 = latencies[int(len(latencies) * 0.99) - 1]
        print(f"{SLOW} slow + {NORMAL} normal clients: /healthz p50 {statistics.median(latencies) * 1000:.1f} ms, "
              f"p99 {p99 * 1000:.1f} ms over {len(latencies)} probes; slow clients closed by the head deadline: "
              f"{outcomes.count('closed')}")
        assert statuses == [200] * NORMAL
        assert p99 < 0.100, f"/healthz p99 {p99 * 1000:.1f} ms"
        # The server still serves once the attack is over.
        assert server.get("/api/tables")[0] == 200
    finally:
        stop.set()
        server.stop()
