"""The log's signed checkpoints, the witnesses' cosignatures, and the export bundle.

* **The log key** is an Ed25519 C2SP note signer named after ``MOKMIN_LEDGER_ORIGIN``, in
  ``$MOKMIN_KEY_DIR/ledger-log.note-key`` (mode 0600), made on first use, like the other keys kept outside the
  database: whoever can write the database cannot sign a checkpoint.
* **After every write batch** the writing transaction signs a checkpoint of the new size (:func:`sign_latest`),
  and once it commits the configured witnesses are asked to cosign it (:func:`cosign`): each gets the consistency
  proof from the size it last cosigned (its reply to ``old`` when it says another size). Each answer is a
  :class:`~.models.WitnessReply` row: the cosignature line, or the refusal with its reason, shown to
  administrators on the ledger page. Nothing is swallowed: an unreachable witness is a refusal of its own kind.
* **The bundle** (:func:`bundle`) is :func:`mokmin.ledger.bundle.build_bundle` of every stored entry and of the
  checkpoints that reached the witness quorum (the last one always, witnessed or not, so that the verifier says
  so), each with its cosignatures appended.
"""

from __future__ import annotations

import contextlib
import json
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from mokmin.atomic import atomic_file
from mokmin.errors import ConfigError, InputError, IntegrityError, MokminError
from mokmin.ledger.bundle import FORMAT, build_bundle
from mokmin.ledger.checkpoint import Checkpoint as CheckpointBody
from mokmin.ledger.checkpoint import add_signature_lines, open_checkpoint, sign_checkpoint
from mokmin.ledger.note import COSIGNATURE_V1, Signer, Verifier
from mokmin.ledger.witness import request_cosignature
from mokmin.web.evaluation.ledger_store import DjangoLeafStore, lock_head
from mokmin.web.evaluation.models import Checkpoint, WitnessKey, WitnessReply

KEY_FILE = "ledger-log.note-key"
TIMEOUT = 10.0


def log_signer() -> Signer:
    """The log's signer (created on first use; a ConfigError if the key file names another origin)."""
    config = settings.MOKMIN_CONFIG
    path = Path(config.key_dir) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(Signer.generate(config.ledger_origin).to_string() + "\n")
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile: keep theirs
            os.link(tmp, path)
        os.unlink(tmp)
    signer = Signer.from_string(path.read_text(encoding="ascii"))
    if signer.name != config.ledger_origin:
        raise ConfigError("MOKMIN_LEDGER_ORIGIN", config.ledger_origin,
                          f"로그 키({path})의 이름은 {signer.name}입니다 / the log key in {path} is named {signer.name}")
    return signer


def log_key() -> Verifier:
    return log_signer().verifier()


def quorum() -> int:
    config = settings.MOKMIN_CONFIG
    count = len(config.ledger_witnesses)
    return count if config.ledger_witness_quorum is None else min(config.ledger_witness_quorum, count)


@transaction.atomic
def sign_latest(store: DjangoLeafStore | None = None) -> Checkpoint:
    """A checkpoint of the log's current size, signed by the log (the existing one if that size is signed).

    The log signs only a log that extends its last checkpoint: if the stored entries no longer give that
    checkpoint's root (someone edited the database directly), it refuses with an IntegrityError instead of
    signing over the change.
    """
    store = store or DjangoLeafStore()
    lock_head()
    tree = store.tree()
    last = Checkpoint.objects.order_by("-size", "-id").first()
    if last is not None and (tree.size < last.size or tree.root(last.size).hex() != last.root):
        raise IntegrityError(f"저장된 원장이 마지막 체크포인트(크기 {last.size})와 맞지 않아 서명하지 않습니다 (데이터베이스 직접 수정)",
                             f"the stored log does not match its last checkpoint (size {last.size}): not signing "
                             f"(the database was edited directly)", details={"reason": "store_mismatch",
                                                                              "size": last.size})
    if last is not None and last.size == tree.size:
        return last
    note = sign_checkpoint(CheckpointBody(origin=settings.MOKMIN_CONFIG.ledger_origin, size=tree.size,
                                          root=tree.root()), log_signer())
    return Checkpoint.objects.create(size=tree.size, root=tree.root().hex(), note=note)


def after_write() -> Checkpoint:
    """Sign the new size now, in the writing transaction; ask the witnesses once it commits."""
    checkpoint = sign_latest()
    if settings.MOKMIN_CONFIG.ledger_witnesses:
        transaction.on_commit(lambda: cosign(checkpoint))
    return checkpoint


def signed_note(checkpoint: Checkpoint) -> str:
    """The checkpoint's note with every cosignature it received."""
    lines = [reply.line for reply in checkpoint.replies.filter(ok=True).order_by("id")]
    return add_signature_lines(checkpoint.note, lines)


def witness_key(url: str) -> Verifier:
    """The witness's verifier key: pinned on first contact (``GET /key``), the pinned one afterwards."""
    pinned = WitnessKey.objects.filter(url=url).first()
    if pinned is not None:
        return Verifier.from_string(pinned.vkey)
    with urllib.request.urlopen(url.rstrip("/") + "/key", timeout=TIMEOUT) as response:
        key = Verifier.from_string(response.read().decode("ascii").strip())
    if key.signature_type != COSIGNATURE_V1:
        raise IntegrityError("증인 키가 cosignature/v1이 아닙니다", "the witness key is not cosignature/v1",
                             details={"reason": "bad_witness_key", "witness": url})
    WitnessKey.objects.get_or_create(url=url, defaults={"name": key.name, "vkey": key.to_string()})
    return key


