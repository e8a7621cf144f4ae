#!/usr/bin/python3
"""Checks that two sweep files hold the same results: every dataset and attribute outside
/metadata equal (same shape, type and values, NaN equal to NaN). Wall times (/runs/seconds) are
measurements, not results, and are left out. Exit status 0 when equal, 1 when anything differs.

    compare_sweeps.py A.h5 B.h5
"""
import sys

import h5py
import numpy as np

# Groups a sweep file must have, so that an empty comparison cannot pass (/parameters too, when
# the sweep has uncertain parameters: then it must be in both files like everything else).
REQUIRED = ["series", "facilities", "hospitals", "summary", "runs", "dims", "scenarios"]
SKIPPED_GROUPS = ["metadata"]
SKIPPED_DATASETS = ["runs/seconds"]


def skipped(name):
    return name.split("/")[0] in SKIPPED_GROUPS or name in SKIPPED_DATASETS


def objects(f):
    out = {}

    def visit(name, obj):
        if not skipped(name):
            out[name] = obj  # and return None: visititems stops at anything else

    f.visititems(visit)
    return out


def same_values(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind == "f":
        return bool(np.array_equal(a, b, equal_nan=True))
    return bool(np.array_equal(a, b))


def same_attributes(a, b):
    if sorted(a.attrs.keys()) != sorted(b.attrs.keys()):
        return False
    return all(same_values(a.attrs[k], b.attrs[k]) for k in a.attrs.keys())


def compare(path_a, path_b):
    problems = []
    with h5py.File(path_a, "r") as fa, h5py.File(path_b, "r") as fb:
        for group in REQUIRED:
            for f, path in ((fa, path_a), (fb, path_b)):
                if group not in f:
                    problems.append(f"{path} has no /{group}")
        oa, ob = objects(fa), objects(fb)
        for name in sorted(set(oa) ^ set(ob)):
            problems.append(f"/{name} is only in {path_a if name in oa else path_b}")
        datasets = 0
        if not same_attributes(fa, fb):
            problems.append("/: attributes differ")
        for name in sorted(set(oa) & set(ob)):
            a, b = oa[name], ob[name]
            if isinstance(a, h5py.Dataset) != isinstance(b, h5py.Dataset):
                problems.append(f"/{name} is a dataset in one file and a group in the other")
                continue
            if isinstance(a, h5py.Dataset):
                datasets += 1
                if a.shape != b.shape or a.dtype != b.dtype:
                    problems.append(f"/{name}: shape or type {a.shape} {a.dtype} != "
                                    f"{b.shape} {b.dtype}")
                elif not same_values(a[()], b[()]):
                    problems.append(f"/{name}: values differ")
            if not same_attributes(a, b):
                problems.append(f"/{name}: attributes differ")
    for p in problems:
        print(p)
    if problems:
        print(f"{path_a} and {path_b} differ: {len(problems)} problems")
        return 1
    print(f"{path_a} and {path_b}: the same {datasets} datasets (outside /metadata)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(compare(sys.argv[1], sys.argv[2]))
