#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check the reference site that smtp-site writes, without a browser.

usage: check_site.py [--js PACKAGE_DIR] SITE_DIR SMTP_SITE SMTP_EXPLAIN LIST_CODES

--js: the site was written with smtp-site --js PACKAGE_DIR (a paste page in
each locale, the package in DIR/js/); without it, the site has neither.

  pages     exactly one page per catalog code and per pair of basic codes, in
            each locale, plus the index, compare.html and the shared files;
  links     every internal link and fragment resolves; the only external links
            are to rfc-editor.org and datatracker.ietf.org, and no page loads
            anything from elsewhere;
  markup    one h1, a title, a meta description, the lang, hreflang alternates
            to the same page in every locale, a language switch; no "{1}" left;
            every paragraph of prose ends a sentence (nothing cut);
  seed      220-vs-535.html in each locale holds everything smtp-explain --json
            says about the two codes: class, meaning, when, fix, key
            differences, when each applies;
  search    the JSON index in each index.html lists every code page;
  same      two more runs of smtp-site write byte-identical files, the same as
            SITE_DIR;
  sizes     pages and the shared files stay small.
The link checker is first run on a small broken site, which it must reject.
"""
import filecmp
import html
import html.parser
import json
import os
import re
import subprocess
import sys
import tempfile

LOCALES = ('en', 'vi')
EXTERNAL_OK = ('https://www.rfc-editor.org/rfc/', 'https://datatracker.ietf.org/doc/')
PAGE_LIMIT = 100 * 1024      # bytes; the index with its search data is the largest
ASSET_LIMIT = 16 * 1024
SENTENCE_END = ('.', '!', '?', ')', '"', '\u201d')

failures = []


def fail(msg):
    failures.append(msg)


class Page(html.parser.HTMLParser):
    """What the checks need from one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.links, self.resources = set(), [], []
        self.h1 = 0
        self.lang = None
        self.title = ''
        self.description = None
        self.alternates = {}
        self.switch = []
        self.prose = []          # (tag, text) of <p> in <main>, <li> under #differences etc.
        self.text = []           # all text in <main>
        self.stack = []
        self.section = []
        self.capture = None
        self.in_title = False
        self.in_main = False
        self.scripts = {}        # id -> text of <script type=application/json>
        self.script_id = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if 'id' in a:
            if a['id'] in self.ids:
                fail('duplicate id %r' % a['id'])
            self.ids.add(a['id'])
        if tag == 'html':
            self.lang = a.get('lang')
        elif tag == 'title':
            self.in_title = True
        elif tag == 'meta' and a.get('name') == 'description':
            self.description = a.get('content')
        elif tag == 'link':
            if a.get('rel') == 'alternate':
                self.alternates[a.get('hreflang')] = a.get('href')
            else:
                self.resources.append(a.get('href'))
        elif tag == 'script':
            if a.get('src'):
                self.resources.append(a['src'])
            elif a.get('type') == 'application/json':
                self.script_id = a.get('id')
                self.scripts[self.script_id] = ''
        elif tag == 'img':
            self.resources.append(a.get('src'))
        elif tag == 'a':
            self.links.append(a.get('href'))
            if 'hreflang' in a and self.stack and 'lang-nav' in self.stack:
                self.switch.append((a.get('hreflang'), a.get('href')))
        elif tag == 'form':
            self.links.append(a.get('action'))
        elif tag == 'h1':
            self.h1 += 1
        elif tag == 'main':
            self.in_main = True
        if tag == 'nav' and 'lang' in (a.get('class') or '').split():
            self.stack.append('lang-nav')
        elif tag not in ('meta', 'link', 'input', 'br', 'img', 'hr'):
            self.stack.append(tag)
        if tag == 'section':
            self.section.append(a.get('aria-labelledby'))
        if self.in_main and self.capture is None and (
                tag == 'p' or (tag == 'li' and self.section and
                               self.section[-1] in ('differences', 'applies', 'when'))):
            self.capture = [tag, len(self.stack), '']

    def handle_endtag(self, tag):
        if tag == 'title':
            self.in_title = False
        elif tag == 'main':
            self.in_main = False
        elif tag == 'script':
            self.script_id = None
        if tag == 'section' and self.section:
            self.section.pop()
        if self.capture is not None and tag == self.capture[0] and \
                len(self.stack) == self.capture[1]:
            self.prose.append((self.capture[0], ' '.join(self.capture[2].split())))
            self.capture = None
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        if self.script_id is not None:
            self.scripts[self.script_id] += data
            return
        if self.capture is not None:
            self.capture[2] += data
        if self.in_main:
            self.text.append(data)


