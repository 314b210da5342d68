"""A citizen proposer's name and contact, sealed; and the keyed pseudonym of a submitter's address.

Sealed with Fernet (AES-128-CBC + HMAC-SHA256) under the key ``proposal-contacts`` kept in MOKMIN_KEY_DIR, outside
the database: a dump or a backup alone does not reveal who proposed what. Only a masked name
(:func:`mokmin.privacy.mask_name`, 김*수) is kept in clear for lists. Unsealing is for the proposal's reviewers and
every unsealing is written to the access log by the view that asks for it.

The rate limit of the public page counts submissions per client address without storing the address: it keeps
``HMAC(proposal-submitters key, ip)`` truncated to 16 hex digits, which cannot be enumerated without the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from mokmin.errors import ConfigError
from mokmin.keys import load_key

KEY_NAME = "proposal-contacts"
SUBMITTER_KEY = "proposal-submitters"


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(load_key(settings.MOKMIN_CONFIG.key_dir, KEY_NAME)[:32]))


def seal(name: str, contact: str) -> str:
    payload = json.dumps({"name": name, "contact": contact}, ensure_ascii=False).encode("utf-8")
    return _fernet().encrypt(payload).decode("ascii")


def unseal(token: str) -> dict[str, str]:
    """``{"name", "contact"}`` of a sealed token (empty strings for a staff proposal's empty token)."""
    if not token:
        return {"name": "", "contact": ""}
    try:
        return json.loads(_fernet().decrypt(token.encode("ascii")))
    except (InvalidToken, ValueError):
        raise ConfigError(KEY_NAME, "<sealed>", "저장된 제안자 연락처를 풀 수 없습니다(키가 바뀌었나요?) / "
                                                "the stored contact cannot be decrypted (was the key replaced?)") \
            from None


def submitter_key(ip: str) -> str:
    key = load_key(settings.MOKMIN_CONFIG.key_dir, SUBMITTER_KEY)
    return hmac.new(key, ip.encode("utf-8"), hashlib.sha256).hexdigest()[:16]
