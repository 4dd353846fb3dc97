"""mnkbib: a command-line bibliography manager with a plain YAML store.

The command line is :mod:`mnkbib.cli`; the store :mod:`mnkbib.store`; the data model
:mod:`mnkbib.model`; the formats :mod:`mnkbib.formats`; the Chicago styles
:mod:`mnkbib.styles`. Nothing is imported here: a command imports only what it needs.
"""
