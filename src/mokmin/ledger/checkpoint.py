"""C2SP tlog-checkpoints (https://c2sp.org/tlog-checkpoint): the signed head of the ledger's Merkle tree.

Why: a checkpoint is the one small thing the log signs and witnesses cosign; everything else (every score, every
proof) is checked against it. The note text is::

    <origin>\\n                 non-empty; ours is a schema-less URL such as "mokmin.yeongdeungpo.go.kr/evaluation"
    <tree size>\\n              ASCII decimal, no leading zeroes ("0" for the empty tree)
    <base64(root hash)>\\n      the RFC 6962 root of the first <tree size> leaves, 32 bytes
    [<extension line>\\n ...]   optional, non-empty, opaque (not audited by witnesses)

signed as a :mod:`signed note <mokmin.ledger.note>` by the log's Ed25519 key (type 0x01), whose key name is the
origin, and then carrying witnesses' cosignatures (type 0x04) as extra signature lines.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass

from mokmin.errors import ErrorLocation, InputError, IntegrityError
from mokmin.ledger.merkle import HASH_SIZE
from mokmin.ledger.note import (
    COSIGNATURE_V1,
    ED25519,
    NoteSignature,
    OpenedNote,
    Signer,
    Verifier,
    check_text,
    open_note,
    sign_note,
)

MAX_TREE_SIZE = 2**63 - 1
_SIZE = re.compile(r"^(0|[1-9][0-9]{0,18})$")


def _malformed(reason: str, ko: str, en: str, value: object = None) -> InputError:
    return InputError(ko, en, location=ErrorLocation(field="checkpoint", value=value), details={"reason": reason})


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: which log (origin), how many leaves (size), and their root hash."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin:
            raise _malformed("bad_origin", "origin은 비어 있지 않은 한 줄이어야 합니다", "the origin is one non-empty line",
                             self.origin)
        if not isinstance(self.size, int) or not 0 <= self.size <= MAX_TREE_SIZE:
            raise _malformed("bad_size", "트리 크기가 잘못되었습니다", "invalid tree size", self.size)
        if not isinstance(self.root, bytes) or len(self.root) != HASH_SIZE:
            raise _malformed("bad_root", "루트 해시는 32바이트여야 합니다", "the root hash must be 32 bytes")
        if any(not line or "\n" in line for line in self.extensions):
            raise _malformed("bad_extension", "확장 줄은 비어 있지 않은 한 줄이어야 합니다",
                             "an extension line is one non-empty line")

    def body(self) -> str:
        """The note text that the log signs and the witnesses cosign."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode(), *self.extensions]
        return check_text("".join(line + "\n" for line in lines))

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse a checkpoint's note text (without the signatures)."""
        if not isinstance(text, str) or not text.endswith("\n"):
            raise _malformed("no_newline", "체크포인트 본문은 줄바꿈으로 끝나야 합니다", "a checkpoint text ends in a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise _malformed("too_short", "체크포인트는 최소 세 줄(origin, 크기, 루트)입니다",
                             "a checkpoint has at least three lines (origin, size, root)")
        origin, size_text, root_text, *extensions = lines
        if not _SIZE.match(size_text) or int(size_text) > MAX_TREE_SIZE:
            raise _malformed("bad_size", "트리 크기는 앞자리 0 없는 10진수여야 합니다",
                             "the tree size is a decimal without leading zeroes", size_text)
        try:
            root = base64.b64decode(root_text, validate=True)
        except (binascii.Error, ValueError):
            raise _malformed("bad_root", "루트 해시가 base64가 아닙니다", "the root hash is not base64",
                             root_text) from None
        return cls(origin=origin, size=int(size_text), root=root, extensions=tuple(extensions))


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint whose log signature verified, with the cosignatures that verified beside it."""

    checkpoint: Checkpoint
    note: OpenedNote
    message: str
    log_key: Verifier

    def cosignatures(self) -> tuple[NoteSignature, ...]:
        """The trusted witnesses' cosignatures that verified (every verified signature but the log's own)."""
        log = (self.log_key.name, self.log_key.key_id)
        return tuple(s for s in self.note.verified if (s.name, s.key_id) != log)

    @property
    def cosigners(self) -> tuple[str, ...]:
        """The names of the trusted witnesses whose cosignatures verified."""
        return tuple(s.name for s in self.cosignatures())


def sign_checkpoint(checkpoint: Checkpoint, log_signer: Signer) -> str:
    """The checkpoint as a signed note, signed by the log. The signer's name must be the origin."""
    if log_signer.name != checkpoint.origin or log_signer.signature_type != ED25519:
        raise _malformed("signer_not_origin", "로그 서명키의 이름은 origin과 같아야 합니다 (Ed25519)",
                         "the log's signing key must be an Ed25519 key named as the origin", log_signer.name)
    return sign_note(checkpoint.body(), [log_signer])


def add_signature_lines(message: str, lines: Iterable[str]) -> str:
    """Append signature lines (e.g. a witness's response) to a signed note."""
    extra = "".join(lines)
    if extra and not all(line.startswith("— ") for line in extra[:-1].split("\n")):
        raise _malformed("bad_signature_line", "서명 줄이 아닙니다", "not signature lines", extra[:40])
    return message + extra


def open_checkpoint(message: str | bytes, log_key: Verifier, *, witnesses: Iterable[Verifier] = (),
                    quorum: int = 0) -> SignedCheckpoint:
    """Verify a signed checkpoint: the log's signature, any trusted cosignatures, and at least ``quorum`` of them.

    Unknown signatures are ignored (the spec says so: they may be other witnesses). A trusted signature that fails
    to verify rejects the whole checkpoint.
    """
    if log_key.signature_type != ED25519:
        raise _malformed("bad_log_key", "로그 키는 Ed25519(0x01)여야 합니다", "the log key must be Ed25519 (0x01)")
    witness_keys = list(witnesses)
    if any(w.signature_type != COSIGNATURE_V1 for w in witness_keys):
        raise _malformed("bad_witness_key", "증인 키는 cosignature/v1(0x04)여야 합니다",
                         "witness keys must be cosignature/v1 (0x04)")
    opened = open_note(message, [log_key, *witness_keys])
    checkpoint = Checkpoint.parse(opened.text)
    if checkpoint.origin != log_key.name:
        raise IntegrityError(f"체크포인트의 origin({checkpoint.origin})이 로그 키({log_key.name})와 다릅니다",
                             f"the checkpoint's origin ({checkpoint.origin}) is not the log key's ({log_key.name})",
                             details={"reason": "origin_mismatch"})
    if not any(s.name == log_key.name and s.key_id == log_key.key_id for s in opened.verified):
        raise IntegrityError("로그의 서명이 없습니다", "the log's own signature is missing",
                             details={"reason": "no_log_signature", "origin": checkpoint.origin})
    text = message.decode("utf-8") if isinstance(message, bytes) else message
    signed = SignedCheckpoint(checkpoint=checkpoint, note=opened, message=text, log_key=log_key)
    if len(signed.cosigners) < quorum:
        raise IntegrityError(f"증인 연서명이 {quorum}개 필요한데 {len(signed.cosigners)}개뿐입니다",
                             f"{quorum} witness cosignatures needed, only {len(signed.cosigners)} verified",
                             details={"reason": "no_quorum", "cosigners": list(signed.cosigners)})
    return signed


__all__ = [
    "Checkpoint",
    "SignedCheckpoint",
    "add_signature_lines",
    "open_checkpoint",
    "sign_checkpoint",
]
