"""A witness: cosigns a log's checkpoint only if it extends, append-only, the last one it cosigned.

Why: a log that shows one history to the committee and another to a bidder (a split view), or that rewrites a
score and re-signs, can sign whatever it likes; it cannot make an independent witness (the audit office's mokmin,
a CLI on another machine) cosign two checkpoints that are not one the prefix of the other. Clients then require
cosignatures from a quorum of witnesses.

What it implements:

* **State**: per log origin, the last cosigned checkpoint (size, root, body, time), in one JSON file rewritten
  atomically (:func:`mokmin.atomic.atomic_file`) under an exclusive ``flock`` on ``<state>.lock``, so that the
  check against the stored size and the update are one step (the race in tlog-witness's last section)::

      {"format": "mokmin-witness-state/1",
       "logs": {"<origin>": {"size": 12, "root": "<base64>", "time": 1767225600, "checkpoint": "<note text>"}}}

* **Checks** (C2SP tlog-witness ``add-checkpoint``), each refusal a mokmin error with ``details["reason"]``
  and the HTTP status that spec assigns: unknown origin (404), no valid log signature (403), old size above the
  new size, i.e. a smaller checkpoint (400), old size not the stored size (409, body = stored size), same size
  but another root, i.e. a fork (409), consistency proof that fails, i.e. a fork or rewrite (422).
* **Cosignature**: C2SP tlog-cosignature v1, Ed25519, key type 0x04: ``key ID = SHA-256(name || 0x0A || 0x04 ||
  pubkey)[:4]``, signature ``u64 time || Ed25519("cosignature/v1\\ntime <time>\\n" || checkpoint body)``
  (:mod:`mokmin.ledger.note`).
* **HTTP**: ``POST /add-checkpoint`` with the body ``old <size>\\n`` + one base64 proof hash per line + ``\\n`` +
  the signed checkpoint; the answer is the cosignature line(s). ``GET /key`` returns the witness's verifier key.
  Run with ``python -m mokmin.ledger.witness serve --state FILE --key FILE --log-key VKEY --port N`` (port 0
  picks a free port; the first line printed says which); ``keygen --name NAME --out FILE`` makes a key.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import fcntl
import json
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from mokmin.atomic import atomic_file
from mokmin.errors import ConflictError, ErrorLocation, InputError, IntegrityError, MokminError, NotFoundError
from mokmin.ledger.checkpoint import Checkpoint, open_checkpoint
from mokmin.ledger.note import COSIGNATURE_V1, ED25519, Signer, Verifier, parse_note
from mokmin.ledger.proofs import verify_consistency

STATE_FORMAT = "mokmin-witness-state/1"
MAX_PROOF_LINES = 63
MAX_BODY = 1 << 20  # a checkpoint, 63 proof lines and many cosignatures fit in a few kilobytes
STATUS = {"unknown_log": 404, "bad_log_signature": 403, "smaller_checkpoint": 400, "malformed": 400,
          "old_size_mismatch": 409, "same_size_different_root": 409, "inconsistent": 422}


def _refuse(error_class: type[MokminError], reason: str, ko: str, en: str, **details: Any) -> MokminError:
    return error_class(ko, en, details={"reason": reason, "status": STATUS[reason], **details})


# -- the request body ---------------------------------------------------------------------------------------------

def format_request(old_size: int, proof: Iterable[bytes], signed_checkpoint: str) -> bytes:
    """The ``add-checkpoint`` body: ``old N``, the proof hashes in base64, a blank line, the signed checkpoint."""
    lines = [f"old {old_size}\n", *(base64.b64encode(h).decode() + "\n" for h in proof), "\n"]
    return ("".join(lines) + signed_checkpoint).encode("utf-8")


def parse_request(body: bytes) -> tuple[int, list[bytes], str]:
    """Split an ``add-checkpoint`` body into (old size, proof hashes, signed checkpoint)."""
    def bad(ko: str, en: str) -> MokminError:
        return _refuse(InputError, "malformed", ko, en)

    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise bad("요청 본문이 UTF-8이 아닙니다", "the request body is not UTF-8") from None
    head, sep, checkpoint = text.partition("\n\n")
    lines = head.split("\n")
    if not sep or not lines[0].startswith("old "):
        raise bad("요청은 'old <크기>' 줄, 증명 줄, 빈 줄, 체크포인트 순이어야 합니다",
                  "the request is an 'old <size>' line, proof lines, a blank line, then the checkpoint")
    size_text = lines[0][4:]
    if not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
        raise bad("이전 크기는 앞자리 0 없는 10진수여야 합니다", "the old size is a decimal without leading zeroes")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise bad(f"증명 줄이 {MAX_PROOF_LINES}개를 넘습니다", f"more than {MAX_PROOF_LINES} proof lines")
    try:
        proof = [base64.b64decode(line, validate=True) for line in lines[1:]]
    except (binascii.Error, ValueError):
        raise bad("증명 줄이 base64가 아닙니다", "a proof line is not base64") from None
    return int(size_text), proof, checkpoint


# -- the witness --------------------------------------------------------------------------------------------------

class Witness:
    """Cosigns checkpoints of the logs it trusts, never two that are not consistent (see the module docstring)."""

    def __init__(self, signer: Signer, log_keys: Iterable[Verifier], state_path: str | Path, *,
                 clock: Callable[[], float] = time.time) -> None:
        if signer.signature_type != COSIGNATURE_V1:
            raise InputError("증인 키는 cosignature/v1(0x04) 종류여야 합니다", "a witness key must be of type 0x04",
                             location=ErrorLocation(field="key", value=signer.name))
        self.signer = signer
        self.log_keys = {key.name: key for key in log_keys if key.signature_type == ED25519}
        self.state_path = Path(state_path)
        self.clock = clock
        self._lock = threading.Lock()

    def verifier(self) -> Verifier:
        return self.signer.verifier()

    def state(self) -> dict[str, Any]:
        """The stored state (an empty one if the file does not exist yet)."""
        if not self.state_path.exists():
            return {"format": STATE_FORMAT, "logs": {}}
        state = json.loads(self.state_path.read_text(encoding="utf-8"))
        if state.get("format") != STATE_FORMAT:
            raise IntegrityError("증인 상태 파일의 형식이 다릅니다", "the witness state file has another format",
                                 location=ErrorLocation(file=str(self.state_path)))
        return state

    def last(self, origin: str) -> Checkpoint | None:
        """The last checkpoint cosigned for ``origin``."""
        entry = self.state()["logs"].get(origin)
        return Checkpoint.parse(entry["checkpoint"]) if entry else None

    def add_checkpoint(self, old_size: int, proof: list[bytes], signed_checkpoint: str) -> str:
        """Check ``signed_checkpoint`` against the stored state; cosign it, store it, return the cosignature line."""
        checkpoint = self._verified(signed_checkpoint)
        with self._exclusive():
            state = self.state()
            entry = state["logs"].get(checkpoint.origin)
            stored_size = entry["size"] if entry else 0
            if old_size > checkpoint.size:
                raise _refuse(InputError, "smaller_checkpoint",
                              f"체크포인트(크기 {checkpoint.size})가 이전 크기({old_size})보다 작습니다",
                              f"the checkpoint (size {checkpoint.size}) is smaller than the old size ({old_size})",
                              size=stored_size)
            if old_size != stored_size:
                raise _refuse(ConflictError, "old_size_mismatch",
                              f"이전 크기 {old_size}가 증인이 마지막으로 연서명한 크기 {stored_size}와 다릅니다",
                              f"old size {old_size} is not the size last cosigned by this witness ({stored_size})",
                              size=stored_size)
            if entry:
                self._check_consistent(entry, checkpoint, proof)
            elif proof:
                raise _refuse(InputError, "malformed", "이전 크기가 0이면 증명은 비어 있어야 합니다",
                              "the proof must be empty when the old size is 0")
            timestamp = int(self.clock())
            line = self.signer.signature_line(checkpoint.body(), timestamp=timestamp)
            state["logs"][checkpoint.origin] = {"size": checkpoint.size, "root": base64.b64encode(checkpoint.root)
                                                .decode(), "time": timestamp, "checkpoint": checkpoint.body()}
            with atomic_file(self.state_path) as handle:
                json.dump(state, handle, ensure_ascii=False, indent=1, sort_keys=True)
        return line

    def _verified(self, signed_checkpoint: str) -> Checkpoint:
        try:
            text, _ = parse_note(signed_checkpoint)
            origin = Checkpoint.parse(text).origin
        except InputError as exc:
            raise _refuse(InputError, "malformed", exc.message_ko, exc.message_en) from exc
        key = self.log_keys.get(origin)
        if key is None:
            raise _refuse(NotFoundError, "unknown_log", f"이 증인이 모르는 로그입니다: {origin}",
                          f"this witness does not know the log {origin}", origin=origin)
        try:
            return open_checkpoint(signed_checkpoint, key).checkpoint
        except IntegrityError as exc:
            raise _refuse(IntegrityError, "bad_log_signature", f"로그 서명을 확인할 수 없습니다: {exc.message_ko}",
                          f"the log signature does not verify: {exc.message_en}", origin=origin) from exc

    @staticmethod
    def _check_consistent(entry: dict[str, Any], checkpoint: Checkpoint, proof: list[bytes]) -> None:
        old_root = base64.b64decode(entry["root"])
        if entry["size"] == checkpoint.size:
            if proof:
                raise _refuse(InputError, "malformed", "크기가 같으면 증명은 비어 있어야 합니다",
                              "for equal sizes the proof must be empty")
            if old_root != checkpoint.root:
                raise _refuse(ConflictError, "same_size_different_root",
                              f"크기 {checkpoint.size}에 이미 다른 루트를 연서명했습니다 (로그 분기)",
                              f"a different root was already cosigned for size {checkpoint.size} (a forked log)",
                              size=entry["size"])
            return
        try:
            verify_consistency(entry["size"], checkpoint.size, proof, old_root, checkpoint.root)
        except (InputError, IntegrityError) as exc:
            raise _refuse(IntegrityError, "inconsistent",
                          f"크기 {entry['size']}에서 {checkpoint.size}로의 일관성 증명이 맞지 않습니다 (분기 또는 변조): "
                          f"{exc.message_ko}",
                          f"the consistency proof from size {entry['size']} to {checkpoint.size} fails (a fork or "
                          f"a rewrite): {exc.message_en}", size=entry["size"]) from exc

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.state_path.with_name(self.state_path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


# -- HTTP: server and client --------------------------------------------------------------------------------------

def make_server(witness: Witness, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """A stdlib HTTP server for ``witness`` (``serve_forever()`` it; ``server_address`` has the real port)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/key":
                self._reply(200, witness.verifier().to_string() + "\n")
            else:
                self._reply(404, "not found\n")

        def do_POST(self) -> None:
            if self.path != "/add-checkpoint":
                self._reply(404, "not found\n")
                return
            length = int(self.headers.get("Content-Length") or 0)
            if not 0 < length <= MAX_BODY:
                self._reply(400 if length <= 0 else 413, "a body of 1 byte to 1 MiB is required\n")
                return
            body = self.rfile.read(length)
            try:
                line = witness.add_checkpoint(*parse_request(body))
            except MokminError as exc:
                status = exc.details.get("status", 400)
                if status == 409 and exc.details.get("reason") == "old_size_mismatch":
                    self._reply(409, f"{exc.details['size']}\n", "text/x.tlog.size")
                else:
                    self._reply(status, exc.message("en") + "\n")
                return
            self._reply(200, line)

        def _reply(self, status: int, text: str, content_type: str = "text/plain; charset=utf-8") -> None:
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # quiet: the witness answers, it does not chat
            pass

    return ThreadingHTTPServer((host, port), Handler)


