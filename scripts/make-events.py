#!/usr/bin/env python3
"""Writes the sample API Gateway events in events/.

Each event is a REST API (payload 1.0) or HTTP API (payload 2.0) request as
API Gateway hands it to a function. They refer to the people of the demo
data set (`make dev` seeds it), and their tokens are signed with the
development key and expire in 2100, so they work with `sam local invoke`,
`cargo lambda invoke` and the tests without editing.

Run it from the repository root after `cargo build -p devtools`:
    python3 scripts/make-events.py
"""

import base64
import json
import subprocess
from pathlib import Path

EXPIRES_AT = "4102444800"  # 2100-01-01T00:00:00Z
MINT = ["target/debug/mint-token"]

ADA = "ada.lovelace0@example.com"  # demo person 0, profile BraveOtterSings
NEWCOMER = "newcomer@example.com"  # a member without a profile
ADA_ID = "BraveOtterSings"
CONNECTED_ID = "SixOtterSort"  # demo person 1, connected to Ada in the demo set
STRANGER_ID = "QuietCometSings"  # demo person 20, not connected to Ada
OTHER_STRANGER_ID = "BrightCometGlows"  # demo person 23, not connected to Ada

tokens = {}


def token(email, expires_at=EXPIRES_AT):
    key = (email, expires_at)
    if key not in tokens:
        output = subprocess.check_output(MINT + [email, "--expires-at", expires_at], text=True)
        tokens[key] = output.strip()
    return tokens[key]


def rest_event(method, path, resource, email=ADA, body=None, query=None, path_parameters=None,
               headers=None, stage="prod", base64_body=False, expires_at=EXPIRES_AT):
    all_headers = {
        "Accept": "application/json",
        "Host": "abc123defg.execute-api.us-west-2.amazonaws.com",
        "Origin": "https://app.example.com",
        "User-Agent": "Mozilla/5.0",
        "X-Forwarded-Proto": "https",
    }
    if email is not None:
        all_headers["Authorization"] = "Bearer " + token(email, expires_at)
    if body is not None:
        all_headers["Content-Type"] = "application/json"
    all_headers.update(headers or {})
    encoded = body
    if body is not None and base64_body:
        encoded = base64.b64encode(body.encode()).decode()
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {name: [value] for name, value in all_headers.items()},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123defg",
            "domainName": "abc123defg.execute-api.us-west-2.amazonaws.com",
            "httpMethod": method,
            "identity": {"sourceIp": "203.0.113.10", "userAgent": "Mozilla/5.0"},
            "path": f"/{stage}{path}",
            "protocol": "HTTP/1.1",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "requestTimeEpoch": 1768928400000,
            "resourceId": "abc123",
            "resourcePath": resource,
            "stage": stage,
        },
        "body": encoded,
        "isBase64Encoded": base64_body,
    }


def http_event(method, raw_path, route_key, email=ADA, body=None, raw_query="", path_parameters=None,
               stage="$default", base64_body=False, headers=None):
    all_headers = {
        "accept": "application/json",
        "host": "abc123defg.execute-api.us-west-2.amazonaws.com",
        "origin": "https://app.example.com",
        "user-agent": "Mozilla/5.0",
        "x-forwarded-proto": "https",
    }
    if email is not None:
        all_headers["authorization"] = "Bearer " + token(email)
    if body is not None:
        all_headers["content-type"] = "application/json"
    all_headers.update(headers or {})
    event = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": raw_query,
        "headers": all_headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123defg",
            "domainName": "abc123defg.execute-api.us-west-2.amazonaws.com",
            "domainPrefix": "abc123defg",
            "http": {
                "method": method,
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.10",
                "userAgent": "Mozilla/5.0",
            },
            "requestId": "JKJaXmPLvHcESHA=",
            "routeKey": route_key,
            "stage": stage,
            "time": "20/Jan/2026:17:00:00 +0000",
            "timeEpoch": 1768928400000,
        },
        "isBase64Encoded": base64_body,
    }
    if raw_query:
        event["queryStringParameters"] = dict(pair.split("=", 1) for pair in raw_query.split("&"))
    if path_parameters:
        event["pathParameters"] = path_parameters
    if body is not None:
        event["body"] = base64.b64encode(body.encode()).decode() if base64_body else body
    return event


def connect_body(profile_id, event_type="CONNECTION"):
    return json.dumps({"eventType": event_type, "eventParam": profile_id})


def write(name, event):
    path = Path("events") / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(event, indent=2) + "\n")


