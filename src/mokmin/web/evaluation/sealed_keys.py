"""Server-held evaluator keys, for browsers without Ed25519 in WebCrypto (or pages served over plain HTTP,
where WebCrypto is not available at all).

The server makes the Ed25519 key and keeps only its 32-byte seed sealed under the evaluator's login password::

    key   = scrypt(password, salt, n=2**15, r=8, p=1, length=32)          (RFC 7914; salt 16 random bytes)
    token = AES-256-GCM(key, nonce 12 random bytes, seed, aad="mokmin-evaluation-key/v1")

stored as JSON ``{"v": 1, "kdf": "scrypt", "n", "r", "p", "salt", "nonce", "ct"}`` (base64). The password is
asked again for every signature and never stored; the database alone (or a backup) does not sign. This is
weaker than a browser-held key, since the server sees the password at each signature; the committee list shows
each member's key mode, and the ledger records it in ``committee_set``.
"""

from __future__ import annotations

import base64
import json
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from mokmin.errors import ErrorLocation, InputError

AAD = b"mokmin-evaluation-key/v1"
N, R, P = 2**15, 8, 1


def _derive(password: str, salt: bytes, n: int = N, r: int = R, p: int = P) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(password.encode("utf-8"))


def seal(key: Ed25519PrivateKey, password: str) -> str:
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    sealed = AESGCM(_derive(password, salt)).encrypt(nonce, seed, AAD)
    b64 = lambda data: base64.b64encode(data).decode("ascii")  # noqa: E731
    return json.dumps({"v": 1, "kdf": "scrypt", "n": N, "r": R, "p": P, "salt": b64(salt), "nonce": b64(nonce),
                       "ct": b64(sealed)})


def unseal(token: str, password: str) -> Ed25519PrivateKey:
    """The evaluator's key; InputError (field ``password``) when the password does not open it."""
    data = json.loads(token)
    try:
        key = _derive(password, base64.b64decode(data["salt"]), data["n"], data["r"], data["p"])
        seed = AESGCM(key).decrypt(base64.b64decode(data["nonce"]), base64.b64decode(data["ct"]), AAD)
    except InvalidTag:
        raise InputError("비밀번호가 맞지 않아 서명 키를 열 수 없습니다", "the password does not open the signing key",
                         location=ErrorLocation(field="password"), details={"reason": "wrong_password"}) from None
    return Ed25519PrivateKey.from_private_bytes(seed)


__all__ = ["seal", "unseal"]
