"""Two real witness processes on loopback cosign an honest log and refuse a forked one, also after a restart.

Each witness is ``python -m mokmin.ledger.witness serve`` in its own process with its own key and state file;
the log talks to them over HTTP exactly as C2SP tlog-witness says (``POST /add-checkpoint``).
"""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from mokmin.errors import ConflictError, IntegrityError
from mokmin.ledger.checkpoint import add_signature_lines, open_checkpoint
from mokmin.ledger.note import Signer, Verifier
from mokmin.ledger.witness import request_cosignature
from tests.ledger.test_witness import ORIGIN, Log


class WitnessProcess:
    def __init__(self, directory: Path, name: str, log_key: Verifier) -> None:
        self.key_file, self.state, self.log_key = directory / f"{name}.key", directory / f"{name}.json", log_key
        made = subprocess.run([sys.executable, "-m", "mokmin.ledger.witness", "keygen", "--name", f"{name}.example/w",
                               "--out", str(self.key_file)], capture_output=True, text=True, check=True, timeout=60)
        self.verifier = Verifier.from_string(made.stdout.strip())
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mokmin.ledger.witness", "serve", "--state", str(self.state), "--key",
             str(self.key_file), "--log-key", self.log_key.to_string(), "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = self.process.stdout.readline()  # "listening on http://127.0.0.1:PORT as <vkey>"
        assert first.startswith("listening on http://127.0.0.1:"), first + self.process.stderr.read()
        self.url = first.split()[2]
        assert first.split()[-1] == self.verifier.to_string()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        if self.process:
            self.process.stdout.close()
            self.process.stderr.close()


@pytest.fixture
def witnesses(tmp_path) -> Iterator[tuple[Log, list[WitnessProcess]]]:
    log = Log(Signer.generate(ORIGIN), [f"entry {i}".encode() for i in range(20)])
    started = [WitnessProcess(tmp_path, name, log.signer.verifier()) for name in ("audit", "cli")]
    try:
        for witness in started:
            witness.start()
        yield log, started
    finally:
        for witness in started:
            witness.stop()


def cosign_all(log: Log, witnesses: list[WitnessProcess], old: int, size: int) -> str:
    message = log.checkpoint(size)
    lines = [request_cosignature(w.url, old, log.proof(old, size), message) for w in witnesses]
    return add_signature_lines(message, lines)


def test_two_witnesses_cosign_then_refuse_a_fork(witnesses):
    log, started = witnesses
    keys = [w.verifier for w in started]
    with urllib.request.urlopen(started[0].url + "/key", timeout=10) as response:
        assert response.read().decode().strip() == keys[0].to_string()

    first = open_checkpoint(cosign_all(log, started, 0, 8), log.signer.verifier(), witnesses=keys, quorum=2)
    assert first.checkpoint.size == 8 and set(first.cosigners) == {"audit.example/w", "cli.example/w"}
    grown = open_checkpoint(cosign_all(log, started, 8, 20), log.signer.verifier(), witnesses=keys, quorum=2)
    assert grown.checkpoint.root == log.tree.root()

    # The log rewrites entry 3 and re-signs: a valid signature, but not an extension of size 20.
    fork = Log(log.signer, [f"entry {i}".encode() if i != 3 else b"entry 3, score changed" for i in range(25)])
    for witness in started:
        with pytest.raises(IntegrityError) as inconsistent:
            request_cosignature(witness.url, 20, fork.proof(20, 25), fork.checkpoint(25))
        assert inconsistent.value.details["status"] == 422
        with pytest.raises(ConflictError) as same_size:
            request_cosignature(witness.url, 20, [], fork.checkpoint(20))
        assert same_size.value.details["status"] == 409
        with pytest.raises(ConflictError) as rollback:  # pretending the witness saw nothing yet
            request_cosignature(witness.url, 0, [], fork.checkpoint(20))
        assert rollback.value.details["size"] == 20

    # State is durable: restarted, the audit witness still knows size 20 and still refuses the fork.
    started[0].stop()
    started[0].start()
    with pytest.raises(IntegrityError):
        request_cosignature(started[0].url, 20, fork.proof(20, 25), fork.checkpoint(25))
    for i in range(20, 25):  # honest growth
        log.tree.append(f"entry {i}".encode())
    final = open_checkpoint(cosign_all(log, started, 20, 25), log.signer.verifier(), witnesses=keys, quorum=2)
    assert final.checkpoint.size == 25
