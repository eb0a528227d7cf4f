"""`make run PORT=...` serves on that port and says where the patient and clinician pages are
(issue 20: port 5000 is taken by AirPlay on macOS, and the preview's address was nowhere)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_run_takes_a_port_and_prints_the_patient_and_clinician_addresses():
    port = free_port()
    env = {**os.environ, "SECRET_KEY": "test-make-run-" + "k" * 40}
    server = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        printed = []
        assert server.stdout is not None
        for line in server.stdout:
            printed.append(line.strip())
            if line.startswith("Clinician preview:"):
                break
        patient = f"http://127.0.0.1:{port}/"
        assert f"Patient pages:     {patient}" in printed, printed
        assert f"Clinician preview: {patient}clinician/" in printed, printed
        for url in (patient, f"{patient}clinician/"):
            for _ in range(100):  # the server starts after the addresses are printed
                try:
                    with urllib.request.urlopen(url, timeout=5) as response:
                        assert response.status == 200
                        break
                except OSError:
                    time.sleep(0.1)
            else:
                pytest.fail(f"nothing answered on {url}")
    finally:
        os.killpg(server.pid, 15)
        server.communicate(timeout=30)
