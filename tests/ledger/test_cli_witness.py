"""`mokmin ledger witness` is the witness program from the installed command (keygen here; serve is exercised by
tests/ledger/test_witness_processes.py through the module)."""

from __future__ import annotations

from click.testing import CliRunner

from mokmin.cli import main
from mokmin.ledger.note import Signer, Verifier


def test_keygen_through_mokmin_writes_a_private_key_and_prints_its_verifier(tmp_path):
    out = tmp_path / "w.key"
    result = CliRunner().invoke(main, ["ledger", "witness", "keygen", "--name", "audit.example/w", "--out", str(out)])
    assert result.exit_code == 0, result.output
    signer = Signer.from_string(out.read_text(encoding="ascii").strip())
    printed = Verifier.from_string(result.output.strip().splitlines()[-1])
    assert printed.to_string() == signer.verifier().to_string() and printed.name == "audit.example/w"
    assert out.stat().st_mode & 0o777 == 0o600