def parse(path):
    p = Page()
    with open(path, encoding='utf-8') as f:
        p.feed(f.read())
    p.close()
    p.fulltext = ' '.join(' '.join(p.text).split())
    return p


def html_files(root):
    out = []
    for d, _, files in os.walk(root):
        out += [os.path.join(d, f) for f in files if f.endswith('.html')]
    return sorted(out)


def check_links(root, pages):
    """Every internal link and fragment resolves; returns the number of broken ones."""
    broken = 0
    for path, page in pages.items():
        here = os.path.dirname(path)
        for kind, urls in (('link', page.links), ('resource', page.resources),
                           ('alternate', list(page.alternates.values()))):
            for url in urls:
                if url is None or url == '':
                    fail('%s: empty %s' % (path, kind))
                    broken += 1
                    continue
                if re.match(r'^[a-z]+:', url):
                    if kind == 'resource' and url == 'data:,':
                        continue
                    if kind == 'link' and url.startswith(EXTERNAL_OK):
                        continue
                    fail('%s: external %s %s' % (path, kind, url))
                    broken += 1
                    continue
                target, _, frag = url.partition('#')
                target = target.partition('?')[0]
                dest = os.path.normpath(os.path.join(here, target)) if target else path
                if not dest.startswith(os.path.abspath(root)) or not os.path.isfile(dest):
                    fail('%s: broken %s %s' % (path, kind, url))
                    broken += 1
                elif frag and (dest not in pages or frag not in pages[dest].ids):
                    fail('%s: no #%s in %s' % (path, frag, target or 'this page'))
                    broken += 1
    return broken


def self_test_links():
    """The link checker must find the three faults of a small broken site."""
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, 'a.html'), 'w') as f:
            f.write('<!DOCTYPE html><html lang="en"><title>a</title><main><h1 id="top">a</h1>'
                    '<a href="b.html#nowhere">b</a><a href="missing.html">m</a>'
                    '<a href="#top">t</a></main><script src="https://example.org/x.js"></script>')
        with open(os.path.join(d, 'b.html'), 'w') as f:
            f.write('<!DOCTYPE html><html lang="en"><title>b</title><main><h1>b</h1>'
                    '<a href="a.html#top">a</a></main>')
        pages = {p: parse(p) for p in html_files(os.path.abspath(d))}
        before = len(failures)
        n = check_links(os.path.abspath(d), pages)
        del failures[before:]
        if n != 3:
            fail('link checker self-test: found %d faults in the broken site, not 3' % n)


def expected_names(list_codes, paste):
    out = subprocess.run([list_codes], check=True, capture_output=True, text=True).stdout
    basic = [int(l.split()[1]) for l in out.splitlines() if l.startswith('basic ')]
    enhanced = [l.split()[1] for l in out.splitlines() if l.startswith('enhanced ')]
    names = {'index.html', 'compare.html'} | ({'paste.html'} if paste else set())
    names |= {'%d.html' % c for c in basic}
    names |= {'x.%s.html' % e for e in enhanced}
    pairs = {'%d-vs-%d.html' % (a, b) for a in basic for b in basic if a < b}
    return names | pairs, basic, enhanced, pairs


