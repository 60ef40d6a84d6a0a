"""Reference solutions (and plausible wrong answers) for every notebook's exercises.

One module per notebook, named after it (``basics/01`` → ``basics_01.py``), each defining:

- ``REFERENCE``: {exercise number: reference solution}
- ``WRONG``: {exercise number: [plausible wrong answers, at least one]}
"""
