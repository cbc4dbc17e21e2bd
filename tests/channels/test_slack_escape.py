"""channels.slack: the bot's text is shown by Slack as typed."""

from __future__ import annotations

import pytest

from channels.slack import escape_mrkdwn


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("<!channel> urgent", "&lt;!channel&gt; urgent"),
        ("<https://evil.example|OpenClassrooms>", "&lt;https://evil.example|OpenClassrooms&gt;"),
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ("Étudiant : Jean Dupont", "Étudiant : Jean Dupont"),
    ],
)
def test_mrkdwn_control_characters_are_escaped(text, shown):
    """Mentions, links and entities typed by a user are not interpreted by Slack."""
    assert escape_mrkdwn(text) == shown
