"""Fits TokenEstimator's weights from the CSV that EstimatorCalibration prints.

Usage: python3 fit_weights.py features.csv        weights and the held-out error table
       python3 fit_weights.py features.csv --cv   5-fold cross-validation, seeds 1 to 5
Needs numpy and scipy.
"""
import csv
import os
import sys
import zlib

import numpy as np
from scipy.optimize import minimize, nnls

NAMES = ("WORDS LONG6 UPPER DIGIT_GROUPS PUNCT PUNCT_RUNS SPACE_RUNS TABS NEWLINE_RUNS HAN HAN_RARE "
         "CJK_PUNCT KANA HANGUL ACCENTED_WORDS CYRILLIC GREEK ARABIC HEBREW DEVANAGARI "
         "INDIC_OTHER THAI_LAO ARMENIAN ALPHABET_OTHER OTHER_WORDS SYMBOLS SUPPLEMENTARY "
         "ACCENTED VIETNAMESE CYRILLIC_EXTRA CYRILLIC_WORDS CYRILLIC_MARKED_WORDS BENGALI "
         "VIETNAMESE_WORDS GENERAL_PUNCT PUNCT_CHANGES LETTER_DIGIT CAPS_THEN_LOWER "
         "UNKNOWN_WORDS").split()
LAMBDA, MARGIN = 10.0, 0.03  # extra penalty on undercounts beyond 3%
# Texts over 1,000 characters must never be undercounted by more than 10%: a steep penalty
# beyond 5%.
LAMBDA_LONG, MARGIN_LONG = float(os.environ.get('LAMBDA_LONG', 20)), 0.05
# Then the estimate of a text leans up by LEAN (TokenEstimator.LEAN), phased in from 500 to 1,000
# characters: a safety margin for long texts against what the features miss.
LEAN = float(os.environ.get('LEAN', 0.02))
# Weights are non-negative, except LETTER_DIGIT's: each letter-digit switch also starts a word or
# a digit group, and hex or base64 costs less per switch than prose pays per word.
NEGATIVE = {'LETTER_DIGIT'}
# A text of nothing but CJK punctuation must not be estimated at 0 tokens; the fit alone would
# let its cost ride on the neighbouring characters.
FLOOR = {'CJK_PUNCT': 0.05}

rows = list(csv.DictReader(open(sys.argv[1])))
F = len(NAMES)
X = np.array([[float(r['f%d' % k]) for k in range(F)] for r in rows])
y = np.array([float(r['exact']) for r in rows])
cat = np.array([r['category'] for r in rows])
chars = np.array([int(r['chars']) for r in rows])
ok = y >= 20
cats = sorted(set(cat))


def added_later(r):
    return (r['file'].startswith('4') and r['category'] == 'other-prose'
            or r['file'][0] in '56')


def fit(train):
    """Weights fitted on the documents where train is set (and the exact count is 20 or more)."""
    m = train & ok
    # Each category weighs the same.
    wcat = {c: 1 / np.sqrt(max(1, (cat[m] == c).sum())) for c in cats}
    doc = np.array([wcat[c] for c in cat])
    start, _ = nnls((X * (doc / y)[:, None])[m], (y * doc / y)[m])
    start = np.maximum(start, [FLOOR.get(n, 0) for n in NAMES])
    Xt, yt, cw = X[m], y[m], doc[m] ** 2
    lt = LAMBDA_LONG * (chars[m] > 1000)

    def loss(v):
        e = (Xt @ v - yt) / yt
        u = np.maximum(0, -e - MARGIN)
        ul = np.maximum(0, -e - MARGIN_LONG)
        return np.sum(cw * (e * e + LAMBDA * u * u + lt * ul * ul))

    def grad(v):
        e = (Xt @ v - yt) / yt
        u = np.maximum(0, -e - MARGIN)
        ul = np.maximum(0, -e - MARGIN_LONG)
        return Xt.T @ (cw * (2 * e - 2 * LAMBDA * u - 2 * lt * ul) / yt)

    bounds = [(None, None) if n in NEGATIVE else (FLOOR.get(n, 0), None) for n in NAMES]
    return minimize(loss, start, jac=grad, method='L-BFGS-B', bounds=bounds).x


def estimate(w):
    lean = LEAN * np.clip((chars - 500) / 500, 0, 1)
    return np.ceil(X @ w * (1 + lean))


def long_line(name, pred):
    big = ok & (chars > 1000)
    e = (pred[big] - y[big]) / y[big]
    return ('%s: of all %d documents over 1,000 characters, %d undercount by more than 10%%, '
            'worst %+.1f%%' % (name, big.sum(), (e < -0.10).sum(), 100 * e.min()))


if len(sys.argv) > 2 and sys.argv[2] == '--cv':
    # Every document is held out once per seed; the errors are those of the fold that left it out.
    print('5-fold cross-validation (LEAN=%.3f)' % LEAN)
    print('seed | ' + ' | '.join(c for c in cats) + ' | all | long: under 10% | worst | worst doc')
    for seed in range(1, 6):
        fold = np.random.default_rng(seed).integers(0, 5, len(y))
        pred = np.zeros(len(y))
        for f in range(5):
            pred[fold == f] = estimate(fit(fold != f))[fold == f]
        e = (pred - y) / y
        big = ok & (chars > 1000)
        worst = min(np.flatnonzero(big), key=lambda i: e[i])
        print('%d | %s | %.1f%% | %d | %+.1f%% | %s/%s' % (
            seed, ' | '.join('%.1f%%' % (100 * np.abs(e[ok & (cat == c)]).mean()) for c in cats),
            100 * np.abs(e[ok]).mean(), (e[big] < -0.10).sum(), 100 * e[worst], cat[worst],
            rows[worst]['file']))
    sys.exit()

# The split: a fixed-seed draw per document of the original corpus, in file order; the texts added
# later (other-prose/4xxx-*, and 5xxx-* and 6xxx-* in any category) are split by a hash of their
# name so that adding them left the original split unchanged.
new = np.array([added_later(r) for r in rows])
u = np.empty(len(rows))
u[~new] = np.random.default_rng(int(os.environ.get("SEED", 1))).random(int((~new).sum()))
u[new] = [zlib.crc32(r['file'].encode()) % 1000 / 1000 for r in rows if added_later(r)]
train = u < 0.6
w = fit(train)
for n, v in zip(NAMES, w):
    if round(v, 4) != 0:
        print("    w[%s] = %.4f;" % (n, v))
for name, pred in [('ours', estimate(w)), ('length/4', np.array([float(r['len4']) for r in rows])),
                   ('cli', np.array([float(r['cli']) for r in rows]))]:
    print('==', name, '(held out);', long_line('', pred)[2:])
    for c in cats + ['all']:
        mm = ~train & ok & ((cat == c) if c != 'all' else True)
        e = (pred[mm] - y[mm]) / y[mm]
        big = mm & (chars > 1000)
        eb = (pred[big] - y[big]) / y[big]
        print("  %-13s n=%4d mean abs %5.1f%%  bias %+5.1f%%  worst %+6.1f%% / %+6.1f%%  "
              "under 10%% (>1000 chars): %d of %d" % (c, mm.sum(), 100 * np.abs(e).mean(),
                                                       100 * e.mean(), 100 * e.min(), 100 * e.max(),
                                                       (eb < -0.10).sum(), big.sum()))
