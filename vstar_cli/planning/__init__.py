"""Will it fit? Memory plans for generation and finetuning, from a model's configuration alone.

:mod:`.presets` names published checkpoints' sizes, :mod:`.arch` builds the model on the meta
device and counts its parameters, :mod:`.tokens` counts visual tokens per video and
:mod:`.memory` turns both into a peak GPU memory estimate (``vstar plan``, ``generate --dry-run``,
``finetune --dry-run``).
"""
