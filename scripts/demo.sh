#!/usr/bin/env bash
# The main job on the embedded default (SQLite + in-process index): load every list
# (from ../shared/data when it is there, otherwise from the official URLs), show what is
# loaded and what changed between the two OFAC SDN snapshots, then screen a few names.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export WATCHLIST_DB=${WATCHLIST_DB:-$PWD/out/watchlist.db}
wl=.venv/bin/watchlist
if [ -d ../shared/data ]; then
  # Every dated copy, oldest first. One file is refused on purpose: the UK FCDO sample
  # carries a synthetic record without an id, and a list with a bad record never loads.
  $wl update --mirror ../shared/data --history || echo "(refused files are named above; nothing else was affected)"
else
  $wl update || echo "(some official downloads failed; the lists that loaded are listed below)"
fi
echo; $wl lists
echo; $wl diff ofac-sdn --show 5 || true
echo
for n in "Пригожин Евгений Викторович" "Artyom Kouznetsov" "Arkadiy Rotenberg"; do
  echo "\$ watchlist screen \"$n\""; $wl screen "$n" --limit 3; echo
done
