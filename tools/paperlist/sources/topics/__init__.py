"""Topic suggestions learnt from the list's own tagged papers (docs/topics.md).

``features`` (what the model sees of a title), ``model`` (the JSON model, scored in pure Python),
``train`` (the maintainer's training; scikit-learn), ``run`` (``paperlist tags --suggest``).
"""
