"""serving.rasa_server: the shell gets the checked channel."""

from __future__ import annotations

from rasa.core import channels
from rasa.core.channels.console import CmdlineInput

from channels.rest import RestChannel, ShellChannel
from serving.rasa_server import use_checked_shell_channel


def test_the_shell_channel_is_the_checked_one_at_the_same_address():
    """`rasa shell` builds ShellChannel: name cmdline, served under /webhooks/rest like Rasa's."""
    original = channels.BUILTIN_CHANNELS["cmdline"]
    try:
        use_checked_shell_channel()
        shell = channels.BUILTIN_CHANNELS["cmdline"].from_credentials(None)
        assert isinstance(shell, ShellChannel) and isinstance(shell, RestChannel)
        assert (shell.name(), shell.url_prefix()) == (
            CmdlineInput.name(), CmdlineInput().url_prefix())
    finally:
        channels.BUILTIN_CHANNELS["cmdline"] = original
