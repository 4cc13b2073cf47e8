"""A small module to try Inkling on: `make demo` asks the shipped model to complete it."""

import os


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()


def total_size(paths):
    

def main(argv):
    for path in argv[1:]:
        print(path, os.path.get
