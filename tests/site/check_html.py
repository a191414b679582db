#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every page of the reference site through an HTML checker (HTML Tidy).

usage: check_html.py TIDY SITE_DIR

tidy -e reports errors and warnings only; it exits 0 when a file has neither,
1 with warnings, 2 with errors. Every page must give 0: no error and no
warning. A page with a known
error is checked first, so a tidy that reports nothing cannot pass the site.
"""
import os
import subprocess
import sys
import tempfile

BATCH = 200


def tidy(tidy_exe, files):
    r = subprocess.run([tidy_exe, '-e', '-q', '--gnu-emacs', 'yes'] + files,
                       capture_output=True, text=True)
    return r.returncode, (r.stdout + r.stderr).strip()


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    tidy_exe, root = argv[1:]
    with tempfile.TemporaryDirectory() as d:
        bad = os.path.join(d, 'bad.html')
        with open(bad, 'w') as f:
            f.write('<!DOCTYPE html>\n<html lang="en">\n<head><title>bad</title></head>\n'
                    '<body><p>a <bogus>b</bogus></p>\n</body>\n</html>\n')
        rc, out = tidy(tidy_exe, [bad])
        if rc != 2:
            print('tidy did not report the error in a broken page (exit %d): %s' % (rc, out))
            return 1
    pages = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(root) for f in fs
                   if f.endswith('.html'))
    if not pages:
        print('no pages in %s' % root)
        return 1
    # In batches for speed; a batch with a finding is checked again page by
    # page, as tidy carries an error over to the files after it.
    worst, reports = 0, []
    for i in range(0, len(pages), BATCH):
        batch = pages[i:i + BATCH]
        rc, out = tidy(tidy_exe, batch)
        if rc == 0 and not out:
            continue
        for page in batch:
            rc, out = tidy(tidy_exe, [page])
            worst = max(worst, rc)
            reports += [line for line in out.splitlines() if line.startswith(page + ':')]
    for line in reports[:50]:
        print(line)
    print('%d pages checked with tidy: %d lines of errors and warnings (exit %d)'
          % (len(pages), len(reports), worst))
    return 0 if worst == 0 and not reports else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
