"""Azurite (the Azure Storage emulator) for the tests, started with the project's own
scripts in deploy/azurite/ (npm ci on first use) on a free loopback port with its own
state dir, and stopped at the end of the session.

Environment:
  JSM_TEST_AZURITE_PORT  blob port of the emulator (default: a free port)
"""

import os
import shutil
import socket
import subprocess
import time

import pytest

from conftest import ROOT

DEPLOY = ROOT / "deploy" / "azurite"
ACCOUNT = "devstoreaccount1"
# Azurite's well-known development key: public by design (Microsoft documents it).
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def free_port():
    """A loopback TCP port nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Azurite:
    """One emulator: `endpoint` for our store, `jsm_env()` for jsm, `storage_options` for delta-rs."""

    def __init__(self, port, state_dir):
        self.port = port
        self.state_dir = state_dir
        self.script_env = dict(os.environ, JSM_AZURITE_PORT=str(port), JSM_AZURITE_STATE_DIR=str(state_dir))
        self.endpoint = f"http://127.0.0.1:{port}/{ACCOUNT}"
        self.connection_string = (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};"
                                  f"BlobEndpoint={self.endpoint};")
        # delta-rs (object_store) emulator settings; the emulator's URL comes from AZURITE_BLOB_STORAGE_URL.
        self.storage_options = {"account_name": ACCOUNT, "account_key": ACCOUNT_KEY, "use_emulator": "true",
                                "allow_http": "true"}

    def jsm_env(self, **extra):
        """The environment for a jsm process that reaches this emulator."""
        return dict(os.environ, AZURE_STORAGE_CONNECTION_STRING=self.connection_string, **extra)

    def write_config(self, path, lake, key=ACCOUNT_KEY, extra=""):
        """A jsm settings file whose [storage.azure] section alone reaches this emulator: the lakehouse
        `lake` (az://...), account and endpoint in the file, the key as written (e.g. "${VAR}")."""
        path.write_text(f'[lakehouse]\nuri = "{lake}"\n\n[storage.azure]\naccount = "{ACCOUNT}"\n'
                        f'key = "{key}"\nendpoint = "{self.endpoint}"\n{extra}')
        return path

    def start(self):
        proc = subprocess.run([str(DEPLOY / "up.sh")], env=self.script_env, capture_output=True, text=True,
                              timeout=600)
        if proc.returncode != 0:
            raise AssertionError(f"deploy/azurite/up.sh failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")

    def stop(self):
        subprocess.run([str(DEPLOY / "down.sh")], env=self.script_env, capture_output=True, text=True, timeout=120)


def env_without_azure(**extra):
    """The process environment with every AZURE_* variable removed: credentials must come from the config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AZURE_")}
    env.update(extra)
    return env


def start_azurite(state_dir):
    """Starts the emulator with its state under `state_dir`; skips when Node.js/npm are absent."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed: Azurite cannot run (see docs/azure.md)")
    azurite = Azurite(int(os.environ.get("JSM_TEST_AZURITE_PORT") or free_port()), state_dir)
    started = time.monotonic()
    azurite.start()
    azurite.start_seconds = time.monotonic() - started
    return azurite


@pytest.fixture(scope="session")
def azurite(tmp_path_factory):
    """One Azurite for the whole test session (each test uses its own container)."""
    emulator = start_azurite(tmp_path_factory.mktemp("azurite"))
    previous = os.environ.get("AZURITE_BLOB_STORAGE_URL")
    os.environ["AZURITE_BLOB_STORAGE_URL"] = f"http://127.0.0.1:{emulator.port}"
    try:
        yield emulator
    finally:
        emulator.stop()
        if previous is None:
            os.environ.pop("AZURITE_BLOB_STORAGE_URL", None)
        else:
            os.environ["AZURITE_BLOB_STORAGE_URL"] = previous