def witness_keys() -> list[Verifier]:
    urls = settings.MOKMIN_CONFIG.ledger_witnesses
    pinned = {w.url: w for w in WitnessKey.objects.filter(url__in=urls)}
    return [Verifier.from_string(pinned[url].vkey) for url in urls if url in pinned]


def _last_cosigned(url: str) -> int:
    return WitnessReply.objects.filter(url=url, ok=True).aggregate(top=Max("checkpoint__size"))["top"] or 0


def _ask(url: str, checkpoint: Checkpoint, tree) -> str:
    key = witness_key(url)
    old = min(_last_cosigned(url), checkpoint.size)
    for _attempt in range(2):
        proof = tree.consistency_proof(old, checkpoint.size) if 0 < old < checkpoint.size else []
        try:
            line = request_cosignature(url, old, proof, checkpoint.note, timeout=TIMEOUT)
            break
        except MokminError as exc:
            told = exc.details.get("size")
            if exc.details.get("status") != 409 or told is None or told == old or told > checkpoint.size:
                raise
            old = told  # the witness knows another size of ours: prove consistency from there
    open_checkpoint(add_signature_lines(checkpoint.note, [line]), log_key(), witnesses=[key], quorum=1)
    return line


REASONS = {400: "malformed", 403: "bad_log_signature", 404: "unknown_log", 409: "same_size_different_root",
           422: "inconsistent"}
"""The witness's refusal by HTTP status (C2SP tlog-witness; 409 with a size was retried in :func:`_ask`)."""


def _reason(exc: MokminError) -> str:
    return str(exc.details.get("reason") or REASONS.get(exc.details.get("status"), exc.code))


def cosign(checkpoint: Checkpoint) -> list[WitnessReply]:
    """Ask every configured witness to cosign ``checkpoint``; store and return each answer."""
    tree = DjangoLeafStore().tree()
    replies = []
    for url in settings.MOKMIN_CONFIG.ledger_witnesses:
        try:
            replies.append(WitnessReply.objects.create(checkpoint=checkpoint, url=url, ok=True,
                                                       line=_ask(url, checkpoint, tree)))
        except MokminError as exc:
            replies.append(WitnessReply.objects.create(
                checkpoint=checkpoint, url=url, ok=False, reason=_reason(exc),
                status=exc.details.get("status"), message_ko=exc.message_ko, message_en=exc.message_en))
        except (OSError, urllib.error.URLError, ValueError) as exc:
            replies.append(WitnessReply.objects.create(
                checkpoint=checkpoint, url=url, ok=False, reason="unreachable",
                message_ko=f"증인에 연결할 수 없습니다: {exc}", message_en=f"the witness cannot be reached: {exc}"))
    return replies


def exported_checkpoints() -> list[Checkpoint]:
    """The checkpoints the bundle lists: those with a quorum of cosignatures, and the last one."""
    rows = list(Checkpoint.objects.prefetch_related("replies").order_by("size", "id"))
    needed = quorum()
    chosen = [c for c in rows[:-1] if sum(1 for r in c.replies.all() if r.ok) >= needed]
    return chosen + rows[-1:]


def _contents() -> tuple[list[dict[str, Any]], list[str]]:
    """(entries, signed checkpoints) of the bundle. A checkpoint of the current size is signed first, unless the
    stored log no longer matches the last one: then what is stored is exported as it is, for the verifier to
    name what changed."""
    try:
        latest = sign_latest()
    except IntegrityError:
        latest = None
    if latest is not None and settings.MOKMIN_CONFIG.ledger_witnesses and not latest.replies.filter(ok=True).exists():
        cosign(latest)
    return _stored()


def _stored() -> tuple[list[dict[str, Any]], list[str]]:
    entries = [{"index": leaf.index, "time": leaf.time, "kind": leaf.kind, "payload": leaf.value()}
               for leaf in DjangoLeafStore().read()]
    return entries, [signed_note(c) for c in exported_checkpoints()]


def _assemble(entries: list[dict[str, Any]], checkpoints: list[str]) -> dict[str, Any]:
    key, witnesses = log_key(), witness_keys()
    try:
        return build_bundle(entries, checkpoints, log_key=key, witness_keys=witnesses)
    except InputError:  # fewer entries than a checkpoint covers: no proofs can be made; the verifier says why
        return {"format": FORMAT, "origin": key.name, "log_key": key.to_string(),
                "witness_keys": [w.to_string() for w in witnesses], "entries": entries, "checkpoints": checkpoints,
                "proofs": []}


def bundle() -> dict[str, Any]:
    """The export bundle of the whole log."""
    return _assemble(*_contents())


def export(path: str | Path) -> dict[str, Any]:
    """Write the bundle to ``path`` atomically; a short summary for the command line."""
    data = bundle()
    with atomic_file(path) as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    return {"file": str(path), "entries": len(data["entries"]), "checkpoints": len(data["checkpoints"]),
            "proofs": len(data["proofs"]), "origin": data["origin"], "witnesses": len(data["witness_keys"]),
            "quorum": quorum()}


def public_bundle() -> dict[str, Any]:
    """The bundle as the log stands, with no signing and no witness calls (for a public GET)."""
    return _assemble(*_stored())


__all__ = [
    "after_write",
    "bundle",
    "cosign",
    "export",
    "exported_checkpoints",
    "log_key",
    "log_signer",
    "public_bundle",
    "quorum",
    "sign_latest",
    "signed_note",
    "witness_keys",
]
