"""Discord's published OpenAPI spec as a second referee for the fake.

Every request body the bot sends is checked against the operation's request schema (and its query
parameters against theirs), and every response the fake builds against the response schema for its
status. The spec (``spec/openapi.json``, MIT, Discord's own) is read once per process into a
jsonschema-rs registry; each schema is compiled the first time an operation needs it and kept.

jsonschema-rs rather than openapi-core or jsonschema+referencing: measured on this 1.2 MB spec, a
callback body took 25-35 ms to check with openapi-core and 10-20 ms with jsonschema, against
about 0.03 ms here. The fake shares its event loop with the bot, so that time would land in the
bot's measured latencies.

The documented limits in ``rules.py`` stay: where the documentation is stricter than the spec
(2,000 characters of content, a footer's text), the documentation wins.

Departures accepted, each with its reason (``LENIENCIES``): what discord.py sends and Discord
accepts, where the spec's own notes say it is under-specified.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema_rs

SPEC_PATH = Path(__file__).with_name("spec") / "openapi.json"
_BASE = "urn:discord-openapi"
MESSAGE_MAX = 300  # a validator message quotes the instance; keep a 400 body readable
INSTANCE_MAX = 60

# A validator's error kind, by its class name, as the code Discord puts in an Invalid Form Body error.
_CODES = {
    "MaxLength": "BASE_TYPE_MAX_LENGTH",
    "MaxItems": "BASE_TYPE_MAX_LENGTH",
    "MinLength": "BASE_TYPE_MIN_LENGTH",
    "MinItems": "BASE_TYPE_MIN_LENGTH",
    "Required": "BASE_TYPE_REQUIRED",
    "Type": "BASE_TYPE_BAD_TYPE",
    "Enum": "BASE_TYPE_CHOICES",
    "Constant": "BASE_TYPE_CHOICES",
    "Maximum": "NUMBER_TYPE_MAX",
    "Minimum": "NUMBER_TYPE_MIN",
    "Pattern": "STRING_TYPE_REGEX",
    "Format": "STRING_TYPE_FORMAT",
}


@dataclass(frozen=True)
class SpecProblem:
    """One place where a body departs from the spec: its JSON path, a Discord-style code, the message."""

    path: tuple[str | int, ...]
    code: str
    message: str
    schema_path: tuple[str | int, ...] = ()
    allowed: tuple[Any, ...] = field(default=(), compare=False)  # an enum's or const's values
    value: Any = field(default=None, compare=False)  # the value refused, where ``allowed`` says what fits

    def __str__(self) -> str:
        where = "/".join(str(p) for p in self.path) or "(body)"
        return f"{where}: {self.message}"


@dataclass
class SpecViolation:
    """A request or response that the spec refuses, as recorded for the whole test session."""

    direction: str  # "request" or "response"
    method: str
    path: str
    status: int | None
    problems: list[SpecProblem]
    body: Any = None


@dataclass
class SpecLog:
    """What the spec checked in this process: counts, time spent and every violation."""

    requests: int = 0
    responses: int = 0
    seconds: float = 0.0
    expected: int = 0  # violations sent on purpose by tests that check the refusals
    violations: list[SpecViolation] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"OpenAPI spec: {self.requests} requests and {self.responses} responses validated "
            f"in {self.seconds:.3f} s; {len(self.violations)} violations, "
            f"{len(self.violations) - self.expected} of them not sent on purpose"
        )


SESSION = SpecLog()


def _escape(part: str) -> str:
    """One JSON-pointer token, percent-encoded where a URI fragment can't hold the character."""
    token = part.replace("~", "~0").replace("/", "~1")
    return urllib.parse.quote(token, safe="!$&'()*+,;=:@")


@functools.cache
def _pointer(*parts: str) -> str:
    return _BASE + "#/" + "/".join(_escape(p) for p in parts)


@dataclass(frozen=True)
class Operation:
    """One operation of the spec: its path template, method, and how to match a concrete path."""

    template: str
    method: str
    pattern: re.Pattern[str]
    literals: int  # literal segments, so /messages/@original wins over /messages/{message_id}
    spec: dict[str, Any] = field(compare=False, repr=False)


