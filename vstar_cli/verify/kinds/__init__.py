"""The official verifier kinds, one module per group of kinds, each declaring its ``VerifierKind`` objects.

Nothing lists these modules: :func:`vstar_cli.verify.plugins.builtin_specs` finds them with
:mod:`pkgutil` and the registry loads each as it loads a ``--kind-plugin`` module. A new
built-in kind is a new module here (and its test); modules whose name starts with ``_`` hold
shared helpers. The order of ``vstar verify --help`` is the modules' name order.
"""
