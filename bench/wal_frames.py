#!/usr/bin/env python3
"""Where the WAL bytes of group commits go: reads a SQLite -wal file (left by a killed rehook,
so not checkpointed away), groups its frames by commit and names the b-tree (table or index)
each frame's page belongs to, through SQLite's dbstat table on a copy of the database.
  wal_frames.py DB_FILE WAL_FILE"""
import collections
import os
import shutil
import sqlite3
import struct
import sys
import tempfile


def commits_of(wal_path):
    """Lists, per commit in the WAL, the page numbers of its frames."""
    data = open(wal_path, "rb").read()
    _, _, page_size, _, salt1, salt2, _, _ = struct.unpack(">8I", data[:32])
    commits, current, offset = [], [], 32
    while offset + 24 + page_size <= len(data):
        page, commit_size, frame_salt1, frame_salt2 = struct.unpack(">4I", data[offset:offset + 16])
        if (frame_salt1, frame_salt2) != (salt1, salt2):
            break  # left over from before the WAL was last restarted
        current.append(page)
        if commit_size:
            commits.append(current)
            current = []
        offset += 24 + page_size
    return page_size, commits


def owners(db_path, wal_path):
    """Maps page number -> b-tree name, on a copy with the WAL applied."""
    scratch = tempfile.mkdtemp()
    try:
        copy = os.path.join(scratch, "copy.db")
        shutil.copy(db_path, copy)
        shutil.copy(wal_path, copy + "-wal")
        connection = sqlite3.connect(copy)
        pages = dict(connection.execute("SELECT pageno, name FROM dbstat"))
        connection.close()
        return pages
    finally:
        shutil.rmtree(scratch)


def main():
    db_path, wal_path = sys.argv[1], sys.argv[2]
    page_size, commits = commits_of(wal_path)
    pages = owners(db_path, wal_path)
    # Commits of captured events only; the few small ones are leases and other bookkeeping.
    batches = [commit for commit in commits if len(commit) > 5]
    if not batches:
        print("no group commits in the WAL")
        return
    counts = collections.Counter()
    for commit in batches:
        for page in commit:
            # dbstat names page 1 (sqlite_schema); pages it does not know are the auto-vacuum
            # pointer map (page 2, and one every page_size / 5 pages) or the free list.
            counts[pages.get(page, "pointer map / free list")] += 1
    total = sum(counts.values()) / len(batches)
    print(f"{len(batches)} group commits, {page_size // 1024} KiB pages, "
          f"{total:.1f} frames ({total * page_size / 1024:.0f} KiB) per commit")
    for name, count in counts.most_common():
        print(f"  {name:32} {count / len(batches):5.2f} frames per commit")


if __name__ == "__main__":
    main()
