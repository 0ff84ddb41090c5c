"""A real Apache Kafka broker (KRaft, one node) for the tests, started with the
project's own scripts in deploy/kafka/ and stopped at the end of the session.

Environment:
  JSM_TEST_KAFKA_BOOTSTRAP        use this running cluster instead (nothing is started or stopped)
  JSM_TEST_KAFKA_PORT             client port of the broker (default: a free port)
  JSM_TEST_KAFKA_CONTROLLER_PORT  controller port (default: a free port)
"""

import os
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


class RealKafka:
    """A one-node cluster: `bootstrap` for clients, `start_seconds` as measured."""

    def __init__(self, bootstrap, env=None, start_seconds=None):
        self.bootstrap = bootstrap
        self.env = env
        self.start_seconds = start_seconds

    def stop(self):
        if self.env is not None:
            subprocess.run([str(DEPLOY / "down.sh")], env=self.env, capture_output=True, text=True, timeout=120)


def start_real_kafka(state_dir):
    """Starts one broker with its state under `state_dir`; skips if Java or kcat is absent."""
    for tool in ("java", "mvn"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed: the real Kafka broker cannot run (see docs/kafka.md)")
    if shutil.which("kcat") is None and shutil.which("kafkacat") is None:
        pytest.skip("kcat is not installed (Debian package kafkacat): cannot tell when the broker is ready")
    port = int(os.environ.get("JSM_TEST_KAFKA_PORT") or free_port())
    controller_port = int(os.environ.get("JSM_TEST_KAFKA_CONTROLLER_PORT") or free_port())
    env = dict(os.environ, JSM_KAFKA_PORT=str(port), JSM_KAFKA_CONTROLLER_PORT=str(controller_port),
               JSM_KAFKA_STATE_DIR=str(state_dir), JSM_KAFKA_BROKERS="1")
    started = time.monotonic()
    proc = subprocess.run([str(DEPLOY / "up.sh"), "1"], env=env, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        subprocess.run([str(DEPLOY / "down.sh")], env=env, capture_output=True, timeout=120)
        raise AssertionError(f"deploy/kafka/up.sh failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return RealKafka(f"127.0.0.1:{port}", env, time.monotonic() - started)


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