def create_events():
    post = lambda **kw: rest_event("POST", "/interactions", "/interactions", **kw)
    write("create-interaction/rest-new-connection.json", post(body=connect_body(STRANGER_ID)))
    write("create-interaction/http-new-connection.json",
          http_event("POST", "/interactions", "POST /interactions", body=connect_body(STRANGER_ID)))
    write("create-interaction/rest-already-connected.json", post(body=connect_body(CONNECTED_ID)))
    write("create-interaction/http-already-connected.json",
          http_event("POST", "/interactions", "POST /interactions", body=connect_body(CONNECTED_ID)))
    write("create-interaction/rest-unknown-profile.json", post(body=connect_body("NoSuchProfile")))
    write("create-interaction/rest-self-connection.json", post(body=connect_body(ADA_ID)))
    write("create-interaction/rest-caller-without-profile.json",
          post(email=NEWCOMER, body=connect_body(CONNECTED_ID)))
    write("create-interaction/rest-invalid-profile-id.json", post(body=connect_body("six vans#sort")))
    write("create-interaction/rest-missing-event-param.json",
          post(body=json.dumps({"eventType": "CONNECTION"})))
    write("create-interaction/rest-unsupported-event-type.json",
          post(body=connect_body(STRANGER_ID, event_type="QUEST")))
    write("create-interaction/rest-malformed-json.json", post(body='{"eventType": "CONNECTION",'))
    write("create-interaction/rest-missing-token.json", post(email=None, body=connect_body(STRANGER_ID)))
    write("create-interaction/rest-expired-token.json",
          post(body=connect_body(STRANGER_ID), expires_at="1700000000"))
    write("create-interaction/http-base64-body.json",
          http_event("POST", "/interactions", "POST /interactions",
                     body=connect_body(OTHER_STRANGER_ID), base64_body=True))
    write("create-interaction/http-stage-prefix-trailing-slash.json",
          http_event("POST", "/prod/interactions/", "POST /interactions",
                     body=connect_body(OTHER_STRANGER_ID), stage="prod"))
    write("create-interaction/http-preflight.json",
          http_event("OPTIONS", "/interactions", "OPTIONS /interactions", email=None,
                     headers={"access-control-request-method": "POST"}))


def journal_events():
    get = lambda **kw: rest_event("GET", "/interactions/journal", "/interactions/journal", **kw)
    write("get-journal/rest-journal.json", get())
    write("get-journal/http-journal.json",
          http_event("GET", "/interactions/journal", "GET /interactions/journal"))
    write("get-journal/rest-event-filter.json", get(query={"eventId": "blueprint", "year": "2026"}))
    write("get-journal/http-event-filter.json",
          http_event("GET", "/interactions/journal", "GET /interactions/journal",
                     raw_query="eventId=blueprint&year=2026"))
    write("get-journal/rest-unknown-event.json", get(query={"eventId": "no-such-event", "year": "2026"}))
    write("get-journal/rest-event-without-year.json", get(query={"eventId": "blueprint"}))
    write("get-journal/rest-non-numeric-year.json", get(query={"eventId": "blueprint", "year": "next"}))
    write("get-journal/rest-caller-without-profile.json", get(email=NEWCOMER))
    write("get-journal/rest-quests-gone.json",
          rest_event("GET", "/interactions/quests", "/interactions/quests"))
    write("get-journal/http-quests-gone.json",
          http_event("GET", "/interactions/quests", "GET /interactions/quests"))


def check_events():
    resource = "/interactions/journal/{id}"

    def get(profile_id, path_segment=None, **kw):
        # API Gateway passes the path percent-encoded and pathParameters decoded.
        segment = path_segment or profile_id
        return rest_event("GET", f"/interactions/journal/{segment}", resource,
                          path_parameters={"id": profile_id}, **kw)

    write("check-connection/rest-connected.json", get(CONNECTED_ID))
    write("check-connection/http-connected.json",
          http_event("GET", f"/interactions/journal/{CONNECTED_ID}", "GET /interactions/journal/{id}",
                     path_parameters={"id": CONNECTED_ID}))
    write("check-connection/rest-not-connected.json", get(OTHER_STRANGER_ID))
    write("check-connection/rest-self.json", get(ADA_ID))
    write("check-connection/rest-invalid-id.json", get("not an#id", path_segment="not%20an%23id"))
    write("check-connection/rest-caller-without-profile.json", get(CONNECTED_ID, email=NEWCOMER))
    write("check-connection/http-path-without-parameters.json",
          http_event("GET", f"/interactions/journal/{CONNECTED_ID}", "$default"))


if __name__ == "__main__":
    create_events()
    journal_events()
    check_events()
