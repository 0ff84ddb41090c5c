"""Fixtures shared by the end-to-end tests."""

from e2e.kafka_fixture import real_kafka  # noqa: F401  (a session fixture: one broker for every test)
