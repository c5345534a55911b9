"""A real OpenID Connect provider on loopback for the single sign-on tests, run in its own
process (``python -m tests.accounts.oidc_provider``; prints ``PORT <n>``), so that the
tests' frozen or moved clocks never touch it.

It is oidc-provider-mock (authlib's authorisation server: discovery, JWKS, authorisation
code flow, signed ID tokens, userinfo) with what an identity provider like Microsoft Entra
ID does and the mock does not (an error answer to a refused sign-in carries the state),
and two additions the tests need:
- PKCE is required (S256): an authorisation request without a challenge is refused, and a
  code is exchanged only with the verifier that matches its challenge (RFC 7636);
- ``POST /test/next-id-token`` makes the next ID token carry other claims (another
  audience, another issuer), re-signed with the provider's own key: a token meant for
  another application, as a misconfigured or hostile tenant could send.
``GET /test/requests`` lists the authorisation and token requests received (parameter
names, the PKCE method and whether a verifier came), for the tests to check the flow.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import flask
import oidc_provider_mock
import werkzeug.serving
from authlib.jose import jwt

TOKEN_MINUTES = 5


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def build_app() -> flask.Flask:
    app = oidc_provider_mock.app(access_token_max_age=timedelta(minutes=TOKEN_MINUTES))
    challenges: dict[str, str] = {}
    seen: list[dict] = []
    overrides: dict[str, object] = {}

    @app.before_request
    def require_pkce():
        request = flask.request
        if request.path == "/oauth2/authorize":
            if request.method == "GET":
                seen.append(
                    {
                        "endpoint": "authorize",
                        "params": sorted(request.args),
                        "code_challenge_method": request.args.get("code_challenge_method"),
                    }
                )
            if not request.args.get("code_challenge") or request.args.get("code_challenge_method") != "S256":
                return flask.jsonify(
                    error="invalid_request", error_description="PKCE (S256) is required"
                ), 400
        if request.path == "/oauth2/token" and request.form.get("grant_type") == "authorization_code":
            verifier = request.form.get("code_verifier", "")
            seen.append(
                {"endpoint": "token", "params": sorted(request.form), "verifier_sent": bool(verifier)}
            )
            challenge = challenges.pop(request.form.get("code", ""), None)
            if challenge is None or not verifier or s256(verifier) != challenge:
                return flask.jsonify(error="invalid_grant", error_description="PKCE verification failed"), 400
        return None

    @app.after_request
    def remember_challenge_and_override(response: flask.Response):
        request = flask.request
        if request.path == "/oauth2/authorize" and request.method == "POST" and response.status_code == 302:
            location = response.headers["Location"]
            answer = parse_qs(urlsplit(location).query)
            code = answer.get("code", [""])[0]
            if code:
                challenges[code] = request.args["code_challenge"]
            elif "error" in answer and "state" not in answer and request.args.get("state"):
                # RFC 6749 4.1.2.1: an error answer carries the state too (the mock leaves it out).
                response.headers["Location"] = location + "&" + urlencode({"state": request.args["state"]})
        if request.path == "/oauth2/token" and response.status_code == 200 and overrides:
            body = response.get_json()
            storage = flask.g.oidc_provider_mock_storage
            key = storage.jwk.as_dict(is_private=True)
            claims = dict(jwt.decode(body["id_token"], storage.jwk.as_dict()))
            claims.update(overrides)
            overrides.clear()
            header = {"alg": "RS256", "kid": key.get("kid")}
            body["id_token"] = jwt.encode(header, claims, key).decode()
            response.set_data(json.dumps(body))
        return response

    @app.post("/test/next-id-token")
    def next_id_token():
        overrides.update(flask.request.get_json())
        return "", 204

    @app.get("/test/requests")
    def requests_seen():
        return flask.jsonify(seen)

    return app


def main() -> None:
    server = werkzeug.serving.make_server("127.0.0.1", 0, build_app(), threaded=True)
    print(f"PORT {server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sys.stdout.flush()


if __name__ == "__main__":
    main()