def _operations(spec: dict[str, Any]) -> list[Operation]:
    out = []
    for template, item in spec["paths"].items():
        regex = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        literals = sum(1 for seg in template.split("/") if seg and not seg.startswith("{"))
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                out.append(Operation(template, method, re.compile(regex), literals, operation))
    out.sort(key=lambda op: -op.literals)
    return out


def _head(path: str) -> str:
    return path.lstrip("/").split("/", 1)[0]


def _parameter_value(raw: str, schema: dict[str, Any]) -> Any:
    """A query string value read as its schema's type (Discord reads "1" and "true" as true)."""
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "boolean" in kinds:
        lowered = raw.lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
    if "integer" in kinds and re.fullmatch(r"-?\d+", raw):
        return int(raw)
    return raw


# -- departures accepted, each with why ---------------------------------------------------------


def _as_string(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _message_snowflakes(body: Any) -> Any:
    # discord.py sends some snowflakes as JSON integers: a reply's message_reference (message_id,
    # channel_id, guild_id, from Message.to_message_reference_dict) and a new attachment's id (the
    # index n of its files[n] part). Discord reads a snowflake from a JSON integer as from a string
    # (its docs give an attachment's id as that index; discord.py's replies and uploads work against
    # the real API), while the spec types both as strings. Accepted: read as decimal strings first.
    if not isinstance(body, dict):
        return body
    out = dict(body)
    reference = body.get("message_reference")
    if isinstance(reference, dict):
        out["message_reference"] = {
            k: _as_string(v) if k in ("message_id", "channel_id", "guild_id") else v
            for k, v in reference.items()
        }
    attachments = body.get("attachments")
    if isinstance(attachments, list):
        out["attachments"] = [
            {**a, "id": _as_string(a.get("id"))} if isinstance(a, dict) and "id" in a else a
            for a in attachments
        ]
    return out


def _callback_snowflakes(body: Any) -> Any:
    if isinstance(body, dict) and isinstance(body.get("data"), dict):
        return {**body, "data": _message_snowflakes(body["data"])}
    return body


def _command_permissions(body: Any) -> Any:
    # Discord's documentation gives default_member_permissions as a string (a permission bit set in
    # decimal); the spec types it as an integer, one of the "int-parseable strings typed as ints" its
    # own notes admit. discord.py 2.7 sends an integer; a bot that sends the documented string is
    # right too. Accepted: a decimal string is read as its integer before the check.
    def fixed(command: Any) -> Any:
        value = command.get("default_member_permissions") if isinstance(command, dict) else None
        if isinstance(value, str) and value.isdigit():
            return {**command, "default_member_permissions": int(value)}
        return command

    return [fixed(c) for c in body] if isinstance(body, list) else fixed(body)


_MESSAGE_REQUESTS = {
    ("post", "/channels/{channel_id}/messages"),
    ("patch", "/channels/{channel_id}/messages/{message_id}"),
    ("post", "/webhooks/{webhook_id}/{webhook_token}"),
    ("patch", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"),
    ("patch", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"),
}
_COMMAND_REQUESTS = {
    ("put", "/applications/{application_id}/commands"),
    ("put", "/applications/{application_id}/guilds/{guild_id}/commands"),
    ("post", "/applications/{application_id}/commands"),
    ("post", "/applications/{application_id}/guilds/{guild_id}/commands"),
    ("patch", "/applications/{application_id}/commands/{command_id}"),
    ("patch", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}"),
}
LENIENCIES: dict[tuple[str, str], Callable[[Any], Any]] = {
    **{key: _message_snowflakes for key in _MESSAGE_REQUESTS},
    ("post", "/interactions/{interaction_id}/{interaction_token}/callback"): _callback_snowflakes,
    **{key: _command_permissions for key in _COMMAND_REQUESTS},
}


# -- the checker ---------------------------------------------------------------------------------


def _kind_name(error: Any) -> str:
    return type(error.kind).__name__


def _problem(error: Any) -> SpecProblem:
    message = error.message
    quoted = json.dumps(error.instance, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    if len(quoted) > INSTANCE_MAX and quoted in message:  # the value itself, shortened; the why kept whole
        message = message.replace(quoted, quoted[: INSTANCE_MAX - 1] + "…")
    if len(message) > MESSAGE_MAX:
        message = message[: MESSAGE_MAX - 1] + "…"
    kind = _kind_name(error)
    allowed = (
        error.kind.options if kind == "Enum" else [error.kind.expected_value] if kind == "Constant" else []
    )
    return SpecProblem(
        path=tuple(error.instance_path),
        code=_CODES.get(kind, "SPEC_INVALID"),
        message=message,
        schema_path=tuple(error.schema_path),
        allowed=tuple(allowed),
        value=error.instance if allowed else None,
    )


def _explain(error: Any) -> list[SpecProblem]:
    """The problems that say why: inside an anyOf/oneOf, those of the branch the body was meant for.

    The spec's unions are told apart by a constant "type" (of a component, a callback, an option): a
    branch that refuses the body's "type" was meant for another kind of body. Of the others, the one
    with the fewest complaints, then the one that got deepest. If every branch refuses the "type" (or
    the union is one of constants, an enum), that is the problem, with every value the union takes.
    """
    context = getattr(error.kind, "context", None)
    if not context:
        return [_problem(error)]
    branches = [[p for e in branch for p in _explain(e)] for branch in context if branch]
    if not branches:
        return [_problem(error)]

    def misses(branch: list[SpecProblem]) -> list[SpecProblem]:
        root = min(len(p.path) for p in branch)
        return [p for p in branch if p.allowed and p.path[-1:] == ("type",) and len(p.path) <= root + 1]

    constants = all(len(b) == 1 and b[0].allowed and b[0].path == branches[0][0].path for b in branches)
    meant = [b for b in branches if not misses(b)]
    if meant and not constants:  # (a union of constants is an enum: say which values it takes)
        return max(meant, key=lambda b: (-len(b), max(len(p.path) for p in b)))
    wrong = branches[0][0] if constants else misses(branches[0])[0]
    values = {json.dumps(v): v for b in branches for p in (b if constants else misses(b)) for v in p.allowed}
    allowed = sorted(values.values(), key=lambda v: (not isinstance(v, int), v if isinstance(v, int) else 0))
    message = f"{json.dumps(wrong.value)} is not one of {', '.join(json.dumps(v) for v in allowed)}"
    return [
        SpecProblem(wrong.path, "BASE_TYPE_CHOICES", message, wrong.schema_path, tuple(allowed), wrong.value)
    ]


class DiscordSpec:
    """Discord's OpenAPI document, with a compiled validator per schema as operations need them."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.version = spec.get("info", {}).get("version")
        self._registry = jsonschema_rs.Registry([(_BASE, spec)])
        # operations by method and first segment: a request is matched against a handful, not all ~230
        self._operations: dict[tuple[str, str], list[Operation]] = {}
        for operation in _operations(spec):
            self._operations.setdefault((operation.method, _head(operation.template)), []).append(operation)
        self._validators: dict[str, Any] = {}

    @classmethod
    def load(cls, path: Path = SPEC_PATH) -> DiscordSpec:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def operation(self, method: str, path: str) -> Operation | None:
        for operation in self._operations.get((method.lower(), _head(path)), []):
            if operation.pattern.match(path):
                return operation
        return None

    def _validator(self, pointer: str) -> Any:
        validator = self._validators.get(pointer)
        if validator is None:
            validator = jsonschema_rs.validator_for(
                {"$ref": pointer}, registry=self._registry, validate_formats=True
            )
            self._validators[pointer] = validator
        return validator

    def _check(self, pointer: str, instance: Any, prefix: tuple[str | int, ...] = ()) -> list[SpecProblem]:
        validator = self._validator(pointer)
        if validator.is_valid(instance):  # the usual case, and several times faster than collecting errors
            return []
        problems = []
        for error in validator.iter_errors(instance):
            for problem in _explain(error):
                problems.append(dataclasses.replace(problem, path=(*prefix, *problem.path)))
        return problems

    def check_request(
        self, method: str, path: str, query: dict[str, str], body: Any, *, has_body: bool
    ) -> list[SpecProblem]:
        """Problems with a request (its JSON body, or a multipart's payload_json, and its query)."""
        operation = self.operation(method, path)
        if operation is None:
            return [SpecProblem((), "UNKNOWN_ROUTE", f"{method} {path} is not an operation of the spec")]
        base = ("paths", operation.template, operation.method)
        problems: list[SpecProblem] = []
        for index, parameter in enumerate(operation.spec.get("parameters", [])):
            name = parameter.get("name")
            if parameter.get("in") == "query" and name in query:  # Discord ignores parameters it doesn't know
                value = _parameter_value(query[name], parameter.get("schema", {}))
                problems += self._check(
                    _pointer(*base, "parameters", str(index), "schema"), value, ("?" + name,)
                )
        content = operation.spec.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            if has_body or operation.spec["requestBody"].get("required"):
                lenient = LENIENCIES.get((operation.method, operation.template))
                instance = lenient(body) if lenient is not None else body
                problems += self._check(
                    _pointer(*base, "requestBody", "content", "application/json", "schema"), instance
                )
        return problems

    def check_response(
        self, method: str, path: str, status: int, body: Any, *, has_body: bool
    ) -> list[SpecProblem]:
        """Problems with a response the fake built: its status must be one the operation declares, and
        its JSON body must match that status's schema (error statuses are Discord's error format)."""
        operation = self.operation(method, path)
        if operation is None or status >= 400:
            return []
        responses = operation.spec.get("responses", {})
        key = str(status) if str(status) in responses else f"{str(status)[0]}XX"
        if key not in responses:
            return [
                SpecProblem((), "UNDECLARED_STATUS", f"{method} {operation.template} never answers {status}")
            ]
        content = responses[key].get("content") or {}
        if "application/json" not in content:
            if has_body:
                return [
                    SpecProblem(
                        (), "UNEXPECTED_BODY", f"{method} {operation.template} answers {status} with no body"
                    )
                ]
            return []
        pointer = _pointer(
            "paths",
            operation.template,
            operation.method,
            "responses",
            key,
            "content",
            "application/json",
            "schema",
        )
        return self._check(pointer, body)


@functools.cache
def discord_spec() -> DiscordSpec:
    """The spec, read and registered once per process (each schema compiled on first use)."""
    return DiscordSpec.load()


def validate_request(
    method: str, path: str, query: dict[str, str], body: Any, *, has_body: bool, log: SpecLog = SESSION
) -> list[SpecProblem]:
    """Check one request against the spec, count it in ``log`` and record it there if refused."""
    started = time.perf_counter()
    problems = discord_spec().check_request(method, path, query, body, has_body=has_body)
    log.seconds += time.perf_counter() - started
    log.requests += 1
    if problems:
        log.violations.append(SpecViolation("request", method, path, None, problems, body))
    return problems


def validate_response(
    method: str, path: str, status: int, body: Any, *, has_body: bool, log: SpecLog = SESSION
) -> list[SpecProblem]:
    """Check one response the fake built against the spec, count it and record it if it departs."""
    started = time.perf_counter()
    problems = discord_spec().check_response(method, path, status, body, has_body=has_body)
    log.seconds += time.perf_counter() - started
    log.responses += 1
    if problems:
        log.violations.append(SpecViolation("response", method, path, status, problems, body))
    return problems


def form_error(problems: list[SpecProblem]) -> dict[str, Any]:
    """Discord's Invalid Form Body error with each problem at its JSON path."""
    errors: dict[str, Any] = {}
    for problem in problems:
        node = errors
        for part in problem.path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": problem.code, "message": problem.message})
    return {"code": 50035, "message": "Invalid Form Body", "errors": errors}
