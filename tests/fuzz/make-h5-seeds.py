#!/usr/bin/python3
"""Writes the small seed files of the h5_reader fuzz target (tests/fuzz/corpus/h5_reader/).

Each has the layout eldersim writes (docs/hdf5-schema.md) at a size a fuzzer can mutate quickly:
/metadata attributes, /dims label lists, series under /series and /hospital_info with a ``dims``
attribute, chunked with shuffle, deflate and Fletcher-32 as sim/h5.cpp makes them, in the file
format of HDF5 1.10 (checksummed metadata). A real run file is added by tests/fuzz/run-fuzz.sh.
    /usr/bin/python3 tests/fuzz/make-h5-seeds.py OUT_DIR
"""
import sys
from pathlib import Path

import h5py
import numpy as np

STR = h5py.string_dtype("utf-8")


def series(group, name, values, dims):
    d = group.create_dataset(name, data=values, chunks=(1,) + values.shape[1:],
                             maxshape=(None,) + values.shape[1:], shuffle=True,
                             compression="gzip", compression_opts=4, fletcher32=True)
    d.attrs["dims"] = dims


def write(path, periods, districts, schema):
    with h5py.File(path, "w", libver=("v110", "v110")) as f:
        meta = f.create_group("metadata")
        meta.attrs["file_kind"] = "run"
        if schema is not None:
            meta.attrs["schema_version"] = np.int64(schema)
        meta.attrs["seed"] = np.uint64(1)
        meta.attrs["config_resolved"] = "simulation:\n  start: 2020-01-01\n"
        dims = f.create_group("dims")
        starts = [f"2020-{m + 1:02d}-01" for m in range(periods)]
        dims.create_dataset("period_start", data=starts, dtype=STR)
        dims.create_dataset("period_end", data=starts, dtype=STR)
        dims.create_dataset("district", data=[f"d{i}" for i in range(districts)], dtype=STR)
        s = f.create_group("series")
        series(s, "n_alive", np.arange(periods * districts, dtype=np.int64)
               .reshape(periods, districts), "period,district")
        series(s, "new_deaths", np.ones((periods, districts)), "period,district")
        series(s, "cum_spending", np.linspace(0, 1, periods), "period")


def main(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write(out / "tiny.h5", 2, 2, 2)
    write(out / "small.h5", 6, 3, 2)
    write(out / "schema1.h5", 2, 2, None)


if __name__ == "__main__":
    main(sys.argv[1])
