"""Kafka messages of exact bytes for the hostile-input tests: produced with kcat (not our
producer, so nothing of ours can clean them) and read back by the lengths kcat prints, so any
bytes (NUL, invalid UTF-8, empty, null) survive both ways."""

import shutil
import subprocess

import pytest


def kcat():
    tool = shutil.which("kcat") or shutil.which("kafkacat")
    if tool is None:
        pytest.skip("kcat is not installed (Debian package kafkacat)")
    return tool


def produce_exact(bootstrap, topic, key, value, headers, tmp_path):
    """One message with exactly these bytes. kcat sends each file as one message (but skips empty
    files), so an empty or null value goes through stdin as `key<TAB>` (-Z: empty means null)."""
    args = [kcat().encode(), b"-P", b"-b", bootstrap.encode(), b"-t", topic.encode()]
    for name, header_value in headers:
        args += [b"-H", name + b"=" + header_value]
    if not value:
        assert b"\t" not in key and b"\n" not in key
        subprocess.run(args + [b"-K", b"\t"] + ([b"-Z"] if value is None else []), input=key + b"\t\n",
                       check=True, timeout=60)
        return
    path = tmp_path / "message.bin"
    path.write_bytes(value)
    subprocess.run(args + [b"-k", key, str(path).encode()], check=True, timeout=60)


def read_topic_exact(bootstrap, topic):
    """[((partition, offset), key or None, value or None, header text)] of every message, parsed by the
    lengths kcat prints (%K and %S are -1 for null), so any bytes survive."""
    fmt = "%p %o %K %S\n%k%s%h\x1e"
    out = subprocess.run([kcat(), "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-f", fmt],
                         capture_output=True, check=True, timeout=60).stdout
    messages, at = [], 0
    while at < len(out):
        line_end = out.index(b"\n", at)
        partition, offset, key_len, value_len = (int(x) for x in out[at:line_end].split())
        at = line_end + 1
        key = out[at:at + key_len] if key_len >= 0 else None
        at += max(key_len, 0)
        value = out[at:at + value_len] if value_len >= 0 else None
        at += max(value_len, 0)
        end = out.index(b"\x1e", at)
        messages.append(((partition, offset), key, value, out[at:end]))
        at = end + 1
    return messages


def coalesce(row, text, raw):
    if row[text] is not None:
        return row[text].encode() if isinstance(row[text], str) else bytes(row[text])
    return None if row[raw] is None else bytes(row[raw])
