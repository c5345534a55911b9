"""Secrets for addresses that work without signing in (calendar feeds): random, shown
once, stored only as their SHA-256, so neither a leaked database nor a known SECRET_KEY
reveals or forges one."""

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
