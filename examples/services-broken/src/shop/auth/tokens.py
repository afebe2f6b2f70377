import jwt
from cryptography.fernet import Fernet


def verify(token: str, key: str) -> dict[str, object]:
    return dict(jwt.decode(token, key, algorithms=["HS256"]))


def seal(data: bytes, key: bytes) -> bytes:
    return Fernet(key).encrypt(data)