def check_pages(root, list_codes, js):
    names, basic, enhanced, pairs = expected_names(list_codes, js is not None)
    for name in ('index.html', 'style.css', 'site.js'):
        if not os.path.isfile(os.path.join(root, name)):
            fail('missing %s' % name)
    for name in ('smtpreply.js', 'smtpreply.wasm'):
        copy = os.path.join(root, 'js', name)
        if js is None and os.path.exists(copy):
            fail('js/%s without --js' % name)
        elif js is not None and not (os.path.isfile(copy) and
                                     filecmp.cmp(copy, os.path.join(js, name), shallow=False)):
            fail('js/%s is not the package\'s' % name)
    for loc in LOCALES:
        have = set(os.listdir(os.path.join(root, loc)))
        for n in sorted(names - have)[:10]:
            fail('%s: missing %s' % (loc, n))
        for n in sorted(have - names)[:10]:
            fail('%s: unexpected %s' % (loc, n))
        got_pairs = len([n for n in have if '-vs-' in n])
        print('%s: %d basic-code pages, %d enhanced-code pages, %d comparison pages '
              '(%d basic codes: %d pairs), %d files in all'
              % (loc, len([n for n in have if re.match(r'^\d{3}\.html$', n)]),
                 len([n for n in have if n.startswith('x.')]), got_pairs, len(basic),
                 len(basic) * (len(basic) - 1) // 2, len(have)))
    if len(pairs) != len(basic) * (len(basic) - 1) // 2:
        fail('pair count')
    return basic, enhanced


def check_markup(root, pages):
    for path, p in pages.items():
        rel = os.path.relpath(path, root)
        loc = rel.split(os.sep)[0] if os.sep in rel else None
        name = os.path.basename(path)
        if p.h1 != 1:
            fail('%s: %d h1' % (rel, p.h1))
        if not p.title.strip() or not p.description:
            fail('%s: no title or description' % rel)
        if loc is None:
            continue
        if p.lang != loc:
            fail('%s: lang %r' % (rel, p.lang))
        for other in LOCALES:
            if p.alternates.get(other) != '../%s/%s' % (other, name):
                fail('%s: hreflang %s is %r' % (rel, other, p.alternates.get(other)))
        switch = dict(p.switch)
        for other in LOCALES:
            if other != loc and switch.get(other) != '../%s/%s' % (other, name):
                fail('%s: language switch to %s is %r' % (rel, other, switch.get(other)))
        if '{1}' in p.fulltext or '{2}' in p.fulltext or '{1}' in p.title:
            fail('%s: a placeholder was left in the text' % rel)
        for tag, text in p.prose:
            if not text.endswith(SENTENCE_END):
                fail('%s: <%s> does not end a sentence: ...%s' % (rel, tag, text[-60:]))
        # A title that holds parentheses, put inside parentheses, reads as a slip:
        # "450 (Mailbox unavailable (temporary))".
        for where, text in [('description', p.description or '')] + p.prose:
            m = re.search(r'\([^()]*\([^()]*\)\)', text)
            if m:
                fail('%s: <%s> nests parentheses: %r' % (rel, where, m.group(0)))


def check_seed(root, pages, explain):
    """220-vs-535.html holds all that smtp-explain says about 220 and 535."""
    for loc in LOCALES:
        path = os.path.join(root, loc, '220-vs-535.html')
        page = pages[path]
        out = subprocess.run([explain, '--json', '--lang', loc, '220', '535'], check=True,
                             capture_output=True, text=True).stdout
        data = json.loads(out)
        want = []
        for item in data['compare']:
            b = item['basic']
            want += [b['title'], b['severity_title'], b['outcome'], b['description'], b['when'],
                     b['fix']]
        want += data['differences']
        want += [a['text'] for a in data['applies']]
        text = page.fulltext
        missing = [w for w in want if ' '.join(w.split()) not in text]
        for w in missing:
            fail('%s: missing %r' % (path, w[:80]))
        sides = len(re.findall(r'<section class="side"', open(path, encoding='utf-8').read()))
        if sides != 2:
            fail('%s: %d side-by-side sections' % (path, sides))
        print('%s/220-vs-535.html: %d of %d texts of smtp-explain present'
              % (loc, len(want) - len(missing), len(want)))


def check_search(root, pages, basic, enhanced):
    for loc in LOCALES:
        path = os.path.join(root, loc, 'index.html')
        raw = pages[path].scripts.get('search-data')
        if raw is None:
            fail('%s: no search data' % path)
            continue
        entries = json.loads(raw)
        urls = {e['u'] for e in entries}
        want = {'%d.html' % c for c in basic} | {'x.%s.html' % e for e in enhanced}
        if urls != want:
            fail('%s: search data lists %d pages, the catalog %d' % (path, len(urls), len(want)))
        by_url = {e['u']: e for e in entries}
        e = by_url.get('x.7.26.html', {})
        if 'dmarc' not in e.get('k', '').lower() or '5.7.26' not in e.get('f', ''):
            fail('%s: x.7.26 is not found by "dmarc" as 5.7.26' % path)
        if 'auth' not in by_url.get('535.html', {}).get('k', '').lower():
            fail('%s: 535 is not found by "auth"' % path)


def check_same(root, generator, js):
    with tempfile.TemporaryDirectory() as d:
        a, b = os.path.join(d, 'a'), os.path.join(d, 'b')
        for out in (a, b):
            subprocess.run([generator] + (['--js', js] if js else []) + [out], check=True)
        for x, y, label in ((a, b, 'two runs'), (a, root, 'a run and the built site')):
            cmp = filecmp.dircmp(x, y)
            stack, diffs = [cmp], []
            while stack:
                c = stack.pop()
                diffs += [os.path.join(c.left, f) for f in c.left_only + c.right_only]
                _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files,
                                                       shallow=False)
                diffs += [os.path.join(c.left, f) for f in mismatch + errors]
                stack += c.subdirs.values()
            for f in diffs[:10]:
                fail('%s differ: %s' % (label, f))
        print('two runs of smtp-site: identical files')


def check_sizes(root):
    largest = (0, '')
    total = 0
    for d, _, files in os.walk(root):
        for f in files:
            path = os.path.join(d, f)
            size = os.path.getsize(path)
            total += size
            if os.path.basename(d) == 'js':
                continue        # the npm package, checked by its own tests
            limit = PAGE_LIMIT if f.endswith('.html') else ASSET_LIMIT
            if size > limit:
                fail('%s: %d bytes (limit %d)' % (path, size, limit))
            if f.endswith('.html'):
                largest = max(largest, (size, path))
    print('%d bytes in all; largest page %s, %d bytes' % (total, os.path.relpath(largest[1], root),
                                                          largest[0]))


def main(argv):
    js = None
    if len(argv) > 2 and argv[1] == '--js':
        js = os.path.abspath(argv[2])
        argv = argv[:1] + argv[3:]
    if len(argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    root, generator, explain, list_codes = (os.path.abspath(argv[1]), argv[2], argv[3], argv[4])
    if not os.path.isfile(os.path.join(root, 'en', 'index.html')):
        print('no site in %s (meson compile -C BUILD site)' % root)
        return 1
    self_test_links()
    basic, enhanced = check_pages(root, list_codes, js)
    pages = {p: parse(p) for p in html_files(root)}
    broken = check_links(root, pages)
    print('%d pages, %d links and resources checked, %d broken'
          % (len(pages), sum(len(p.links) + len(p.resources) for p in pages.values()), broken))
    check_markup(root, pages)
    check_seed(root, pages, explain)
    check_search(root, pages, basic, enhanced)
    check_same(root, generator, js)
    check_sizes(root)
    for msg in failures[:50]:
        print('FAIL', msg)
    print('%d failures' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