def request_cosignature(url: str, old_size: int, proof: Iterable[bytes], signed_checkpoint: str, *,
                        timeout: float = 10.0) -> str:
    """POST to a witness's ``/add-checkpoint``; return its cosignature line(s) or raise the refusal as a mokmin error.

    A 409 with ``text/x.tlog.size`` becomes a ConflictError whose ``details["size"]`` is the witness's stored size.
    """
    request = urllib.request.Request(url.rstrip("/") + "/add-checkpoint", method="POST",
                                     data=format_request(old_size, proof, signed_checkpoint))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        text = exc.read().decode("utf-8", "replace").strip()
        details: dict[str, Any] = {"status": exc.code, "witness": url}
        if exc.code == 409 and exc.headers.get("Content-Type", "").startswith("text/x.tlog.size"):
            details["size"] = int(text)
            raise ConflictError(f"증인이 마지막으로 연서명한 크기는 {text}입니다", f"the witness last cosigned size {text}",
                                details=details) from None
        error = {404: NotFoundError, 409: ConflictError, 403: IntegrityError, 422: IntegrityError}.get(exc.code,
                                                                                                     InputError)
        raise error(f"증인이 연서명을 거부했습니다 ({exc.code}): {text}", f"the witness refused to cosign ({exc.code}): {text}",
                    details=details) from None


