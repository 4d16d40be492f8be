"""`N_`: marks a text for extraction into the catalogs, where it is written rather than where it is
translated (the content is data, translated when a screen is rendered in the reader's language)."""


def N_(message: str) -> str:
    """Mark a msgid for extraction; translation happens when it is shown."""
    return message
