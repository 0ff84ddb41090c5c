"""deploy/install-deps.sh on a machine without Node.js: it installs Debian's nodejs and npm, and it
keeps a Node.js that is already there (NodeSource's bundles npm and conflicts with Debian's npm).
dpkg-query and apt-get are stand-ins on a PATH of our own, so nothing is installed here."""

import os
import shutil
import subprocess

import pytest

from conftest import ROOT

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="install-deps.sh asks for sudo when not root")

FAKE_DPKG_QUERY = """#!/bin/bash
# Every package is installed except those in $FAKE_MISSING.
for p in $FAKE_MISSING; do [[ ${@: -1} == "$p" ]] && exit 1; done
echo "install ok installed"
"""
FAKE_APT_GET = """#!/bin/bash
echo "$*" >> "$APT_LOG"
"""


def run_install_deps(tmp_path, missing, commands):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "grep", "id", "cat", "dirname"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    for name, text in (("dpkg-query", FAKE_DPKG_QUERY), ("apt-get", FAKE_APT_GET),
                       *((command, "#!/bin/bash\n") for command in commands)):
        path = bin_dir / name
        path.write_text(text)
        path.chmod(0o755)
    log = tmp_path / "apt.log"
    env = {"PATH": str(bin_dir), "FAKE_MISSING": " ".join(missing), "APT_LOG": str(log)}
    proc = subprocess.run([str(bin_dir / "bash"), str(ROOT / "deploy/install-deps.sh")], env=env,
                          capture_output=True, text=True, timeout=60)
    return proc, log.read_text() if log.exists() else ""


@needs_root
def test_a_machine_without_node_gets_debian_nodejs_and_npm(tmp_path):
    proc, apt = run_install_deps(tmp_path, missing=["nodejs", "npm", "chromium"], commands=[])
    assert proc.returncode == 0, proc.stderr
    assert "installing Debian packages: nodejs npm chromium" in proc.stdout, proc.stdout
    assert "install -y -qq nodejs npm chromium" in apt, apt


@needs_root
def test_a_node_already_on_the_path_is_kept(tmp_path):
    proc, apt = run_install_deps(tmp_path, missing=["nodejs", "npm"], commands=["node", "npm"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and apt == "", (proc.stdout, apt)
