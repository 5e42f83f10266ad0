"""Adds European-language text found on the machine to /tmp/corpus/latin-other/ (fixed seed):
gettext catalogues (UI strings) in 16 languages and the GnuPG help texts that build_corpus.py does
not use. File names start at 6000 so that fit_weights.py splits them by a hash of the name.

Usage: python3 build_latin.py [/tmp/corpus]
"""
import gettext
import glob
import os
import random
import sys

OUT = os.path.join(sys.argv[1] if len(sys.argv) > 1 else '/tmp/corpus', 'latin-other')
rng = random.Random(13)
docs = []


def chunk(text, n=2):
    lines = text.split('\n')
    out, i = [], 0
    while i < len(lines) and len(out) < n:
        target = int(rng.choice([600, 1500, 3000, 6000]) * rng.uniform(0.8, 1.2))
        buf, size = [], 0
        while i < len(lines) and size < target:
            buf.append(lines[i])
            size += len(lines[i]) + 1
            i += 1
        if len(''.join(buf).strip()) > 80:
            out.append('\n'.join(buf))
    return out


def mo_strings(path):
    try:
        with open(path, 'rb') as f:
            catalog = gettext.GNUTranslations(f)._catalog
    except Exception:
        return []
    return [v for k, v in catalog.items() if k and isinstance(v, str)]


for lang in ['de', 'fr', 'es', 'it', 'pt_BR', 'pl', 'cs', 'tr', 'sv', 'fi', 'hu', 'ro', 'nl', 'da',
             'ca', 'nb']:
    mos = sorted(glob.glob('/usr/share/locale/%s/LC_MESSAGES/*.mo' % lang))
    rng.shuffle(mos)
    used = 0
    for p in mos:
        strings = mo_strings(p)
        if len(strings) < 30:
            continue
        for c in chunk('\n'.join(strings), 1):
            docs.append(('mo-' + lang, c))
        used += 1
        if used == 3:
            break
for lang in ['ca', 'da', 'et', 'gl', 'id', 'nb', 'sk', 'eo', 'pt_BR']:
    for c in chunk(open('/usr/share/gnupg/help.%s.txt' % lang, encoding='utf-8').read(), 2):
        docs.append(('gnupg-' + lang, c))
os.makedirs(OUT, exist_ok=True)
for i, (src, text) in enumerate(docs):
    with open(os.path.join(OUT, '6%03d-%s.txt' % (i, src)), 'w', encoding='utf-8') as f:
        f.write(text)
print(len(docs), 'documents,', sum(len(t) for _, t in docs), 'characters')
