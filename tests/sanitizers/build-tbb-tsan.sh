#!/usr/bin/env bash
# Builds oneTBB with ThreadSanitizer for `make tsan` (docs/reliability.md) and installs it under
# DIR/prefix; does nothing when that is already there.
#   tests/sanitizers/build-tbb-tsan.sh DIR JOBS
# Debian's libtbb is not instrumented: TSan cannot see the synchronisation inside it (the task
# pool, stealing, the wait for a parallel loop to finish), so it reports nearly every access
# made inside a parallel loop as a race (google/sanitizers#1004; the oneTBB maintainers'
# advice in uxlfoundation/oneTBB#1290 is to build oneTBB with TSan). This takes the source of
# the very version installed (apt-get source, through a private source list: the system's apt
# configuration is not changed) and builds libtbb alone with TBB_SANITIZE=thread (about half a
# minute on 2 cores).
set -euo pipefail
dir=$(realpath -m "$1")
jobs=${2:-2}
prefix=$dir/prefix
if [[ -f $prefix/lib/cmake/TBB/TBBConfig.cmake ]]; then
  exit 0
fi
version=$(dpkg-query -W -f='${Version}' libtbb-dev)
upstream=${version%%-*}
apt=$dir/apt
rm -rf "$apt" "$dir/src" "$dir/build"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$dir/src"
echo "deb-src http://deb.debian.org/debian bookworm main" >"$apt/sources.list"
echo "deb-src http://deb.debian.org/debian-security bookworm-security main" >>"$apt/sources.list"
opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=/nonexistent"
      -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache")
apt-get "${opts[@]}" update -q
(cd "$dir/src" && apt-get "${opts[@]}" source -q "onetbb=$version")
cmake -S "$dir/src/onetbb-$upstream" -B "$dir/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTBB_SANITIZE=thread -DTBB_TEST=OFF -DTBB_STRICT=OFF -DTBBMALLOC_BUILD=OFF -DTBB_EXAMPLES=OFF \
  -DCMAKE_INSTALL_PREFIX="$prefix"
cmake --build "$dir/build" -j "$jobs"
cmake --install "$dir/build"
