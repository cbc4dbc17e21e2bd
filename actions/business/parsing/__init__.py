"""Turn what a user types in answer to one of the bot's questions into a value.

Every function is pure: same text (and same `today` for dates) gives the same value, None when
the answer cannot be read. Matching is accent- and case-insensitive and tolerates filler words
and common typos, because users answer in a chat box, not a form. One module per subject:

- `text`: normalisation (case, accents, punctuation, filler words);
- `numbers`: numbers in words, counts of events;
- `dates`: dates and months;
- `answers`: yes or no, skip, cancel, replies without a detail;
- `choices`: one of a few options (invoice status, funding, role, late case, gender);
- `names`: people's names, links, free text.
"""

from actions.business.parsing.answers import (
    is_cancel,
    is_non_answer,
    is_skip,
    parse_yes_no,
)
from actions.business.parsing.choices import (
    CHOICE_VOCABULARY,
    FUNDING_MODES,
    INVOICE_STATUSES,
    LATE_CASES,
    parse_funding,
    parse_invoice_status,
    parse_late_case,
    parse_role,
    parse_student_gender,
)
from actions.business.parsing.dates import month_number, parse_date, parse_month
from actions.business.parsing.names import (
    as_typed,
    parse_free_text,
    parse_person_name,
    parse_url,
)
from actions.business.parsing.numbers import find_word_number, parse_count
from actions.business.parsing.text import normalize, plain_words, strip_fillers

__all__ = [
    "CHOICE_VOCABULARY", "FUNDING_MODES", "INVOICE_STATUSES", "LATE_CASES", "as_typed",
    "find_word_number", "is_cancel", "is_non_answer",
    "is_skip", "month_number", "normalize", "parse_count", "parse_date", "parse_free_text",
    "parse_funding", "parse_invoice_status", "parse_late_case", "parse_month",
    "parse_person_name", "parse_role", "parse_student_gender", "parse_url", "parse_yes_no",
    "plain_words", "strip_fillers",
]
