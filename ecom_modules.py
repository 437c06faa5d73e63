"""The back office's modules in dependency order: the ``-e ./addons/<name>``
lines of requirements.txt, the one list (the Makefile reads it too)."""
import os
import re

ROOT = os.path.dirname(os.path.abspath(__file__))


def modules():
    with open(os.path.join(ROOT, 'requirements.txt')) as file:
        return re.findall(r'^-e \./addons/(\w+)\s*$', file.read(),
            re.MULTILINE)


MODULES = modules()