# -- command line -------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mokmin.ledger.witness", description="mokmin ledger witness")
    commands = parser.add_subparsers(dest="command", required=True)
    keygen = commands.add_parser("keygen", help="make a witness key (type 0x04); print its verifier key")
    keygen.add_argument("--name", required=True)
    keygen.add_argument("--out", required=True, type=Path)
    serve = commands.add_parser("serve", help="serve POST /add-checkpoint")
    serve.add_argument("--state", required=True, type=Path)
    serve.add_argument("--key", required=True, type=Path, help="file with PRIVATE+KEY+... (type 0x04)")
    serve.add_argument("--log-key", required=True, action="append", help="a trusted log's verifier key")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    if args.command == "keygen":
        signer = Signer.generate(args.name, COSIGNATURE_V1)
        with atomic_file(args.out) as handle:
            handle.write(signer.to_string() + "\n")
        args.out.chmod(0o600)
        print(signer.verifier().to_string())
        return 0
    signer = Signer.from_string(args.key.read_text(encoding="ascii"))
    witness = Witness(signer, [Verifier.from_string(v) for v in args.log_key], args.state)
    server = make_server(witness, args.host, args.port)
    print(f"listening on http://{args.host}:{server.server_address[1]} as {signer.verifier().to_string()}",
          flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


__all__ = ["Witness", "format_request", "main", "make_server", "parse_request", "request_cosignature"]

if __name__ == "__main__":
    sys.exit(main())
