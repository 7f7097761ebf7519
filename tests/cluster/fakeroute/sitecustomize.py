"""Imported at interpreter start-up when this folder is on PYTHONPATH (the cluster test puts it there): a bot
process started as ``python -m bot`` then talks to the local Discord fake named by BOT_TEST_FAKE_DISCORD
(``http://127.0.0.1:PORT``) instead of Discord. Nothing else changes; without the variable it does nothing."""

import os

_fake = os.environ.get("BOT_TEST_FAKE_DISCORD")
if _fake:
    import discord.gateway
    import discord.http
    import yarl

    discord.http.Route.BASE = f"{_fake}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(_fake.replace("http://", "ws://", 1) + "/")
