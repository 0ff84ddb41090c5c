"""A real Apache Kafka cluster (KRaft, one or three nodes) for the tests, started
with the project's own scripts in deploy/kafka/ and stopped at the end of the
session (or module). A cluster started here can stop and start its nodes
(deploy/kafka/node.sh) for failure tests.

Environment:
  JSM_TEST_KAFKA_BOOTSTRAP        use this running cluster instead (nothing is started or stopped)
  JSM_TEST_KAFKA_PORT             client port of the broker (default: a free port)
  JSM_TEST_KAFKA_CONTROLLER_PORT  controller port (default: a free port)
"""

import os
import pathlib
import shutil
import socket
import subprocess
import time

import pytest

from conftest import ROOT

DEPLOY = ROOT / "deploy" / "kafka"


def free_port():
    """A loopback TCP port nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_port_range(count, attempts=50):
    """The first of `count` consecutive loopback ports that are free now."""
    for _ in range(attempts):
        first = free_port()
        if first + count > 65535:
            continue
        try:
            sockets = []
            for port in range(first, first + count):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sockets.append(s)
                s.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise AssertionError(f"found no {count} consecutive free ports")


class RealKafka:
    """A cluster: `bootstrap` for clients, `brokers` nodes, `start_seconds` as measured;
    `sasl_bootstrap` its SASL_PLAINTEXT (PLAIN) listeners if it was started with users;
    if it was started with `ssl=True`: `ssl_bootstrap` its SSL listeners, `ca_path` the
    throwaway CA that signed the broker certificate (give it as ssl.ca.location), and with
    users too `sasl_ssl_bootstrap` its SASL_SSL (PLAIN) listeners."""

    def __init__(self, bootstrap, env=None, start_seconds=None, brokers=1, sasl_bootstrap=None,
                 ssl_bootstrap=None, sasl_ssl_bootstrap=None, ca_path=None):
        self.bootstrap = bootstrap
        self.env = env
        self.start_seconds = start_seconds
        self.brokers = brokers
        self.sasl_bootstrap = sasl_bootstrap
        self.ssl_bootstrap = ssl_bootstrap
        self.sasl_ssl_bootstrap = sasl_ssl_bootstrap
        self.ca_path = ca_path

    def stop(self):
        if self.env is not None:
            subprocess.run([str(DEPLOY / "down.sh")], env=self.env, capture_output=True, text=True, timeout=120)

    def _node(self, action, which):
        if self.env is None:
            pytest.skip("an external cluster (JSM_TEST_KAFKA_BOOTSTRAP) cannot be stopped by the tests")
        proc = subprocess.run([str(DEPLOY / "node.sh"), action, str(which)], env=self.env, capture_output=True,
                              text=True, timeout=300)
        assert proc.returncode == 0, f"node.sh {action} {which} failed:\n{proc.stdout}\n{proc.stderr}"

    def stop_node(self, node, kill=False):
        """Stops node `node` (1-based; SIGTERM, or SIGKILL with kill=True) and waits until it exited."""
        self._node("kill" if kill else "stop", node)

    def start_node(self, node):
        """Starts node `node` again and waits until the cluster lists every broker."""
        self._node("start", node)

    def stop_all(self, kill=False):
        self._node("kill" if kill else "stop", "all")

    def start_all(self):
        self._node("start", "all")


def start_real_kafka(state_dir, brokers=1, sasl_users=None, port=None, controller_port=None, ssl=False):
    """Starts a cluster of `brokers` (1 or 3) nodes with its state under `state_dir`;
    skips if Java, Maven or kcat is absent. With `sasl_users` ({name: password}) every
    node also has a SASL_PLAINTEXT listener (SASL/PLAIN, those users) on free ports.
    `port` / `controller_port` (one broker only) fix the ports, e.g. to start a broker
    where a client is already trying to connect. With `ssl=True` every node also has an
    SSL listener (and, with `sasl_users`, a SASL_SSL one) whose certificate is signed by a
    throwaway CA made at start (`ca_path`); skips if openssl is absent."""
    for tool in ("java", "mvn"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed: the real Kafka broker cannot run (see docs/kafka.md)")
    if shutil.which("kcat") is None and shutil.which("kafkacat") is None:
        pytest.skip("kcat is not installed (Debian package kafkacat): cannot tell when the broker is ready")
    if ssl and shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificates for the TLS listener (Debian package openssl)")
    if brokers == 1:
        port = port or int(os.environ.get("JSM_TEST_KAFKA_PORT") or free_port())
        controller_port = controller_port or int(os.environ.get("JSM_TEST_KAFKA_CONTROLLER_PORT") or free_port())
    else:
        port, controller_port = free_port_range(brokers), free_port_range(brokers)
    env = dict(os.environ, JSM_KAFKA_PORT=str(port), JSM_KAFKA_CONTROLLER_PORT=str(controller_port),
               JSM_KAFKA_STATE_DIR=str(state_dir), JSM_KAFKA_BROKERS=str(brokers),
               JSM_KAFKA_START_TIMEOUT=os.environ.get("JSM_KAFKA_START_TIMEOUT", "180"))
    sasl_bootstrap = None
    if sasl_users:
        sasl_port = free_port_range(brokers) if brokers > 1 else free_port()
        env["JSM_KAFKA_SASL_PORT"] = str(sasl_port)
        env["JSM_KAFKA_SASL_USERS"] = ",".join(f"{name}:{password}" for name, password in sasl_users.items())
        sasl_bootstrap = ",".join(f"127.0.0.1:{sasl_port + i}" for i in range(brokers))
    ssl_bootstrap = sasl_ssl_bootstrap = ca_path = None
    if ssl:
        ssl_port = free_port_range(brokers) if brokers > 1 else free_port()
        env["JSM_KAFKA_SSL_PORT"] = str(ssl_port)
        ssl_bootstrap = ",".join(f"127.0.0.1:{ssl_port + i}" for i in range(brokers))
        if sasl_users:
            sasl_ssl_port = free_port_range(brokers) if brokers > 1 else free_port()
            env["JSM_KAFKA_SASL_SSL_PORT"] = str(sasl_ssl_port)
            sasl_ssl_bootstrap = ",".join(f"127.0.0.1:{sasl_ssl_port + i}" for i in range(brokers))
        ca_path = pathlib.Path(state_dir) / "tls" / "ca.pem"
    started = time.monotonic()
    proc = subprocess.run([str(DEPLOY / "up.sh"), str(brokers)], env=env, capture_output=True, text=True,
                          timeout=400)
    if proc.returncode != 0:
        subprocess.run([str(DEPLOY / "down.sh")], env=env, capture_output=True, timeout=120)
        raise AssertionError(f"deploy/kafka/up.sh failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    bootstrap = ",".join(f"127.0.0.1:{port + i}" for i in range(brokers))
    return RealKafka(bootstrap, env, time.monotonic() - started, brokers, sasl_bootstrap, ssl_bootstrap,
                     sasl_ssl_bootstrap, ca_path)


@pytest.fixture(scope="session")
def real_kafka(tmp_path_factory):
    """One real Kafka broker for the whole test session."""
    external = os.environ.get("JSM_TEST_KAFKA_BOOTSTRAP")
    if external:
        yield RealKafka(external)
        return
    kafka = start_real_kafka(tmp_path_factory.mktemp("kafka"))
    try:
        yield kafka
    finally:
        kafka.stop()
