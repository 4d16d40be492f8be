"""The translators' tools: extracting, adding, checking and compiling catalogs, plural rules from
CLDR, and a preview of the conversation in the terminal. The bot itself only reads the compiled
catalogs (bot/languages.py) and never imports this package.
"""
