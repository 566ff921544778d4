#!/bin/sh
# The shell half of the `mtc` command (package.json `bin`, dist/bundle/mtc.js;
# scripts/bundle.mjs writes this script there, inside a JS comment, followed by
# scripts/launcher.cjs). Run as a command, the file is this POSIX shell script;
# run by node (`node mtc.js`), it is the JS launcher. It must not contain the
# two characters that end a JS block comment.
#
# Node starts from a V8 start-up snapshot only when its command line says so
# (--snapshot-blob), hence a shell script. It execs node (one process: signals
# reach node directly):
#   - from the start-up snapshot made for this command and this node binary,
#     when there is one (scripts/snapshot.cjs: the parser built and the check
#     path warmed up, so a check starts in little more than bare node's time);
#   - else the JS launcher (this same file run by node, with a V8 code cache),
#     which then builds
#     the snapshot once, after its run (about a second), for the next runs.
#
# The snapshots live under ${XDG_CACHE_HOME:-$HOME/.cache}/mtc/start/, one
# directory per command path and node path (the two absolute paths joined, so
# finding one takes no process). V8 refuses a snapshot made by another node
# binary, so each holds a stamp file with the node binary's modification time:
# a node that changed since (an upgrade) is never given an old snapshot. The
# snapshot itself checks, when it starts, that node, the bundle and the data
# files it holds are the ones it was built from, and runs the launcher if not.
# With NODE_OPTIONS set (V8 refuses a snapshot made under other flags), with
# MTC_NO_SNAPSHOT=1, or without a home or cache directory, mtc runs the JS
# launcher and builds none. On Windows, run `node <package>/dist/bundle/mtc.js`.
#
# No command substitution or external program on the way to the snapshot:
# each fork is felt at start-up.

case $0 in
  /*) command=$0 ;;
  *) command=$PWD/$0 ;;
esac

# node, from PATH.
node=
saved_ifs=$IFS
IFS=:
set -f
for p in $PATH; do
  if [ -f "${p:-.}/node" ] && [ -x "${p:-.}/node" ]; then
    node=${p:-.}/node
    break
  fi
done
set +f
IFS=$saved_ifs
if [ -z "$node" ]; then
  echo 'mtc: node was not found on PATH' >&2
  exit 127
fi

entry=
if [ "${MTC_NO_SNAPSHOT-}" != 1 ] && [ -z "${NODE_OPTIONS-}" ]; then
  case ${XDG_CACHE_HOME-} in
    /*) cache=$XDG_CACHE_HOME/mtc ;;
    *) case ${HOME-} in /*) cache=$HOME/.cache/mtc ;; *) cache= ;; esac ;;
  esac
  case $node in /*) ;; *) cache= ;; esac
  if [ -n "$cache" ]; then
    entry=$cache/start$command$node
    if [ -f "$entry/snapshot" ] && [ -f "$entry/stamp" ] && ! [ "$node" -nt "$entry/stamp" ] && ! [ "$node" -ot "$entry/stamp" ]; then
      MTC_COMMAND=$command MTC_SNAPSHOT_NODE=$node exec "$node" --snapshot-blob "$entry/snapshot" -- "$@"
    fi
  fi
fi

# This file's directory, through npm's symlink (node_modules/.bin/mtc).
self=$command
while [ -h "$self" ]; do
  link=$(readlink -- "$self") || break
  case $link in
    /*) self=$link ;;
    *) self=${self%/*}/$link ;;
  esac
done

if [ -n "$entry" ]; then
  MTC_SNAPSHOT_ENTRY=$entry MTC_SNAPSHOT_NODE=$node exec "$node" -- "${self%/*}/mtc.js" "$@"
fi
exec "$node" -- "${self%/*}/mtc.js" "$@"
