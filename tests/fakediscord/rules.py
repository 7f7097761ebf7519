"""Discord's documented limits on what a bot sends, checked the way the API checks them.

Each check fills a FormErrors, which renders Discord's nested error body
(``{"code": 50035, "message": "Invalid Form Body", "errors": {...}}``).
Limits: https://discord.com/developers/docs/resources/message#create-message
and .../resources/message#embed-object-embed-limits,
.../interactions/receiving-and-responding (autocomplete), .../components/reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TOTAL_MAX = 6000
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_MAX = 256
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
CUSTOM_ID_MAX = 100
ACTION_ROWS_MAX = 5
BUTTONS_PER_ROW_MAX = 5
BUTTON_LABEL_MAX = 80
COMPONENTS_V2 = 1 << 15  # message flag IS_COMPONENTS_V2: layout components, no content or embeds
COMPONENTS_V2_MAX = 40  # every component, nested ones included
COMPONENTS_V2_TOP_LEVEL = {
    1,
    9,
    10,
    12,
    13,
    14,
    17,
}  # row, section, text, gallery, file, separator, container
# A bulk overwrite holds at most 100 chat input commands, 15 user and 15 message commands
# (.../interactions/application-commands#registering-a-command).
COMMANDS_MAX_BY_TYPE = {1: 100, 2: 15, 3: 15}
COMMAND_TYPE_NAMES = {1: "chat input", 2: "user", 3: "message"}
COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")
COMMAND_DESCRIPTION_MAX = 100
COMMAND_OPTIONS_MAX = 25

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


@dataclass
class FormErrors:
    """Problems found in one request body, keyed by their JSON path."""

    problems: list[tuple[tuple[str, ...], str, str]] = field(default_factory=list)

    def add(self, path: tuple[Any, ...], code: str, message: str) -> None:
        self.problems.append((tuple(str(p) for p in path), code, message))

    def max_length(self, path: tuple[Any, ...], value: Any, limit: int) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def __bool__(self) -> bool:
        return bool(self.problems)

    def body(self) -> dict[str, Any]:
        errors: dict[str, Any] = {}
        for path, code, message in self.problems:
            node = errors
            for part in path:
                node = node.setdefault(part, {})
            node.setdefault("_errors", []).append({"code": code, "message": message})
        return {"code": 50035, "message": "Invalid Form Body", "errors": errors}


def _embed_length(embed: dict[str, Any]) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    for f in embed.get("fields") or []:
        total += len(f.get("name") or "") + len(f.get("value") or "")
    return total


def check_embeds(embeds: list[dict[str, Any]], errors: FormErrors, prefix: tuple[Any, ...] = ()) -> None:
    if len(embeds) > EMBEDS_MAX:
        errors.add((*prefix, "embeds"), "BASE_TYPE_MAX_LENGTH", f"Must be {EMBEDS_MAX} or fewer in length.")
    for i, embed in enumerate(embeds):
        at = (*prefix, "embeds", i)
        errors.max_length((*at, "title"), embed.get("title"), EMBED_TITLE_MAX)
        errors.max_length((*at, "description"), embed.get("description"), EMBED_DESCRIPTION_MAX)
        for key, text, limit in (("footer", "text", EMBED_FOOTER_MAX), ("author", "name", EMBED_AUTHOR_MAX)):
            part = embed.get(key)
            if part is None:
                continue
            value = part.get(text) if isinstance(part, dict) else None
            if not isinstance(value, str) or not value:  # the docs require it; the spec doesn't
                errors.add((*at, key, text), "BASE_TYPE_REQUIRED", "This field is required")
            else:
                errors.max_length((*at, key, text), value, limit)
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS_MAX:
            errors.add(
                (*at, "fields"), "BASE_TYPE_MAX_LENGTH", f"Must be {EMBED_FIELDS_MAX} or fewer in length."
            )
        for j, f in enumerate(fields):
            for key, limit in (("name", EMBED_FIELD_NAME_MAX), ("value", EMBED_FIELD_VALUE_MAX)):
                value = f.get(key)
                if not isinstance(value, str) or not value.strip():
                    errors.add((*at, "fields", j, key), "BASE_TYPE_REQUIRED", "This field is required")
                else:
                    errors.max_length((*at, "fields", j, key), value, limit)
    if sum(_embed_length(e) for e in embeds) > EMBED_TOTAL_MAX:
        errors.add(
            (*prefix, "embeds"),
            "MAX_EMBED_SIZE_EXCEEDED",
            f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}",
        )


def _count(components: list[dict[str, Any]]) -> int:
    total = 0
    for c in components:
        total += 1 + _count(c.get("components") or [])
        if isinstance(c.get("accessory"), dict):
            total += 1
    return total


def check_components(
    rows: list[dict[str, Any]], errors: FormErrors, prefix: tuple[Any, ...] = (), *, v2: bool = False
) -> None:
    """Action rows (at most 5, at the top), or with the IS_COMPONENTS_V2 flag any layout component at the
    top and at most 40 components in all; every button and select checked wherever it sits."""
    if v2 and _count(rows) > COMPONENTS_V2_MAX:
        errors.add(
            (*prefix, "components"),
            "BASE_TYPE_MAX_LENGTH",
            f"Must be {COMPONENTS_V2_MAX} or fewer in length.",
        )
    if not v2 and len(rows) > ACTION_ROWS_MAX:
        errors.add(
            (*prefix, "components"), "BASE_TYPE_MAX_LENGTH", f"Must be {ACTION_ROWS_MAX} or fewer in length."
        )
    seen: set[str] = set()
    for i, component in enumerate(rows):
        at = (*prefix, "components", i)
        kind = component.get("type")
        if kind == 1:
            _check_row(component, at, errors, seen)
        elif not v2 or kind not in COMPONENTS_V2_TOP_LEVEL:
            message = "Top-level components must be action rows, or layout components with the IS_COMPONENTS_V2 flag"
            errors.add((*at, "type"), "UNION_TYPE_CHOICES", message)
        else:
            for j, child in enumerate(component.get("components") or []):  # a container's rows
                if child.get("type") == 1:
                    _check_row(child, (*at, "components", j), errors, seen)
            accessory = component.get("accessory")
            if isinstance(accessory, dict) and accessory.get("type") == 2:  # a section's button
                _check_interactive(accessory, (*at, "accessory"), errors, seen)


def _check_row(row: dict[str, Any], at: tuple[Any, ...], errors: FormErrors, seen: set[str]) -> None:
    children = row.get("components") or []
    if not children:
        errors.add((*at, "components"), "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
    buttons = [c for c in children if c.get("type") == 2]
    if len(buttons) > BUTTONS_PER_ROW_MAX or (len(children) > 1 and len(buttons) != len(children)):
        errors.add(
            (*at, "components"),
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            "The specified component exceeds the maximum width",
        )
    for j, child in enumerate(children):
        _check_interactive(child, (*at, "components", j), errors, seen)


def _check_interactive(
    child: dict[str, Any], cat: tuple[Any, ...], errors: FormErrors, seen: set[str]
) -> None:
    custom_id = child.get("custom_id")
    is_link = child.get("type") == 2 and child.get("style") == 5
    if is_link:
        if not child.get("url") or custom_id:
            errors.add(cat, "BUTTON_COMPONENT_INVALID", "Link buttons need a url and no custom_id")
    elif not isinstance(custom_id, str) or not custom_id:
        errors.add((*cat, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required")
    else:
        errors.max_length((*cat, "custom_id"), custom_id, CUSTOM_ID_MAX)
        if custom_id in seen:
            errors.add(
                (*cat, "custom_id"),
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                "Component custom id cannot be duplicated",
            )
        seen.add(custom_id)
    errors.max_length((*cat, "label"), child.get("label"), BUTTON_LABEL_MAX)


def check_message(
    body: dict[str, Any], errors: FormErrors, *, prefix: tuple[Any, ...] = (), require_content: bool = True
) -> None:
    """Content, embeds and components of a message body (send, follow-up, edit or response data)."""
    content = body.get("content")
    if content is not None and not isinstance(content, str):
        errors.add((*prefix, "content"), "BASE_TYPE_BAD_TYPE", "Must be a string.")
    errors.max_length((*prefix, "content"), content, CONTENT_MAX)
    check_embeds(body.get("embeds") or [], errors, prefix)
    v2 = bool(int(body.get("flags") or 0) & COMPONENTS_V2)
    if v2 and (body.get("content") or body.get("embeds")):
        errors.add(
            (*prefix, "content" if body.get("content") else "embeds"),
            "MESSAGE_COMPONENTS_V2_INVALID",
            "content and embeds cannot be sent with the IS_COMPONENTS_V2 flag",
        )
    check_components(body.get("components") or [], errors, prefix, v2=v2)
    parse = (body.get("allowed_mentions") or {}).get("parse") or []
    for k, kind in enumerate(parse):
        if kind not in {"users", "roles", "everyone"}:
            errors.add(
                (*prefix, "allowed_mentions", "parse", k),
                "BASE_TYPE_CHOICES",
                "Value must be one of {'users', 'roles', 'everyone'}.",
            )


def is_empty_message(body: dict[str, Any]) -> bool:
    return not (
        body.get("content")
        or body.get("embeds")
        or body.get("components")
        or body.get("attachments")
        or body.get("sticker_ids")
        or body.get("poll")
    )


def check_choices(choices: Any, errors: FormErrors) -> None:
    if not isinstance(choices, list):
        errors.add(("data", "choices"), "BASE_TYPE_REQUIRED", "This field is required")
        return
    if len(choices) > CHOICES_MAX:
        errors.add(("data", "choices"), "BASE_TYPE_MAX_LENGTH", f"Must be {CHOICES_MAX} or fewer in length.")
    for i, choice in enumerate(choices):
        name = choice.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= CHOICE_NAME_MAX:
            errors.add(
                ("data", "choices", i, "name"),
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between 1 and {CHOICE_NAME_MAX} in length.",
            )
        value = choice.get("value")
        if isinstance(value, str):
            errors.max_length(("data", "choices", i, "value"), value, CHOICE_VALUE_MAX)


def check_command_counts(commands: list[Any], errors: FormErrors) -> None:
    """A bulk overwrite: at most 100 chat input, 15 user and 15 message commands."""
    counts: dict[Any, int] = {}
    for command in commands:
        kind = command.get("type", 1) if isinstance(command, dict) else None
        counts[kind] = counts.get(kind, 0) + 1
    for kind, limit in COMMANDS_MAX_BY_TYPE.items():
        if counts.get(kind, 0) > limit:
            errors.add(
                (),
                "APPLICATION_COMMANDS_MAX_REACHED",
                f"Must be {limit} or fewer {COMMAND_TYPE_NAMES[kind]} commands.",
            )


def check_command(command: dict[str, Any], errors: FormErrors, index: int) -> None:
    """An application command payload as sent by a sync (names, descriptions, option counts)."""

    def walk(node: dict[str, Any], path: tuple[Any, ...], top: bool) -> None:
        name = node.get("name") or ""
        if top and node.get("type", 1) in (2, 3):  # context menus: free-form names, no description
            if not 1 <= len(name) <= 32:
                errors.add((*path, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
            return
        if not COMMAND_NAME.match(name) or name != name.lower():
            errors.add((*path, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        description = node.get("description")
        if not isinstance(description, str) or not 1 <= len(description) <= COMMAND_DESCRIPTION_MAX:
            errors.add(
                (*path, "description"),
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between 1 and {COMMAND_DESCRIPTION_MAX} in length.",
            )
        options = node.get("options") or []
        if len(options) > COMMAND_OPTIONS_MAX:
            errors.add(
                (*path, "options"),
                "BASE_TYPE_MAX_LENGTH",
                f"Must be {COMMAND_OPTIONS_MAX} or fewer in length.",
            )
        for k, option in enumerate(options):
            walk(option, (*path, "options", k), False)
            if len(option.get("choices") or []) > CHOICES_MAX:
                errors.add(
                    (*path, "options", k, "choices"),
                    "BASE_TYPE_MAX_LENGTH",
                    f"Must be {CHOICES_MAX} or fewer in length.",
                )

    walk(command, (index,), True)


def pings(body: dict[str, Any], *, is_reply: bool = False) -> list[str]:
    """Who this message would notify, by Discord's allowed_mentions rules (content only, not embeds)."""
    content = body.get("content") or ""
    allowed = body.get("allowed_mentions")
    everyone = "@everyone" in content or "@here" in content
    users = _USER_MENTION.findall(content)
    roles = _ROLE_MENTION.findall(content)
    if allowed is None:  # Discord's default: parse everything, and ping the author of a replied-to message
        hit = (["everyone"] if everyone else []) + [f"user:{u}" for u in users] + [f"role:{r}" for r in roles]
        return hit + (["replied_user"] if is_reply else [])
    parse = set(allowed.get("parse") or [])
    allowed_users = set(allowed.get("users") or [])
    allowed_roles = set(allowed.get("roles") or [])
    hit = ["everyone"] if everyone and "everyone" in parse else []
    hit += [f"user:{u}" for u in users if "users" in parse or u in allowed_users]
    hit += [f"role:{r}" for r in roles if "roles" in parse or r in allowed_roles]
    if is_reply and allowed.get("replied_user"):
        hit.append("replied_user")
    return hit
